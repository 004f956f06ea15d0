"""Writing the whole log as CSV or JSON (the format is described in :mod:`.format`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

from psoas_timer.core.fileio import atomic_write
from psoas_timer.core.i18n import _
from psoas_timer.store.errors import StoreWriteError, os_failure
from psoas_timer.store.exchange.format import (
    CSV_COLUMNS,
    JSON_FORMAT_NAME,
    JSON_VERSION,
    YES_NO,
    Format,
    escape_cell,
)
from psoas_timer.store.records import SessionSnapshot, to_db_time
from psoas_timer.store.store import Store


def _num(value: float) -> str:
    return repr(float(value))


def _csv_rows(snapshots: Iterable[SessionSnapshot]) -> Iterator[list[str]]:
    def row(**cells: str) -> list[str]:
        return [cells.get(c, "") for c in CSV_COLUMNS]

    for snap in snapshots:
        s = snap.session
        yield row(
            record="session",
            session_uuid=s.uuid,
            started_at=to_db_time(s.started_at),
            ended_at="" if s.ended_at is None else to_db_time(s.ended_at),
            tool_id=escape_cell(s.tool_id),
            position_id=escape_cell(s.position_id),
            sides=s.sides,
            status=s.status,
            note=escape_cell(s.note),
        )
        for t in snap.sets:
            yield row(
                record="set",
                session_uuid=s.uuid,
                seq=str(t.seq),
                side=t.side,
                level=str(t.level),
                variant_name=escape_cell(t.variant_name),
                breaths_planned=str(t.breaths_planned),
                breaths_done=str(t.breaths_done),
                released_breath="" if t.released_breath is None else str(t.released_breath),
                released_at_s="" if t.released_at_s is None else _num(t.released_at_s),
                duration_s=_num(t.duration_s),
                paused_s=_num(t.paused_s),
                outcome=t.outcome,
                recorded_at=to_db_time(t.recorded_at),
            )
        for r in snap.ratings:
            yield row(
                record="rating",
                session_uuid=s.uuid,
                side=r.side,
                moment=r.moment,
                value=str(r.value),
                recorded_at=to_db_time(r.recorded_at),
            )
        check = snap.next_day
        if check is not None:
            sore = check.lasting_soreness
            yield row(
                record="next_day",
                session_uuid=s.uuid,
                feeling=check.feeling or "",
                lasting_soreness="" if sore is None else YES_NO[0 if sore else 1],
                recorded_at=to_db_time(check.recorded_at),
            )
        for stop in snap.stops:
            yield row(
                record="stop",
                session_uuid=s.uuid,
                seq=str(stop.seq),
                side=stop.side,
                level=str(stop.level),
                breath="" if stop.breath is None else str(stop.breath),
                reason=stop.reason,
                recorded_at=to_db_time(stop.recorded_at),
            )


def export_csv(store: Store, fp: TextIO) -> int:
    """Write the whole log as CSV to ``fp`` (open it with ``newline=""``); return sessions."""
    snapshots = store.snapshots()
    writer = csv.writer(fp, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_rows(snapshots))
    return len(snapshots)


def _json_document(snapshots: Iterable[SessionSnapshot]) -> dict[str, object]:
    def opt_time(value: datetime | None) -> str | None:
        return None if value is None else to_db_time(value)

    return {
        "format": JSON_FORMAT_NAME,
        "version": JSON_VERSION,
        "sessions": [
            {
                "uuid": snap.session.uuid,
                "started_at": to_db_time(snap.session.started_at),
                "ended_at": opt_time(snap.session.ended_at),
                "tool_id": snap.session.tool_id,
                "position_id": snap.session.position_id,
                "sides": snap.session.sides,
                "status": snap.session.status,
                "note": snap.session.note,
                "sets": [
                    {
                        "seq": t.seq,
                        "side": t.side,
                        "level": t.level,
                        "variant_name": t.variant_name,
                        "breaths_planned": t.breaths_planned,
                        "breaths_done": t.breaths_done,
                        "released_breath": t.released_breath,
                        "released_at_s": (
                            None if t.released_at_s is None else float(t.released_at_s)
                        ),
                        "duration_s": float(t.duration_s),
                        "paused_s": float(t.paused_s),
                        "outcome": t.outcome,
                        "recorded_at": to_db_time(t.recorded_at),
                    }
                    for t in snap.sets
                ],
                "ratings": [
                    {
                        "side": r.side,
                        "moment": r.moment,
                        "value": r.value,
                        "recorded_at": to_db_time(r.recorded_at),
                    }
                    for r in snap.ratings
                ],
                "next_day": None
                if snap.next_day is None
                else {
                    "feeling": snap.next_day.feeling,
                    "lasting_soreness": snap.next_day.lasting_soreness,
                    "recorded_at": to_db_time(snap.next_day.recorded_at),
                },
                "stops": [
                    {
                        "seq": t.seq,
                        "side": t.side,
                        "level": t.level,
                        "breath": t.breath,
                        "reason": t.reason,
                        "recorded_at": to_db_time(t.recorded_at),
                    }
                    for t in snap.stops
                ],
            }
            for snap in snapshots
        ],
    }


def export_json(store: Store, fp: TextIO) -> int:
    """Write the whole log as JSON to ``fp``; return the number of sessions."""
    snapshots = store.snapshots()
    fp.write(json.dumps(_json_document(snapshots), indent=2, ensure_ascii=False) + "\n")
    return len(snapshots)


def export_to_path(store: Store, path: Path, fmt: Format | None = None) -> int:
    """Export atomically to ``path`` (mode 0600); return the number of sessions.

    ``fmt`` defaults to the file's suffix. The file is written in full next to
    its destination and renamed over it, so ``path`` holds either the old
    content or the new, never half of it. A missing folder is an error, not
    made: the person chose where the export goes.
    """
    path = Path(path)
    chosen: Format = fmt or ("json" if path.suffix.lower() == ".json" else "csv")
    buffer = io.StringIO(newline="")
    count = (export_json if chosen == "json" else export_csv)(store, buffer)
    try:
        atomic_write(path, buffer.getvalue().encode("utf-8"), make_folder=False)
    except OSError as exc:
        raise StoreWriteError(
            _("Could not write the export {file}: {error}.").format(
                file=path, error=exc.strerror or exc
            ),
            os_failure(exc),
        ) from exc
    return count
