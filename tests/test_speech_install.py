"""run.sh installs the voice when apt can be used, and otherwise says what to install.

The script's own function runs in bash against stand-ins for dpkg-query, id,
sudo and apt-get on a PATH of their own: a test cannot install packages, and
must not ask for a password.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
SPEECH = ["speech-dispatcher", "speech-dispatcher-espeak-ng"]


def speech_packages() -> list[str]:
    lines = (PACKAGING / "speech-packages.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_the_voice_is_speech_dispatcher_with_its_espeak_ng_module() -> None:
    # speech-dispatcher without an output module starts, and says nothing.
    assert speech_packages() == SPEECH


def test_the_deb_recommends_the_same_packages() -> None:
    build = (PACKAGING / "build.sh").read_text("utf-8")
    assert 'package_list "$HERE/speech-packages.txt"' in build
    assert "Recommends: $recommends, pulseaudio | pipewire-pulse" in build


def stand_ins(folder: Path, uid: int, installed: set[str], apt: bool, sudo: str | None) -> Path:
    """A PATH with the few real tools the function needs and stand-ins for the rest."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    for tool in ("grep", "dirname", "cat"):
        real = shutil.which(tool)
        assert real is not None
        (bin_dir / tool).symlink_to(real)
    log = folder / "calls"

    def script(name: str, body: str) -> None:
        path = bin_dir / name
        path.write_text(f'#!/bin/bash\necho "{name} $*" >> "{log}"\n{body}\n')
        path.chmod(0o755)

    script("id", f"echo {uid}")
    cases = "\n".join(f'    {pkg}) echo "install ok installed";;' for pkg in installed)
    script("dpkg-query", f'case "${{@: -1}}" in\n{cases}\n    *) exit 1;;\nesac')
    if apt:
        script("apt-get", "exit 0")
    if sudo == "passwordless":
        script("sudo", 'if [ "$1" = -n ]; then shift; fi; "$@"')
    elif sudo == "asks":
        script("sudo", 'if [ "$1" = -n ]; then exit 1; fi; echo "password:"; exit 1')
    return bin_dir


def offer(tmp_path: Path, bin_dir: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bash = shutil.which("bash")
    assert bash is not None
    done = subprocess.run(
        [
            bash,
            "-c",
            f'source "{PACKAGING}/common.sh"; '
            f'offer_debian_packages "for the spoken steps" "{PACKAGING}/speech-packages.txt"; '
            'echo "carried on"',
        ],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    log = tmp_path / "calls"
    calls = log.read_text().splitlines() if log.exists() else []
    return done, calls


@pytest.mark.parametrize(
    ("uid", "sudo"), [(0, None), (1000, "passwordless")], ids=["root", "passwordless sudo"]
)
def test_missing_speech_packages_are_installed_when_apt_can_be_used(
    tmp_path: Path, uid: int, sudo: str | None
) -> None:
    bin_dir = stand_ins(tmp_path, uid, installed={"speech-dispatcher"}, apt=True, sudo=sudo)
    done, calls = offer(tmp_path, bin_dir)
    assert done.returncode == 0, done.stderr
    installs = [call for call in calls if call.startswith("apt-get install")]
    # Only what is missing: speech-dispatcher alone would have no voice.
    assert installs == [
        "apt-get install -y -qq --no-install-recommends speech-dispatcher-espeak-ng"
    ]
    assert "carried on" in done.stdout


@pytest.mark.parametrize(
    ("apt", "sudo"),
    [(True, "asks"), (True, None), (False, None)],
    ids=["sudo asks for a password", "no sudo", "no apt"],
)
def test_without_apt_the_script_says_what_to_install_and_carries_on(
    tmp_path: Path, apt: bool, sudo: str | None
) -> None:
    bin_dir = stand_ins(tmp_path, 1000, installed=set(), apt=apt, sudo=sudo)
    done, calls = offer(tmp_path, bin_dir)
    assert done.returncode == 0, done.stderr
    assert not [call for call in calls if call.startswith("apt-get")]
    assert "sudo apt-get install speech-dispatcher speech-dispatcher-espeak-ng" in done.stderr
    assert "password" not in done.stdout + done.stderr
    assert "carried on" in done.stdout


def test_nothing_is_said_or_done_when_the_voice_is_installed(tmp_path: Path) -> None:
    bin_dir = stand_ins(tmp_path, 1000, installed=set(SPEECH), apt=True, sudo="asks")
    done, calls = offer(tmp_path, bin_dir)
    assert done.returncode == 0 and done.stderr == ""
    assert not [call for call in calls if not call.startswith("dpkg-query") and call != "id -u"]


def test_a_failed_install_is_said_and_the_app_still_starts(tmp_path: Path) -> None:
    bin_dir = stand_ins(tmp_path, 0, installed=set(), apt=True, sudo=None)
    (bin_dir / "apt-get").write_text("#!/bin/bash\nexit 100\n")
    done, _ = offer(tmp_path, bin_dir)
    assert done.returncode == 0
    assert "Could not install speech-dispatcher speech-dispatcher-espeak-ng" in done.stderr
    assert "carried on" in done.stdout


def test_run_sh_offers_the_voice_before_starting() -> None:
    run = (PACKAGING / "run.sh").read_text("utf-8")
    offered = run.index('offer_debian_packages "for the spoken steps"')
    assert offered < run.index("exec ")
    assert os.access(PACKAGING / "run.sh", os.R_OK)
