#!/usr/bin/env bash
# Builds the Linux packages into dist/:
#   dist/quaero-desktop/                        the frozen one-folder app (PyInstaller)
#   dist/quaero-desktop_<version>_<arch>.deb     the Debian/Ubuntu package
# Usage: bash packaging/build-linux.sh   (after bash .ci/setup; PYTHON=... to use another Python)
# Needs dpkg-deb and dpkg-shlibdeps (dpkg-dev); lintian, desktop-file-validate and appstreamcli
# check the result when they are installed (packaging/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[build-linux] %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

python=${PYTHON:-.venv/bin/python}
[ -x "$python" ] || fail "no $python: run bash .ci/setup first (or set PYTHON=/path/to/python)"
"$python" -c 'import PyInstaller' 2>/dev/null || fail "PyInstaller is missing: $python -m pip install -e '.[package]'"
for tool in dpkg-deb:dpkg dpkg-shlibdeps:dpkg-dev patchelf:patchelf strip:binutils; do
  command -v "${tool%%:*}" >/dev/null || fail "${tool%%:*} is missing: sudo apt-get install ${tool#*:}"
done

name=quaero-desktop
version=$("$python" -c 'import quaero_desktop; print(quaero_desktop.__version__)')  # the one version source
arch=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-"Quaero Desktop maintainers <maintainers@quaero-desktop.invalid>"}
deb="dist/${name}_${version}_${arch}.deb"
started=$SECONDS

log "icons from resources/icons/quaero.svg"
rm -rf build/icons
"$python" packaging/make_icons.py build/icons >/dev/null

log "freezing the app (PyInstaller) into dist/$name"
"$python" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/quaero-desktop.spec
frozen_at=$SECONDS

log "tidying the bundle"
# Playwright's Node.js ships with its debug symbols (about a fifth of its size), of no use to a
# user; the driver is collected as data, so PyInstaller's strip does not reach it.
strip --strip-unneeded "dist/$name/_internal/playwright/driver/node"
# A Python built in a private prefix (pyenv) leaves that build directory as RUNPATH in its
# library and modules: the installed app must never look there. $ORIGIN paths stay.
while IFS= read -r -d '' file; do
  runpath=$(patchelf --print-rpath "$file" 2>/dev/null) || continue
  kept=$(tr ':' '\n' <<<"$runpath" | grep '^\$ORIGIN' | paste -sd: -) || true
  if [ -n "$runpath" ] && [ "$runpath" != "$kept" ]; then
    if [ -n "$kept" ]; then patchelf --set-rpath "$kept" "$file"; else patchelf --remove-rpath "$file"; fi
  fi
done < <(find "dist/$name" -type f \( -name '*.so*' -o -perm -u+x \) -print0)
[ "$(dist/$name/$name --version)" = "$name $version" ] || fail "the frozen app does not print '$name $version'"

log "staging the package"
root=build/deb/root
rm -rf build/deb
mkdir -p "$root/DEBIAN" "$root/usr/lib" "$root/usr/bin" "$root/usr/share/doc/$name" \
  "$root/usr/share/applications" "$root/usr/share/metainfo" "$root/usr/share/man/man1" \
  "$root/usr/share/lintian/overrides"
cp -a "dist/$name" "$root/usr/lib/$name"
ln -s "../lib/$name/$name" "$root/usr/bin/$name"
install -m 644 packaging/linux/quaero-desktop.desktop "$root/usr/share/applications/"
install -m 644 packaging/linux/io.github.quaero.QuaeroDesktop.metainfo.xml "$root/usr/share/metainfo/"
mkdir -p "$root/usr/share/icons"
cp -r build/icons/hicolor "$root/usr/share/icons/"
install -m 644 packaging/linux/copyright "$root/usr/share/doc/$name/copyright"
gzip -9n -c packaging/linux/quaero-desktop.1 > "$root/usr/share/man/man1/$name.1.gz"
# A one-entry changelog for this version, dated by the last commit (the same build gives the same file).
changelog_date=$(git log -1 --format=%cD 2>/dev/null || date -R)
printf '%s (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n' \
  "$name" "$version" "$version" "$maintainer" "$changelog_date" | gzip -9n > "$root/usr/share/doc/$name/changelog.gz"
install -m 644 packaging/linux/lintian-overrides "$root/usr/share/lintian/overrides/$name"

# Permissions as Debian expects: directories 755; programs and scripts 755 as PyInstaller
# collected them; libraries and data 644.
find "$root" -type d -exec chmod 755 {} +
find "$root/usr" -type f \( -perm -u+x -exec chmod 755 {} + -o -exec chmod 644 {} + \)
# cli.js is run as "node cli.js" by Playwright, never on its own: no "#!/usr/bin/env node"
# program that would want a system Node.js (lintian-overrides).
chmod 644 "$root/usr/lib/$name/_internal/playwright/driver/package/cli.js"
elf_files=()
while IFS= read -r -d '' file; do
  if [ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = "177ELF" ]; then
    elf_files+=("$PWD/$file")
    case "$file" in *.so|*.so.*) chmod 644 "$file" ;; esac
  elif [ -x "$file" ] && [ "$(head -c 2 "$file" | tr -d '\0')" != "#!" ]; then
    chmod 644 "$file"  # data that an upstream archive marked executable (a .wasm of Playwright's)
  fi
done < <(find "$root/usr/lib/$name" -type f -print0)

log "working out the library dependencies (dpkg-shlibdeps, ${#elf_files[@]} ELF files)"
mkdir -p build/deb/debian
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$name" "$name" > build/deb/debian/control
private_dirs=()
while IFS= read -r dir; do private_dirs+=("-l$PWD/$dir"); done < <(
  find "$root/usr/lib/$name" -name '*.so*' -printf '%h\n' | sort -u)
shlibs=$(cd build/deb && dpkg-shlibdeps -O --ignore-missing-info "${private_dirs[@]}" \
  "${elf_files[@]}" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || fail "dpkg-shlibdeps found no dependencies"

installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: $name
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_kb
Depends: $shlibs, chromium | google-chrome-stable | microsoft-edge-stable | chromium-browser
Recommends: chromium-headless-shell
Suggests: gnome-keyring | keepassxc
Section: web
Priority: optional
Description: crawl websites into a local, searchable Markdown knowledge base
 Quaero Desktop crawls websites, including ones behind a login, into a
 local, searchable Markdown knowledge base. Nothing leaves your machine:
 pages are rendered by a real Chromium, converted to Markdown and stored
 in one SQLite file in your data directory; logins live in the system's
 keyring.
 .
 The window defines crawls, shows them live, and searches, previews and
 exports the documents; the quaero-desktop command does the same for
 scripts and servers.
CONTROL
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

log "building $deb"
mkdir -p dist
rm -f "dist/${name}"_*.deb
# xz, as Debian requires (lintian refuses zstd). Level 6 (dpkg's default) gives the smallest
# download (about 73 MB) in about two minutes of CPU; DEB_XZ_LEVEL=0 takes 20 s for about 87 MB
# (the test suite's choice: the same package, less squeezed).
compression=(-Zxz "-z${DEB_XZ_LEVEL:-6}")
dpkg-deb --root-owner-group "${compression[@]}" --build "$root" "$deb" >/dev/null

log "done in $((SECONDS - started)) s (freezing $((frozen_at - started)) s)"
log "bundle: $(du -sh "dist/$name" | cut -f1)  .deb: $(du -h "$deb" | cut -f1)  ($deb)"
