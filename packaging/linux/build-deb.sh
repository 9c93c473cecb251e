#!/usr/bin/env bash
# Build the Linux packages from a clean tree:
#   dist/spacesgui_VERSION_amd64.deb          app under /opt/spacesgui, /usr/bin/spacesgui,
#                                             desktop entry, hicolor icons, AppStream file
#   dist/spacesgui-VERSION-linux-x86_64.tar.gz  the bundle folder, to unpack anywhere
#
# Usage: packaging/linux/build-deb.sh [--bundle DIR] [--out DIR] [--work DIR] [--fast]
#   --bundle DIR  package an already built PyInstaller folder instead of building one
#   --out DIR     where the packages go (default: dist/)
#   --work DIR    scratch folder, emptied first (default: build/linux)
#   --fast        light compression (gzip -1), for tests; releases use xz
# Needs uv, dpkg-deb and (for Depends) dpkg -S: run it on Debian 12 or Ubuntu 22.04+.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
BUNDLE=""
OUT="$ROOT/dist"
WORK="$ROOT/build/linux"
FAST=0
while [ $# -gt 0 ]; do
    case "$1" in
        --bundle) BUNDLE="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        --fast) FAST=1; shift ;;
        *) echo "build-deb.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
APP_ID="io.github.spacesgui.spacesgui"
VERSION="$(uv run --no-sync python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
rm -rf "$WORK"
mkdir -p "$WORK" "$OUT"

if [ -z "$BUNDLE" ]; then
    uv run pyinstaller --noconfirm --clean --log-level WARN \
        --distpath "$WORK/dist" --workpath "$WORK/pyinstaller" packaging/spacesgui.spec
    BUNDLE="$WORK/dist/spacesgui"
fi
[ -x "$BUNDLE/spacesgui" ] || { echo "build-deb.sh: no bundle at $BUNDLE" >&2; exit 1; }

# --- the .tar.gz: the bundle folder as it is, plus the desktop files beside it
TARROOT="$WORK/tar/spacesgui-$VERSION"
mkdir -p "$TARROOT"
cp -a "$BUNDLE/." "$TARROOT/"
cp resources/linux/$APP_ID.desktop resources/app/spacesgui.svg LICENSE "$TARROOT/"
GZ="gzip -9"
if [ "$FAST" = 1 ]; then GZ="gzip -1"; fi
tar -C "$WORK/tar" -I "$GZ" -cf "$OUT/spacesgui-$VERSION-linux-x86_64.tar.gz" "spacesgui-$VERSION"

# --- the .deb tree
PKG="$WORK/deb"
mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
    "$PKG/usr/share/metainfo" "$PKG/usr/share/doc/spacesgui" "$PKG/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$PKG/opt/spacesgui"
cat > "$PKG/usr/bin/spacesgui" <<'LAUNCHER'
#!/bin/sh
exec /opt/spacesgui/spacesgui "$@"
LAUNCHER
chmod 0755 "$PKG/usr/bin/spacesgui"
cp resources/linux/$APP_ID.desktop "$PKG/usr/share/applications/"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$(date -u +%Y-%m-%d)/" \
    resources/linux/$APP_ID.metainfo.xml > "$PKG/usr/share/metainfo/$APP_ID.metainfo.xml"
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "$PKG/usr/share/icons/hicolor/${size}x${size}/apps"
    cp "resources/app/spacesgui-$size.png" "$PKG/usr/share/icons/hicolor/${size}x${size}/apps/spacesgui.png"
done
cp resources/app/spacesgui.svg "$PKG/usr/share/icons/hicolor/scalable/apps/spacesgui.svg"
# Debian's machine-readable copyright file, with the full MIT text from LICENSE.
COPYRIGHT_LINE="$(sed -n 's/^Copyright (c) //p' LICENSE | head -1)"
{
    cat <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: spacesgui

Files: *
Copyright: $COPYRIGHT_LINE
License: MIT

Files: opt/spacesgui/_internal/PySide6/* opt/spacesgui/_internal/shiboken6/*
Copyright: The Qt Company Ltd. and other contributors
License: LGPL-3.0-only
Comment: Qt for Python. Help > About spacesgui lists every bundled component and its
 licence; on Debian the LGPL 3 text is in /usr/share/common-licenses/LGPL-3.

License: MIT
COPYRIGHT
    # The licence text from "Permission is hereby granted", indented; blank lines become " ."
    sed -n '/^Permission/,$p' LICENSE | sed -e 's/^$/./' -e 's/^/ /'
} > "$PKG/usr/share/doc/spacesgui/copyright"

# Depends: the system libraries the bundle's ELF files need but do not carry themselves.
needed_packages() {
    local bundled libs lib path pkg
    bundled="$(find "$BUNDLE" -name '*.so*' -printf '%f\n' | sort -u)"
    libs="$(find "$BUNDLE" -type f \( -name '*.so*' -o -name spacesgui \) -exec sh -c \
        'readelf -d "$1" 2>/dev/null | sed -n "s/.*(NEEDED).*\[\(.*\)\]/\1/p"' _ {} \; | sort -u)"
    for lib in $libs; do
        if printf '%s\n' "$bundled" | grep -qxF "$lib"; then continue; fi
        path="$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')"
        [ -n "$path" ] || continue
        pkg="$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1)" \
            || pkg="$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)" || true
        [ -n "$pkg" ] && echo "$pkg"
    done | sort -u
}
DEPENDS="$(needed_packages | paste -sd, | sed 's/,/, /g')"
# Qt draws text with fontconfig and needs at least one font; the xcb platform needs xcb-cursor.
DEPENDS="${DEPENDS:+$DEPENDS, }fontconfig, fonts-dejavu-core | fonts-liberation2, libxcb-cursor0"
INSTALLED_KB="$(du -sk --apparent-size "$PKG" | cut -f1)"
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: spacesgui
Version: $VERSION
Architecture: amd64
Maintainer: The spacesgui developers <spacesgui@users.noreply.github.com>
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS
Section: net
Priority: optional
Description: file browser for DigitalOcean Spaces and S3-compatible storage
 spacesgui browses Spaces like folders, uploads and downloads with resumable,
 checked transfers in their own process, and keeps keys in the system keyring.
 Run "spacesgui --demo" to try it with sample Spaces, no account needed.
CONTROL
find "$PKG" -type d -exec chmod 0755 {} +
DEB="$OUT/spacesgui_${VERSION}_amd64.deb"
COMPRESS=(-Zxz -z6)
if [ "$FAST" = 1 ]; then COMPRESS=(-Zgzip -z1); fi
dpkg-deb --root-owner-group "${COMPRESS[@]}" --build "$PKG" "$DEB" >/dev/null
echo "$DEB"
echo "$OUT/spacesgui-$VERSION-linux-x86_64.tar.gz"
