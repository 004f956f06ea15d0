#!/usr/bin/env bash
# Install psoas-timer into a virtualenv (with Qt's system libraries) and start it.
# Any arguments are passed to the app, e.g. --data-dir DIR or --tool ql-claw.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_debian_packages "$HERE/system-libs.txt"
offer_debian_packages "for the spoken steps" "$HERE/speech-packages.txt"
make_venv
"$VENV/bin/python" -m pip install -q "$ROOT"
exec "$VENV/bin/psoas-timer" "$@"
