#!/usr/bin/env bash
# Install the .deb with apt on a clean, minimal Debian 12 and run `spacesgui --smoke` there.
#
#   sudo packaging/linux/check-clean-install.sh [--deb FILE] [--mirror URL] [--cache DIR] [--keep DIR] [--xvfb]
#
#   --deb FILE    the package to check (default: build one with build-deb.sh --fast)
#   --mirror URL  the Debian mirror (default: http://deb.debian.org/debian)
#   --cache DIR   keep debootstrap's downloads here, so the next run fetches nothing again
#   --keep DIR    make the Debian root in DIR and leave it there (default: a temp folder,
#                 removed at the end)
#   --xvfb        also run --smoke on the xcb platform (a desktop's) under Xvfb, after
#                 installing xvfb in the root (done last: it pulls in X libraries of its own)
#
# What it does: debootstrap a "minbase" bookworm root (no X, no fonts, no D-Bus, no Qt
# libraries: what the .deb's Depends do not name is not there), `apt-get install
# --no-install-recommends ./spacesgui_*.deb` inside it (so apt resolves the Depends from the
# mirror, as for a user), then, as an ordinary user with an empty environment (no DISPLAY,
# no D-Bus session), `spacesgui --version` and `spacesgui --smoke`, and `apt-get remove`.
# Exits non-zero with the reason when any step fails.
#
# Needs root (chroot, mounts), debootstrap (apt-get install debootstrap) and the mirror.
# Takes a few minutes: it is not part of the pytest suite.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEB=""
MIRROR="http://deb.debian.org/debian"
CACHE=""
KEEP=""
XVFB=0
while [ $# -gt 0 ]; do
    case "$1" in
        --deb) DEB="$(realpath "$2")"; shift 2 ;;
        --mirror) MIRROR="$2"; shift 2 ;;
        --cache) CACHE="$(realpath -m "$2")"; shift 2 ;;
        --keep) KEEP="$(realpath -m "$2")"; shift 2 ;;
        --xvfb) XVFB=1; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "check-clean-install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
