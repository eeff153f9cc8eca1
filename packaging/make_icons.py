"""Render the app icon from resources/icons/quaero.svg for the installers.

    python packaging/make_icons.py OUT_DIR [--ico] [--icns]

Writes OUT_DIR/hicolor/<N>x<N>/apps/quaero-desktop.png for the usual sizes of the freedesktop
icon theme and OUT_DIR/hicolor/scalable/apps/quaero-desktop.svg; with --ico a Windows icon
(OUT_DIR/quaero-desktop.ico), with --icns a macOS one (OUT_DIR/quaero-desktop.icns). Every size
is drawn from the SVG (Qt's SVG renderer, already a dependency of the app), so none is a blurry
upscale of a small PNG; the .ico and .icns are assembled by Pillow (packaging extra).
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "quaero.svg"
NAME = "quaero-desktop"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int, path: Path) -> Path:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    renderer.render(painter)
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise SystemExit(f"cannot write {path}")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--ico", action="store_true", help="also a Windows .ico")
    parser.add_argument("--icns", action="store_true", help="also a macOS .icns")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out: Path = args.out
    for size in HICOLOR_SIZES:
        render(size, out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png")
    scalable = out / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, scalable)
    if args.ico or args.icns:
        from PIL import Image

        if args.ico:
            big = Image.open(render(256, out / "ico-256.png"))
            big.save(out / f"{NAME}.ico", format="ICO", sizes=[(s, s) for s in ICO_SIZES])
        if args.icns:
            Image.open(render(1024, out / "icns-1024.png")).save(out / f"{NAME}.icns", format="ICNS")
    print(f"icons written to {out}")


if __name__ == "__main__":
    main()
