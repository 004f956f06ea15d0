#!/usr/bin/env bash
# Build every Linux package and check it end to end, as root on Debian or
# Ubuntu: the frozen bundle (smoke start, version, data folders, a scripted
# session, export and import), the .deb (install with apt, start from PATH,
# desktop entry, metainfo and icons in place and valid, purge leaves /opt), and
# the size against a bare PySide6 bundle (size.sh). With --no-build it checks
# what an earlier build.sh left in dist/.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

APP_ID="io.github.psoas_timer.PsoasTimer"
BUNDLE="$ROOT/dist/psoas-timer"
WORK="$(mktemp -d)"
XVFB_PID=""
APP_PID=""

cleanup() {
    if [ -n "$APP_PID" ]; then kill "$APP_PID" 2>/dev/null || true; fi
    if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() {
    echo "check.sh: FAIL: $*" >&2
    exit 1
}

# A clean environment for the app: its own HOME and no XDG overrides, so the
# platformdirs defaults are what gets used.
fresh() {
    local home="$1"
    shift
    env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u XDG_CACHE_HOME \
        HOME="$home" QT_QPA_PLATFORM=offscreen "$@"
}

if [ "${1:-}" = "--no-build" ]; then
    [ -x "$BUNDLE/psoas-timer" ] || fail "no bundle in dist/; run without --no-build"
else
    step "Build"
    bash "$HERE/build.sh"
fi
VERSION="$(sed -n 's/^Version: //p' "$BUNDLE"/_internal/psoas_timer-*.dist-info/METADATA | head -1)"
DEB="$ROOT/dist/psoas-timer_${VERSION}_$(dpkg --print-architecture).deb"
[ -f "$DEB" ] || fail "no $DEB"

step "Bundle: catalog, diagrams and icon are inside"
for asset in icons/psoas-timer.svg catalog/safety.toml catalog/stretches.toml; do
    [ -f "$BUNDLE/_internal/psoas_timer/assets/$asset" ] || fail "missing asset $asset"
done
echo "ok"

step "Bundle: --smoke offscreen, data in the platformdirs folders of a new HOME"
home="$WORK/home"
mkdir -p "$home"
out="$(fresh "$home" "$BUNDLE/psoas-timer" --smoke)"
echo "$out"
grep -q '^first paint after [0-9.]* s$' <<<"$out" || fail "no first paint"
for path in .local/share/psoas-timer/psoas-timer.sqlite3 .config/psoas-timer \
    .cache/psoas-timer .local/state/psoas-timer/log/psoas-timer.log; do
    [ -e "$home/$path" ] || fail "HOME/$path was not created"
    echo "HOME/$path"
done
if grep -q 'catalog:' "$home/.local/state/psoas-timer/log/psoas-timer.log"; then
    fail "the catalog reported errors in the bundle"
fi

step "Bundle: --version matches the package version ($VERSION)"
got="$("$BUNDLE/psoas-timer" --version)"
echo "$got"
[ "$got" = "psoas-timer $VERSION" ] || fail "version '$got'"

step "Bundle: a session on a virtual screen, saved as it happens"
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
sleep 2
data="$WORK/session"
env -u QT_QPA_PLATFORM DISPLAY="$display" HOME="$home" \
    "$BUNDLE/psoas-timer" --data-dir "$data" --tool hands --time-scale 50 >"$WORK/app.log" 2>&1 &
APP_PID=$!
sleep 4
# Safety notice: read it, go on; placement page: Start; countdown; rate 6.
DISPLAY="$display" xdotool key Return
sleep 1
DISPLAY="$display" xdotool key Return
sleep 3
DISPLAY="$display" xdotool key 6
sleep 3
kill "$APP_PID"
wait "$APP_PID" 2>/dev/null || true
APP_PID=""
kill "$XVFB_PID"
XVFB_PID=""
"$BUNDLE/psoas-timer" --data-dir "$data" export --format csv >"$WORK/session.csv"
cat "$WORK/session.csv"
grep -q '^session,.*,hands,' "$WORK/session.csv" || fail "the session was not saved"
grep -q '^rating,.*,left,.*,before,6,' "$WORK/session.csv" || fail "the rating was not saved"

step "Bundle: export JSON and import it into a new data folder"
"$BUNDLE/psoas-timer" --data-dir "$data" export --format json -o "$WORK/log.json"
"$BUNDLE/psoas-timer" --data-dir "$WORK/other" import "$WORK/log.json" | tee "$WORK/import.txt"
grep -q '^Imported 1 session' "$WORK/import.txt" || fail "import"

step "Deb: contents and fields"
dpkg-deb --field "$DEB" Package Version Architecture Installed-Size Depends Recommends
dpkg-deb --contents "$DEB" | awk '{print $6}' | grep -v '^./opt/psoas-timer/_internal/' | head -40

step "Deb: install with apt"
opt_existed=no
[ -d /opt ] && opt_existed=yes
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$DEB" >/dev/null
[ "$(command -v psoas-timer)" = /usr/bin/psoas-timer ] || fail "psoas-timer is not on PATH"
fresh "$WORK/home2" psoas-timer --smoke | tee "$WORK/smoke2.txt"
grep -q '^first paint after' "$WORK/smoke2.txt" || fail "installed app did not paint"
[ "$(psoas-timer --version)" = "psoas-timer $VERSION" ] || fail "installed version"

step "Deb: desktop entry, metainfo and icons"
desktop="/usr/share/applications/$APP_ID.desktop"
metainfo="/usr/share/metainfo/$APP_ID.metainfo.xml"
[ -f "$desktop" ] || fail "no $desktop"
[ -f "$metainfo" ] || fail "no $metainfo"
for size in 16 22 24 32 48 64 128 256 512; do
    [ -f "/usr/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png" ] || fail "no ${size}px icon"
done
[ -f "/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg" ] || fail "no scalable icon"
echo "ok"
echo "desktop-file-validate $desktop"
desktop-file-validate "$desktop"
echo "appstreamcli validate --no-net $metainfo"
appstreamcli validate --no-net "$metainfo"

step "Deb: purge"
DEBIAN_FRONTEND=noninteractive as_root apt-get purge -y -qq psoas-timer >/dev/null
[ ! -e /opt/psoas-timer ] || fail "/opt/psoas-timer is still there"
[ ! -e /usr/bin/psoas-timer ] || fail "/usr/bin/psoas-timer is still there"
if [ "$opt_existed" = yes ] && [ ! -d /opt ]; then fail "/opt was removed"; fi
echo "/opt/psoas-timer gone, /opt still there"

step "Deb: purge leaves an otherwise empty /opt (scratch dpkg database)"
root="$WORK/dpkg-root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/opt"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
dpkg --root="$root" --log=/dev/null --force-script-chrootless --force-depends \
    -i "$DEB" >/dev/null 2>&1 || fail "dpkg -i into the scratch root"
dpkg --root="$root" --log=/dev/null --force-script-chrootless -P psoas-timer >/dev/null
[ -d "$root/opt" ] || fail "purge removed an empty /opt"
[ ! -e "$root/opt/psoas-timer" ] || fail "purge left /opt/psoas-timer"
echo "ok"

step "Size"
bash "$HERE/size.sh"

printf '\ncheck.sh: all checks passed\n'
