# Shared by run.sh and test.sh: system libraries and the virtualenv.
# shellcheck shell=bash
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="${PSOAS_TIMER_VENV:-$ROOT/.venv}"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The package names listed in the given files, one a line (# starts a comment).
package_list() {
    grep -hv '^\s*#' "$@" | grep -v '^\s*$'
}

# The packages listed in the given files that dpkg does not have installed.
missing_debian_packages() {
    local pkg
    for pkg in $(package_list "$@"); do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || echo "$pkg"
    done
}

# Install the Debian packages listed in the given files that are not installed yet.
ensure_debian_packages() {
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local missing=()
    mapfile -t missing < <(missing_debian_packages "$@")
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "Installing system packages: ${missing[*]}"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
}

# Install the Debian packages listed in the given files if apt can be used
# without asking (as root, or with sudo that needs no password); otherwise, or
# if it fails, say what to install and carry on: the app works without them.
offer_debian_packages() {
    local why="$1"
    shift
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local missing=()
    mapfile -t missing < <(missing_debian_packages "$@")
    [ "${#missing[@]}" -gt 0 ] || return 0
    local can=""
    if command -v apt-get >/dev/null 2>&1; then
        if [ "$(id -u)" -eq 0 ]; then
            can=yes
        elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            can=yes
        fi
    fi
    if [ -n "$can" ]; then
        echo "Installing system packages $why: ${missing[*]}"
        if as_root apt-get update -qq \
            && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
                --no-install-recommends "${missing[@]}" >/dev/null; then
            return 0
        fi
        echo "Could not install ${missing[*]}." >&2
    fi
    echo "Without ${missing[*]} the app shows its steps as text instead of speaking them." >&2
    echo "To hear them: sudo apt-get install ${missing[*]}" >&2
    return 0
}

# A python3 >= 3.11 with venv support.
find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "psoas-timer needs Python 3.11 or newer; install python3 first." >&2
    return 1
}

make_venv() {
    local python
    python="$(find_python)"
    if [ ! -x "$VENV/bin/python" ]; then
        if ! "$python" -m venv "$VENV" 2>/dev/null; then
            # Debian splits venv support out of the interpreter package.
            rm -rf "$VENV"
            as_root apt-get update -qq
            DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
            "$python" -m venv "$VENV"
        fi
    fi
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
}

# ---- Frozen bundles (build.sh, size.sh, check.sh) --------------------------

# The virtualenv the bundles are built from; kept apart from .venv.
PACKAGE_VENV="${PSOAS_TIMER_PACKAGE_VENV:-$ROOT/build/package-venv}"

# Create the packaging virtualenv and install the app with its `package` extra
# (PyInstaller, Pillow). Non-editable, so PyInstaller sees the installed
# psoas_timer.assets package exactly as a wheel lays it out.
make_package_venv() {
    VENV="$PACKAGE_VENV" make_venv
    "$PACKAGE_VENV/bin/python" -m pip install -q "${ROOT}[package]"
}

# freeze SPEC DISTPATH WORKPATH: run PyInstaller on SPEC, outside the source
# tree so the checkout's psoas_timer/ cannot shadow the installed package.
freeze() {
    local spec="$1" distpath="$2" workpath="$3"
    (cd "$workpath/.." && "$PACKAGE_VENV/bin/pyinstaller" --noconfirm --clean \
        --log-level WARN --distpath "$distpath" --workpath "$workpath" "$spec")
}

# Strip debug information from the ELF files in DIR that carry it (an
# interpreter built from source leaves it in libpython and its extension
# modules). Files without debug sections, such as libraries that auditwheel
# rewrote, are left alone: stripping those breaks them.
strip_debug_info() {
    local file
    command -v readelf >/dev/null 2>&1 || return 0
    while IFS= read -r -d '' file; do
        if readelf -S "$file" 2>/dev/null | grep -q '\.debug_info'; then
            strip --strip-debug "$file"
        fi
    done < <(find "$1" -type f \( -name '*.so' -o -name '*.so.*' \) -print0)
}

# compress_bundle DIR OUT: DIR as OUT, a .tar.zst with DIR's name at the top.
compress_bundle() {
    tar -C "$(dirname "$1")" --owner=0 --group=0 --numeric-owner --sort=name \
        -cf - "$(basename "$1")" | zstd -q -19 -T0 -f -o "$2"
}
