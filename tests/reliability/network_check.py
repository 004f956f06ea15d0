"""Prove at the system-call level that the running app opens no network socket.

Qt's own C++ code does not go through Python's ``socket`` module, so the
Python-level guard in test_privacy.py cannot see it. This runs the real app
(``harness drive``: sessions with ratings, driven by keys) under
``strace -f -e trace=socket,connect`` and fails on any ``AF_INET`` or
``AF_INET6`` socket. ``AF_UNIX`` (D-Bus, the sound server, speech) and
``AF_NETLINK`` (the kernel) are local and allowed. With ``--unshare`` the app
also runs in a fresh network namespace with no network at all, and must still
save its sessions.

    python -m tests.reliability.network_check --seconds 20 [--unshare]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NETWORK_SOCKET = re.compile(r"socket\((AF_INET6?|PF_INET6?)\b")
FAMILY = re.compile(r"(?:socket|connect)\(.*?(AF_[A-Z0-9]+|PF_[A-Z0-9]+)")


def run(seconds: float, unshare: bool, work: Path) -> tuple[list[str], dict[str, int], int]:
    """Network sockets seen, every socket family seen, and items saved."""
    trace = work / "strace.log"
    journal = work / "journal.jsonl"
    command = [
        "strace",
        "-f",
        "-qq",
        "-e",
        "trace=socket,connect",
        "-o",
        str(trace),
        sys.executable,
        "-m",
        "tests.reliability.harness",
        "drive",
        "--data-dir",
        str(work / "app"),
        "--journal",
        str(journal),
        "--time-scale",
        "50",
        "--quit-after",
        str(seconds),
    ]
    if unshare:
        command = ["unshare", "--net", *command]
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        child.wait(timeout=seconds + 120)  # the app quits by itself
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    lines = trace.read_text("utf-8", "replace").splitlines() if trace.exists() else []
    network = [line for line in lines if NETWORK_SOCKET.search(line)]
    families: dict[str, int] = {}
    for line in lines:
        found = FAMILY.search(line)
        if found:
            families[found.group(1)] = families.get(found.group(1), 0) + 1
    saved = len(journal.read_text("utf-8").splitlines()) if journal.exists() else 0
    return network, families, saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.network_check")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--unshare", action="store_true", help="also cut the network off")
    args = parser.parse_args(argv)
    if shutil.which("strace") is None:
        print("strace is not installed (apt-get install strace)")
        return 2
    work = Path(tempfile.mkdtemp(prefix="psoas-net-"))
    network, families, saved = run(args.seconds, args.unshare, work)
    print(f"socket families opened: {families or 'none'}; {saved} item(s) saved")
    for line in network[:10]:
        print(f"  NETWORK: {line}")
    ok = not network and saved > 0
    print("no network socket was opened" if ok else f"FAILED (trace kept in {work})")
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
