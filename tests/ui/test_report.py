"""The physiotherapist's report: a real PDF, rendered by poppler and read back as text."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from psoas_timer import paths
from psoas_timer.app import main
from psoas_timer.core.catalog import Catalog
from psoas_timer.core.clock import Clocks, FakeClock
from psoas_timer.store import Store
from psoas_timer.store.records import StopRow
from psoas_timer.ui import prompts
from psoas_timer.ui.main_window import MainWindow
from psoas_timer.ui.progress.report import ReportError, report_content, write_report
from psoas_timer.ui.progress.report_command import content_from_store, report_days
from tests.helpers import write_sample_log

LAST = date(2024, 6, 29)
WRITTEN = datetime(2024, 6, 30, 9, 0, tzinfo=UTC)
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils is not installed (packaging/test-libs.txt)"
)


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(out.stdout.split())


def pdf_pages(path: Path, folder: Path) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(path), str(folder / "page")],
        capture_output=True,
        check=True,
    )
    return sorted(folder.glob("page*.png"))


@pytest.fixture
def sample_store(tmp_path: Path, catalog: Catalog) -> Store:
    store = Store.open(tmp_path / "log.sqlite3")
    write_sample_log(store, LAST)
    return store


@needs_poppler
def test_the_report_says_what_the_physiotherapist_needs(
    sample_store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    with sample_store:
        content = content_from_store(sample_store, catalog, date(2024, 1, 1), LAST, WRITTEN)
    target = tmp_path / "report.pdf"
    write_report(target, content)
    assert target.read_bytes().startswith(b"%PDF")
    pages = pdf_pages(target, tmp_path)
    assert 1 <= len(pages) <= 2 and all(p.stat().st_size > 1000 for p in pages)
    text = pdf_text(target)
    assert "Sessions from 1 Jan 2024 to 29 Jun 2024: 78 sessions" in text
    assert "Left: starting tenderness" in text and "a meaningful improvement" in text
    assert "Right: starting tenderness" in text and "no clear change" in text
    assert "Left side: drop and carry-over" in text and "Right side: tenderness" in text
    assert "Carry-over: a session's after rating minus the next session's before rating" in text
    for name in ("QL Claw (ramp end)", "Massage ball"):
        assert name in text
    assert "Next-day checks" in text and "Worse, lasting soreness" in text
    assert "By highest pressure level reached" in text
    assert "Sets stopped because something felt wrong None in this period." in text
    assert catalog.safety.disclaimer.split(".")[0] in text


@needs_poppler
def test_the_report_lists_each_stop_with_its_side_and_reason(
    sample_store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    with sample_store:
        session = sample_store.sessions()[-3]
        at = session.started_at
        sample_store.record_stop(session.id, StopRow(0, 0, 0, "left", 1, 6, "tingling", at))
        sample_store.record_stop(session.id, StopRow(0, 0, 0, "right", 0, None, "dizzy", at))
        content = content_from_store(sample_store, catalog, date(2024, 1, 1), LAST, WRITTEN)
    target = tmp_path / "report.pdf"
    write_report(target, content)
    text = pdf_text(target)
    day = content.chosen[-3].day
    assert (
        f"{day:%a %d %b %Y}, QL Claw (ramp end): left side, tingling or numbness; "
        "right side, dizzy or sick"
        in text
        or f"{day:%a %d %b %Y}, Massage ball: left side, tingling or numbness; "
        "right side, dizzy or sick"
        in text
    ), text


def test_the_report_covers_only_its_days(sample_store: Store, catalog: Catalog) -> None:
    with sample_store:
        content = content_from_store(
            sample_store, catalog, LAST - timedelta(days=13), LAST, WRITTEN
        )
    assert len(content.chosen) == 6
    assert all(LAST - timedelta(days=13) <= s.day <= LAST for s in content.chosen)
    assert "not enough time yet — 6 rated sessions" in content.headlines["left"]
    with pytest.raises(ReportError, match="cannot start"):
        report_content([], LAST, LAST - timedelta(days=1), written=WRITTEN, disclaimer="")


def test_an_empty_log_still_makes_a_report(tmp_path: Path, catalog: Catalog) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        content = content_from_store(store, catalog, LAST - timedelta(days=89), LAST, WRITTEN)
    write_report(tmp_path / "empty.pdf", content)
    assert (tmp_path / "empty.pdf").read_bytes().startswith(b"%PDF")
    assert "No next-day checks" in content.checks_summary


def test_a_report_that_cannot_be_written_says_so(tmp_path: Path, catalog: Catalog) -> None:
    content = report_content([], LAST, LAST, written=WRITTEN, disclaimer="d")
    with pytest.raises(ReportError, match="could not be saved"):
        write_report(tmp_path / "no-such-folder" / "r.pdf", content)


def test_the_default_days_are_the_last_90() -> None:
    assert report_days(None, None, LAST) == (LAST - timedelta(days=89), LAST)
    assert report_days(date(2024, 1, 1), None, LAST) == (date(2024, 1, 1), LAST)


@needs_poppler
def test_the_command_line_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    where = paths.paths_for(data)
    where.ensure()
    with Store.open(where.database) as store:
        write_sample_log(store, LAST)
    out = tmp_path / "for-my-physio.pdf"
    args = ["report", "--data-dir", str(data), "-o", str(out)]
    assert main([*args, "--from", "2024-03-01", "--to", "2024-06-29"]) == 0
    assert "written to" in capsys.readouterr().err
    text = pdf_text(out)
    assert "Sessions from 1 Mar 2024 to 29 Jun 2024" in text
    assert main([*args, "--from", "2024-06-29", "--to", "2024-03-01"]) == 2
    assert "is after" in capsys.readouterr().err
    with pytest.raises(SystemExit) as bad:
        main([*args, "--from", "last tuesday"])
    assert bad.value.code == 2
    assert "expected a date like 2024-05-01" in capsys.readouterr().err


def test_file_report_from_the_window(
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window()
    store = window.saving.store
    assert isinstance(store, Store)
    write_sample_log(store, LAST)
    window.clocks = Clocks.following(FakeClock(), WRITTEN)
    target = tmp_path / "from-the-window"
    asked: list[str] = []

    def choose(parent: QWidget, caption: str, suggested: str, filters: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(target), filters

    monkeypatch.setattr(prompts, "choose_save_file", choose)
    window.export_report()
    written = target.with_suffix(".pdf")
    assert written.read_bytes().startswith(b"%PDF")
    assert asked and asked[0].endswith("psoas-timer-report-2024-06-30.pdf")
    assert str(written) in window.statusBar().currentMessage()


@pytest.mark.subprocess
def test_the_command_needs_no_display(tmp_path: Path) -> None:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "r.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "psoas_timer", "report", "--data-dir", str(tmp_path / "d"),
         "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
