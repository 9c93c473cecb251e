#!/usr/bin/env bash
# Build dist/spacesgui-VERSION-macos.dmg from spacesgui.app, signed and notarised when the
# CI environment has the secrets; without them the steps are skipped and the .dmg is unsigned.
#
#   packaging/macos/build-dmg.sh
#
# Signing (all optional; set as GitHub Actions secrets):
#   MACOS_CERTIFICATE_P12_BASE64  Developer ID Application certificate, .p12, base64
#   MACOS_CERTIFICATE_PASSWORD    its password
#   MACOS_SIGNING_IDENTITY        e.g. "Developer ID Application: Name (TEAMID)"
# Notarisation (needs signing):
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD (an app-specific password)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
VERSION="$(uv run --no-sync python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
WORK="$ROOT/build/macos"
OUT="$ROOT/dist"
rm -rf "$WORK"
mkdir -p "$WORK" "$OUT"

uv run pyinstaller --noconfirm --clean --log-level WARN \
    --distpath "$WORK/dist" --workpath "$WORK/pyinstaller" packaging/spacesgui.spec
APP="$WORK/dist/spacesgui.app"
[ -d "$APP" ] || { echo "build-dmg.sh: PyInstaller made no spacesgui.app" >&2; exit 1; }

"$APP/Contents/MacOS/spacesgui" --smoke  # the bundle works before it is shipped

SIGNED=0
if [ -n "${MACOS_CERTIFICATE_P12_BASE64:-}" ] && [ -n "${MACOS_SIGNING_IDENTITY:-}" ]; then
    KEYCHAIN="$WORK/signing.keychain-db"
    KEYCHAIN_PASSWORD="$(uuidgen)"
    security create-keychain -p "$KEYCHAIN_PASSWORD" "$KEYCHAIN"
    security set-keychain-settings -lut 3600 "$KEYCHAIN"
    security unlock-keychain -p "$KEYCHAIN_PASSWORD" "$KEYCHAIN"
    echo "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode > "$WORK/cert.p12"
    security import "$WORK/cert.p12" -k "$KEYCHAIN" -P "${MACOS_CERTIFICATE_PASSWORD:-}" -T /usr/bin/codesign
    rm -f "$WORK/cert.p12"
    security set-key-partition-list -S apple-tool:,apple: -s -k "$KEYCHAIN_PASSWORD" "$KEYCHAIN" >/dev/null
    # Add ours to the user's search list, keeping the ones there (bash 3.2: no mapfile).
    existing=()
    while IFS= read -r line; do
        line="${line#"${line%%[![:space:]]*}"}"
        existing+=("$(printf '%s' "$line" | tr -d '"')")
    done < <(security list-keychains -d user)
    security list-keychains -d user -s "$KEYCHAIN" ${existing[@]+"${existing[@]}"}
    codesign --force --deep --options runtime --timestamp \
        --entitlements packaging/macos/entitlements.plist \
        --sign "$MACOS_SIGNING_IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
    SIGNED=1
else
    echo "build-dmg.sh: no signing certificate in the environment; the app is not signed"
fi

DMG="$OUT/spacesgui-$VERSION-macos.dmg"
STAGE="$WORK/dmg"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
cp LICENSE "$STAGE/LICENSE.txt"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "spacesgui $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"

if [ "$SIGNED" = 1 ]; then
    codesign --force --timestamp --sign "$MACOS_SIGNING_IDENTITY" "$DMG"
    if [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
        xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
            --password "$APPLE_APP_PASSWORD" --wait
        xcrun stapler staple "$DMG"
    else
        echo "build-dmg.sh: no notarisation credentials in the environment; not notarised"
    fi
fi
echo "$DMG"
