"""The installers' files agree with the code: one version, one logo, every command documented."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from quaero_desktop import __version__, frozen
from quaero_desktop.cli.main import build_parser
from tests.conftest import ROOT

PACKAGING = ROOT / "packaging"


def _rgba(image) -> bytes:
    from PySide6.QtGui import QImage

    converted = image.convertToFormat(QImage.Format.Format_RGBA8888)
    return bytes(converted.constBits())[: converted.sizeInBytes()]


def test_the_svg_logo_draws_the_png_logo():
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    size = 128  # half size: the same comparison, a quarter of the pixels to add up
    png = QImage(str(ROOT / "resources" / "icons" / "quaero.png")).scaled(
        size, size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    drawn = QImage(size, size, QImage.Format.Format_RGBA8888)
    drawn.fill(Qt.GlobalColor.transparent)
    painter = QPainter(drawn)
    QSvgRenderer(str(ROOT / "resources" / "icons" / "quaero.svg")).render(painter)
    painter.end()
    differences = [abs(a - b) for a, b in zip(_rgba(png), _rgba(drawn), strict=True)]
    assert sum(differences) / len(differences) < 0.8  # out of 255 (0.22 now; 1.6 without the handle)
    assert max(differences[3::4]) < 128  # alpha: no shape missing or moved


def test_the_appstream_release_is_this_version():
    metainfo = ET.parse(PACKAGING / "linux" / "io.github.quaero.QuaeroDesktop.metainfo.xml")
    newest = metainfo.getroot().find("releases/release")
    assert newest is not None and newest.get("version") == __version__


def test_the_manual_page_names_every_command():
    manual = (PACKAGING / "linux" / "quaero-desktop.1").read_text(encoding="utf-8").replace("\\-", "-")
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    missing = [name for name in commands if not re.search(rf"^\.B[RI]? {re.escape(name)}\b", manual, re.MULTILINE)]
    assert missing == []


def test_the_windows_installer_starts_the_windowed_program():
    script = (PACKAGING / "windows" / "quaero-desktop.iss").read_text(encoding="utf-8")
    assert f'#define WindowExe "{frozen.WINDOWED_EXECUTABLE}"' in script
    assert f'name="{frozen.WINDOWED_EXECUTABLE.removesuffix(".exe")}"' in (PACKAGING / "quaero-desktop.spec").read_text(
        encoding="utf-8"
    )
