"""A log of daily two-sided sessions, written through the Store API.

Every day has one session ending yesterday: both sides, a base set on each
(some with a release marked), and a before and an after rating per side that
drift down over the years. The same seed gives the same log.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from psoas_timer.store import SetRecord, Side, Store

BATCH = 365  # sessions per transaction: one fsync per simulated year


def write_log(path: Path, days: int, *, end: date | None = None, seed: int = 1) -> int:
    """Write ``days`` daily sessions into a new log at ``path``; return the count."""
    rng = random.Random(seed)
    last = end or date.today() - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    sides: tuple[Side, ...] = ("left", "right")
    with Store.open(path) as store:
        for start in range(0, days, BATCH):
            with store.transaction("write the benchmark log"):
                for offset in range(start, min(start + BATCH, days)):
                    day = first + timedelta(days=offset)
                    started = datetime(day.year, day.month, day.day, 7, 30, tzinfo=UTC)
                    session = store.start_session("ql-claw", "prone", "both", started)
                    # Tenderness eases from about 7 towards 3 over the log, with noise.
                    level = 7.0 - 4.0 * offset / max(1, days - 1)
                    for number, side in enumerate(sides):
                        at = started + timedelta(minutes=1 + 5 * number)
                        before = max(0, min(10, round(level + rng.gauss(0, 1.2))))
                        after = max(0, min(10, before - rng.choice((0, 1, 1, 2, 3))))
                        store.record_rating(session, side, "before", before, at)
                        released = rng.randint(4, 15) if rng.random() < 0.6 else None
                        store.record_set(
                            session,
                            SetRecord(
                                side=side,
                                level=0,
                                variant_name="Base set",
                                breaths_planned=15,
                                breaths_done=15,
                                duration_s=150.0,
                                released_breath=released,
                                released_at_s=None if released is None else released * 10.0 - 5,
                            ),
                            at + timedelta(minutes=3),
                        )
                        store.record_rating(
                            session, side, "after", after, at + timedelta(minutes=4)
                        )
                    store.finish_session(session, "completed", started + timedelta(minutes=12))
    return days
