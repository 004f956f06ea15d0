#!/usr/bin/env bash
# Install psoas-timer with its test tools into a virtualenv and run every check:
# ruff, mypy, the import contracts and the test suite (offscreen; no display needed).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_debian_packages "$HERE/system-libs.txt" "$HERE/test-libs.txt"
make_venv
"$VENV/bin/python" -m pip install -q -e "$ROOT[test,dev]"
cd "$ROOT"
"$VENV/bin/ruff" check psoas_timer tests bench
"$VENV/bin/ruff" format --check psoas_timer tests bench
"$VENV/bin/mypy"
"$VENV/bin/lint-imports"
set +e
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: treating that as a failure" >&2
    exit 1
fi
exit "$status"
