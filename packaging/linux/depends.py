"""Which Debian packages a frozen bundle needs from the system.

    python3 packaging/linux/depends.py BUNDLE_DIR

Reads the DT_NEEDED entries of every ELF file in the bundle, drops the
libraries the bundle carries itself, finds the rest on this system with
ldconfig and names the packages that own them (dpkg -S), one a line, sorted.
A library that is neither in the bundle nor on the system is an error: the
bundle would not start.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def needed(path: Path) -> list[str]:
    result = subprocess.run(
        ["readelf", "-d", str(path)], capture_output=True, text=True, check=False
    )
    names = []
    for line in result.stdout.splitlines():
        if "(NEEDED)" in line:
            names.append(line.rsplit("[", 1)[1].rstrip("]"))
    return names


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def system_libraries() -> dict[str, str]:
    result = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True)
    found: dict[str, str] = {}
    for line in result.stdout.splitlines()[1:]:
        name, _, target = line.strip().partition(" => ")
        soname = name.split(" ", 1)[0]
        if "x86-64" in name or "x86_64" in target or os.uname().machine not in ("x86_64",):
            found.setdefault(soname, target)
    return found


def owner(path: str) -> str:
    for candidate in (path, os.path.realpath(path)):
        result = subprocess.run(
            ["dpkg", "-S", candidate], capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].split(",")[0].strip()
        # Debian 12 keeps /lib as a link to /usr/lib; dpkg knows one spelling.
        alt = candidate.replace("/usr/lib/", "/lib/", 1)
        if alt == candidate:
            alt = candidate.replace("/lib/", "/usr/lib/", 1)
        result = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].split(",")[0].strip()
    raise LookupError(path)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    bundle = Path(argv[1])
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    carried = {p.name for p in bundle.rglob("*") if p.is_file() or p.is_symlink()}
    wanted: dict[str, list[str]] = {}
    for path in files:
        for name in needed(path):
            if name not in carried:
                wanted.setdefault(name, []).append(str(path.relative_to(bundle)))
    system = system_libraries()
    packages: set[str] = set()
    missing = []
    for name, users in sorted(wanted.items()):
        if name not in system:
            missing.append(f"{name} (needed by {', '.join(sorted(users)[:3])})")
            continue
        try:
            packages.add(owner(system[name]))
        except LookupError:
            missing.append(f"{name} at {system[name]} belongs to no package")
    if missing:
        print("libraries the bundle needs but neither carries nor finds:", file=sys.stderr)
        for line in missing:
            print(f"  {line}", file=sys.stderr)
        return 1
    # The C library and loader are always there.
    packages.discard("libc6")
    print("\n".join(sorted(packages)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
