#!/usr/bin/env bash
# Compare the size of the frozen app (dist/psoas-timer/, made by build.sh) with
# a bare PySide6 window frozen the same way (packaging/baseline/), installed
# and compressed (.tar.zst, zstd -19, as build.sh ships it). Builds the
# baseline under build/baseline/ when it is missing. Prints one line each:
#   installed: N MiB | baseline: N MiB | ratio: R | target: ≤ 1.3 | PASS
#   compressed: N MiB | baseline: N MiB | ratio: R | target: ≤ 1.3 | PASS
# and exits 1 if either is over the target.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TARGET="1.3"
APP="$ROOT/dist/psoas-timer"
BASE_ROOT="$ROOT/build/baseline"
BASE="$BASE_ROOT/dist/hello"

if [ ! -x "$APP/psoas-timer" ]; then
    echo "size.sh: no bundle at dist/psoas-timer; run packaging/build.sh first" >&2
    exit 2
fi

if [ ! -x "$BASE/hello" ]; then
    echo "Freezing the baseline into build/baseline/" >&2
    ensure_debian_packages "$HERE/system-libs.txt" "$HERE/build-libs.txt"
    [ -x "$PACKAGE_VENV/bin/pyinstaller" ] || make_package_venv
    rm -rf "$BASE_ROOT"
    mkdir -p "$BASE_ROOT/work"
    freeze "$HERE/baseline/hello.spec" "$BASE_ROOT/dist" "$BASE_ROOT/work" >&2
    strip_debug_info "$BASE"
fi

# compressed_bytes DIR CACHE: bytes of DIR as .tar.zst, compressed again only
# when CACHE is missing or older than DIR's executable.
compressed_bytes() {
    local dir="$1" cache="$2" newest
    newest="$(find "$dir" -maxdepth 1 -type f -newer "$cache" -print -quit 2>/dev/null || true)"
    if [ ! -f "$cache" ] || [ -n "$newest" ]; then
        compress_bundle "$dir" "$cache"
    fi
    stat -c %s "$cache"
}

installed_bytes() {
    du -sb "$1" | cut -f1
}

# line NAME APP_BYTES BASE_BYTES
line() {
    awk -v name="$1" -v app="$2" -v base="$3" -v target="$TARGET" 'BEGIN {
        ratio = app / base
        verdict = (ratio <= target + 1e-9) ? "PASS" : "FAIL"
        printf "%s: %.1f MiB | baseline: %.1f MiB | ratio: %.2f | target: ≤ %s | %s\n",
            name, app / 1048576, base / 1048576, ratio, target, verdict
    }'
}

version="$(sed -n 's/^Version: //p' "$APP"/_internal/psoas_timer-*.dist-info/METADATA | head -1)"
app_archive="$ROOT/dist/psoas-timer-$version-linux-$(uname -m).tar.zst"
results="$(
    line installed "$(installed_bytes "$APP")" "$(installed_bytes "$BASE")"
    line compressed "$(compressed_bytes "$APP" "$app_archive")" \
        "$(compressed_bytes "$BASE" "$BASE_ROOT/hello.tar.zst")"
)"
echo "$results"
! grep -q "| FAIL$" <<<"$results"
