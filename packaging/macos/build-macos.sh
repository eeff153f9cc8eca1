#!/usr/bin/env bash
# Builds the macOS app into dist/: "dist/Quaero Desktop.app" (PyInstaller, with Info.plist and
# an .icns drawn from resources/icons/quaero.svg) and dist/quaero-desktop-<version>.dmg.
# Usage, on a Mac, after "python3 -m pip install '.[package]'": bash packaging/macos/build-macos.sh
# The app is ad-hoc signed (PyInstaller does that); signing with a Developer ID and notarising
# need Apple credentials: set CODESIGN_IDENTITY to sign with one (packaging/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[build-macos] %s\n' "$*" >&2; }
python=${PYTHON:-python3}
version=$("$python" -c 'import quaero_desktop; print(quaero_desktop.__version__)')
app="dist/Quaero Desktop.app"
dmg="dist/quaero-desktop-$version.dmg"

log "icons from resources/icons/quaero.svg"
rm -rf build/icons
"$python" packaging/make_icons.py build/icons --icns >/dev/null

log "freezing the app (PyInstaller) into $app"
rm -rf "$app"
"$python" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/quaero-desktop.spec
printed=$("$app/Contents/MacOS/quaero-desktop" --version)
[ "$printed" = "quaero-desktop $version" ] || { log "the app printed '$printed'"; exit 1; }
[ "$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$app/Contents/Info.plist")" = "$version" ]

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  log "signing with $CODESIGN_IDENTITY"
  codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$app"
fi

log "disk image $dmg"
staging=build/dmg
rm -rf "$staging" "$dmg"
mkdir -p "$staging"
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"  # drag the app onto it to install
hdiutil create -volname "Quaero Desktop" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg" >/dev/null
log "done: $dmg"
