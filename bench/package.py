"""Package size: passes on the lines of ``packaging/size.sh`` once the bundle is built."""

from __future__ import annotations

import subprocess

from bench.common import ROOT, Line, Note


def run() -> list[Line]:
    bundle = ROOT / "dist" / "psoas-timer"
    script = ROOT / "packaging" / "size.sh"
    if not bundle.exists():
        return [
            Note(
                "package size: not measured, the bundle has not been built "
                "(build it with `bash packaging/build.sh`, then run `bench/run package`)"
            )
        ]
    if not script.is_file():
        return [Note("package size: not measured, packaging/size.sh is missing")]
    done = subprocess.run(
        ["bash", str(script)], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    lines: list[Line] = [
        Note(line, passed=not line.rstrip().endswith("FAIL"))
        for line in done.stdout.splitlines()
        if line.strip()
    ]
    if done.returncode != 0 and all(line.passed for line in lines):
        # size.sh fails when a figure fails; anything else is a broken run.
        lines.append(
            Note(
                f"package size: packaging/size.sh exited with {done.returncode}: "
                f"{done.stderr.strip()[-500:]} | FAIL",
                passed=False,
            )
        )
    return lines