say() { printf '\n== %s\n' "$*"; }
die() { echo "check-clean-install.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run it as root (it uses chroot and mounts)"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/spacesgui-clean-install.XXXXXX")"
CHROOT="${KEEP:-$WORK/root}"
MOUNTED=()
cleanup() {
    local i
    for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTED[i]}" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "$DEB" ]; then
    say "building the .deb (build-deb.sh --fast)"
    DEB="$(bash "$ROOT/packaging/linux/build-deb.sh" --fast --out "$WORK/out" --work "$WORK/build" | grep '\.deb$')"
fi
[ -f "$DEB" ] || die "no package at $DEB"
echo "package: $DEB ($(du -h "$DEB" | cut -f1))"
echo "Depends: $(dpkg-deb --field "$DEB" Depends)"

if [ -x "$CHROOT/usr/bin/apt-get" ] && [ -n "$KEEP" ]; then
    say "reusing the Debian root in $CHROOT"
    chroot "$CHROOT" dpkg -s spacesgui >/dev/null 2>&1 && die "$CHROOT already has spacesgui installed; remove the folder first"
else
    say "debootstrap: a minimal Debian 12 (bookworm) in $CHROOT"
    mkdir -p "$CHROOT"
    cache_args=()
    if [ -n "$CACHE" ]; then mkdir -p "$CACHE"; cache_args=(--cache-dir="$CACHE"); fi
    debootstrap --variant=minbase "${cache_args[@]}" bookworm "$CHROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
        || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
fi

# /proc for the app and apt; a private /dev/shm for the transfer process's semaphores.
mount -t proc proc "$CHROOT/proc" && MOUNTED+=("$CHROOT/proc")
mount -t tmpfs -o mode=1777 shm "$CHROOT/dev/shm" && MOUNTED+=("$CHROOT/dev/shm")
cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null || true
cp "$DEB" "$CHROOT/tmp/"
PKGFILE="/tmp/$(basename "$DEB")"

in_root() { chroot "$CHROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
as_user() {
    chroot --userspec=tester:tester "$CHROOT" env -i HOME=/home/tester USER=tester LANG=C.UTF-8 \
        PATH=/usr/bin:/bin "$@"
}

say "apt-get install --no-install-recommends $PKGFILE"
in_root apt-get update -qq
in_root apt-get install -y -q --no-install-recommends "$PKGFILE" >"$WORK/apt.log" 2>&1 \
    || { tail -30 "$WORK/apt.log" >&2; die "apt-get could not install the package (log above)"; }
pulled="$(sed -n 's/^Setting up \([^: ]*\).*/\1/p' "$WORK/apt.log" | grep -vx spacesgui | sort | paste -sd' ')"
echo "apt pulled in $(wc -w <<<"$pulled") packages from the mirror: $pulled"
# shellcheck disable=SC2016  # ${Package}… are dpkg-query's fields, not the shell's
echo "installed: $(in_root dpkg-query -W -f='${Package} ${Version}, Installed-Size ${Installed-Size} kB' spacesgui)"

say "what the package put on the system"
for path in /usr/bin/spacesgui /opt/spacesgui/spacesgui /usr/share/doc/spacesgui/copyright \
    /usr/share/applications/io.github.spacesgui.spacesgui.desktop \
    /usr/share/metainfo/io.github.spacesgui.spacesgui.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/spacesgui.svg; do
    [ -e "$CHROOT$path" ] || die "$path is missing after the install"
done
grep -q '^License: MIT' "$CHROOT/usr/share/doc/spacesgui/copyright" || die "the copyright file names no MIT licence"
echo "launcher, bundle, copyright, desktop entry, AppStream file and icons are in place"
# Every library any ELF file of the bundle asks for must resolve, with the library path the
# bundle's launcher sets (its _internal folder): what is not bundled must come from Depends.
# This covers the xcb and wayland platform plug-ins a desktop loads, which --smoke does not.
missing="$(in_root env LD_LIBRARY_PATH=/opt/spacesgui/_internal sh -c \
    'find /opt/spacesgui -type f \( -name "*.so*" -o -name spacesgui \) -exec ldd {} + 2>/dev/null' \
    | grep 'not found' | sort -u || true)"
[ -z "$missing" ] || die "libraries of the bundle that neither it nor its Depends provide:
$missing"
echo "ldd: every library of the bundle and its Qt plug-ins resolves"

in_root id -u tester >/dev/null 2>&1 || in_root useradd --create-home --shell /bin/sh tester

say "spacesgui --version (as a user, empty environment)"
version="$(as_user spacesgui --version)"
echo "$version"
expected="spacesgui $(dpkg-deb --field "$DEB" Version)"
[ "$version" = "$expected" ] || die "--version said '$version', expected '$expected'"

say "spacesgui --smoke (as a user: no display, no D-Bus session, no keyring)"
status=0
as_user timeout 240 spacesgui --smoke >"$WORK/smoke.out" 2>"$WORK/smoke.err" || status=$?
cat "$WORK/smoke.out"
if [ "$status" != 0 ]; then
    tail -40 "$WORK/smoke.err" >&2
    die "spacesgui --smoke exited $status (its stderr above)"
fi
grep -q 'smoke test passed' "$WORK/smoke.out" || die "--smoke exited 0 but did not say it passed"
grep -q '^secrets: ' "$WORK/smoke.out" || die "--smoke did not say where secret keys go"

if [ "$XVFB" = 1 ]; then
    say "spacesgui --smoke on the xcb platform under Xvfb"
    in_root apt-get install -y -q --no-install-recommends xvfb xauth >"$WORK/xvfb.log" 2>&1 \
        || { tail -20 "$WORK/xvfb.log" >&2; die "apt-get could not install xvfb"; }
    status=0
    as_user timeout 240 xvfb-run -a env QT_QPA_PLATFORM=xcb spacesgui --smoke \
        >"$WORK/smoke-xcb.out" 2>"$WORK/smoke-xcb.err" || status=$?
    cat "$WORK/smoke-xcb.out"
    if [ "$status" != 0 ]; then
        tail -40 "$WORK/smoke-xcb.err" >&2
        die "spacesgui --smoke on xcb exited $status (its stderr above)"
    fi
fi

say "apt-get remove spacesgui"
in_root apt-get remove -y -q spacesgui >"$WORK/remove.log" 2>&1 \
    || { tail -20 "$WORK/remove.log" >&2; die "apt-get remove failed"; }
if [ -e "$CHROOT/opt/spacesgui" ] || [ -e "$CHROOT/usr/bin/spacesgui" ]; then
    die "files of the package are left after apt-get remove"
fi
echo "removed: /opt/spacesgui and /usr/bin/spacesgui are gone"

say "clean install on Debian 12 passed"
