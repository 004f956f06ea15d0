"""Importing an export file: every record checked first, then all of it or nothing.

The file is read twice, as a stream both times: the first pass checks every
record and what spans records, keeping only what those checks need; the
second, after a first pass with no problem at all, hands the records to the
store, which adds them in one transaction. Memory stays bounded whatever the
file's length. The file formats are described in
:mod:`psoas_timer.store.exchange.format`.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, Final

from psoas_timer.core.i18n import _
from psoas_timer.store.errors import StoreError
from psoas_timer.store.exchange.crosscheck import CrossCheck, check_children
from psoas_timer.store.exchange.format import (
    CSV_COLUMNS,
    CSV_RECORDS,
    JSON_FORMAT_NAME,
    JSON_NEXT_DAY_KEYS,
    JSON_RATING_KEYS,
    JSON_SESSION_KEYS,
    JSON_SET_KEYS,
    JSON_STOP_KEYS,
    JSON_VERSION,
    JSON_VERSIONS_READ,
    OPTIONAL_COLUMNS,
    Format,
    RecordKind,
)
from psoas_timer.store.exchange.reader import (
    ImportFileError,
    ImportIssue,
    Issues,
    RecordReader,
    TimeLimits,
    read_next_day,
    read_rating,
    read_session,
    read_set,
    read_stop,
    stop,
)
from psoas_timer.store.exchange.source import JsonEntry, csv_rows, encoding_problem, json_entries
from psoas_timer.store.records import (
    ImportRecord,
    NextDayCheck,
    Rating,
    Session,
    SessionSnapshot,
    SetRow,
    StopRow,
)
from psoas_timer.store.store import Store

_HEADER_TEXT: Final = ",".join(CSV_COLUMNS)
_HEAD: Final = 4096


@dataclass(frozen=True, slots=True)
class ImportReport:
    format: Format
    sessions_added: int
    sessions_skipped: int  # already in the log (same uuid)
    sets_added: int
    ratings_added: int
    next_day_checks_added: int = 0
    stops_added: int = 0


def import_file(store: Store, path: Path, fmt: Format | None = None) -> ImportReport:
    """Import an export file: all of it, or (on any problem) nothing.

    Raises :class:`ImportFileError` naming the line and the problem of each
    record that cannot be imported, or :class:`StoreError`.
    """
    path = Path(path)
    limits = TimeLimits(store.now())
    with _opened(path) as f:
        chosen = fmt or detect_format(path, f.read(_HEAD))
    try:
        with _opened(path) as f:
            check_file(f, chosen, limits)
        with _opened(path) as f:
            result = store.merge_records(records(f, chosen, limits))
    except ImportFileError as exc:
        raise ImportFileError(path, exc.issues, exc.total) from None
    return ImportReport(
        chosen,
        result.sessions_added,
        result.sessions_skipped,
        result.sets_added,
        result.ratings_added,
        result.next_day_checks_added,
        result.stops_added,
    )


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    try:
        f = path.open("rb")
    except OSError as exc:
        raise StoreError(
            _("Could not read {file}: {error}.").format(file=path, error=exc.strerror or exc)
        ) from exc
    with f:
        try:
            yield f
        except OSError as exc:
            raise StoreError(
                _("Could not read {file}: {error}.").format(file=path, error=exc.strerror or exc)
            ) from exc


def detect_format(path: Path, head: bytes) -> Format:
    """CSV or JSON, by the file's suffix, else by its first bytes."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    return "json" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def parse_file(data: bytes, fmt: Format, limits: TimeLimits) -> list[SessionSnapshot]:
    """Check a whole file held in memory and return its sessions; for small files and tests."""
    check_file(io.BytesIO(data), fmt, limits)
    snapshots: dict[str, SessionSnapshot] = {}
    for item in records(io.BytesIO(data), fmt, limits):
        if isinstance(item, Session):
            snapshots[item.uuid] = SessionSnapshot(item, (), ())
            continue
        uuid, value = item
        snap = snapshots[uuid]
        if isinstance(value, SetRow):
            snapshots[uuid] = replace(snap, sets=tuple(sorted((*snap.sets, value), key=_seq)))
        elif isinstance(value, Rating):
            snapshots[uuid] = replace(snap, ratings=(*snap.ratings, value))
        elif isinstance(value, StopRow):
            snapshots[uuid] = replace(snap, stops=tuple(sorted((*snap.stops, value), key=_seq)))
        else:
            snapshots[uuid] = replace(snap, next_day=value)
    return list(snapshots.values())


def _seq(row: SetRow | StopRow) -> int:
    return row.seq


def check_file(f: BinaryIO, fmt: Format, limits: TimeLimits) -> None:
    """The first pass: raise :class:`ImportFileError` listing every problem, if there is one."""
    problem = encoding_problem(f.read(_HEAD), fmt)
    if problem is not None:
        raise stop(1, "encoding", problem)
    f.seek(0)
    issues = Issues()
    try:
        for _record in (_csv_records if fmt == "csv" else _json_records)(f, issues, limits):
            pass
    except ImportFileError as ended:
        for issue in ended.issues:
            issues.append(issue)
    if issues.total:
        raise ImportFileError(None, sorted(issues, key=lambda i: i.line or 0), issues.total)


def records(f: BinaryIO, fmt: Format, limits: TimeLimits) -> Iterator[ImportRecord]:
    """The second pass: the records of a file :func:`check_file` passed, in file order."""
    issues = Issues()
    for item in (_csv_records if fmt == "csv" else _json_records)(f, issues, limits):
        if issues.total:
            # The file changed since it was checked; the store rolls back.
            raise ImportFileError(None, issues, issues.total)
        yield item
    if issues.total:
        raise ImportFileError(None, issues, issues.total)


# -- CSV ------------------------------------------------------------------------


def _csv_records(f: BinaryIO, issues: Issues, limits: TimeLimits) -> Iterator[ImportRecord]:
    rows = csv_rows(f)
    # Rows of nothing but spaces before the header count as blank lines.
    first = next((r for r in rows if any(cell.strip() for cell in r[1])), None)
    if first is None:
        raise stop(
            1,
            "header",
            _(
                "the file is empty or holds only blank lines; expected the header row {header}"
            ).format(header=_HEADER_TEXT),
        )
    header_line, header = first
    header_issues = _header_issues(header_line, header)
    if header_issues:
        raise ImportFileError(None, header_issues)
    cross = CrossCheck(issues, lambda line: _("line {n}").format(n=line))
    for line, row in rows:
        found = _csv_record(line, row, header, issues, limits)
        if found is None:
            continue
        kind, reader = found
        if kind == "session":
            session = read_session(reader, "session_uuid")
            cross.session(line, reader, "session_uuid", session.uuid, session.sides)
            if reader.ok:
                yield session
            continue
        uuid = reader.uuid("session_uuid")
        value: SetRow | Rating | NextDayCheck | StopRow = (
            read_set(reader)
            if kind == "set"
            else read_rating(reader)
            if kind == "rating"
            else read_stop(reader)
            if kind == "stop"
            else read_next_day(reader)
        )
        cross.child(line, reader, uuid, value)
        if reader.ok:
            yield uuid, value
    cross.finish()


def _header_issues(line: int, header: list[str]) -> list[ImportIssue]:
    """Every unknown, repeated or missing column of the header row."""
    known = set(CSV_COLUMNS)
    if not known.intersection(header):
        raise stop(
            line,
            "header",
            _("expected the Psoas Timer header row {header}").format(header=_HEADER_TEXT),
        )
    where = _("line {n}").format(n=line)
    issues: list[ImportIssue] = []
    for index, name in enumerate(header):
        if name not in known:
            shown = name if len(name) <= 40 else name[:40] + "…"
            message = _("unexpected column {name} (column {n})").format(
                name=repr(shown), n=index + 1
            )
            issues.append(ImportIssue(where, shown or f"#{index + 1}", message, line))
        elif header.index(name) != index:
            issues.append(ImportIssue(where, name, _("the column appears twice"), line))
        if len(issues) > 50:
            break  # a row of thousands of strange columns says enough in fifty
    for name in CSV_COLUMNS:
        if name not in header and name not in OPTIONAL_COLUMNS:
            issues.append(ImportIssue(where, name, _("missing column"), line))
    return issues


def _csv_record(
    line: int, row: list[str], header: list[str], issues: list[ImportIssue], limits: TimeLimits
) -> tuple[RecordKind, RecordReader] | None:
    """The kind of record a row holds and a reader for it, or ``None`` if it has none."""
    where = _("line {n}").format(n=line)
    if len(row) < len(header):
        message = _("missing value: the row has {n} values, the header {columns}").format(
            n=len(row), columns=len(header)
        )
        issues.append(ImportIssue(where, header[len(row)], message, line))
        return None
    if len(row) > len(header):
        message = _("unexpected extra value: the row has {n} values, the header {columns}").format(
            n=len(row), columns=len(header)
        )
        issues.append(ImportIssue(where, f"#{len(header) + 1}", message, line))
        return None
    values = dict(zip(header, row, strict=True))
    reader = RecordReader(values, where, line, issues, limits, from_csv=True)
    kind = reader.choice("record", tuple(CSV_RECORDS))
    if not reader.ok:
        return None
    for name in CSV_COLUMNS:
        # .get: a file from before next-day checks or stops has no columns for them.
        if values.get(name) and name not in CSV_RECORDS[kind]:
            reader.fail(
                name,
                _("must be empty in a {kind} row, got {value}").format(
                    kind=kind, value=reader.shown(values[name])
                ),
            )
    return kind, reader


# -- JSON -----------------------------------------------------------------------


def _json_records(f: BinaryIO, issues: Issues, limits: TimeLimits) -> Iterator[ImportRecord]:
    seen_keys: dict[str, int] = {}
    sessions: dict[str, str] = {}  # uuid -> where the session is
    has_sessions = False
    version: object = None

    def document(line: int, field: str, message: str) -> ImportIssue:
        return ImportIssue(_("line {n}, document").format(n=line), field, message, line)

    for entry in json_entries(f):
        if entry.index < 0 or entry.index == 0:
            if entry.key in seen_keys:
                raise ImportFileError(None, [document(entry.line, entry.key, _("appears twice"))])
            seen_keys[entry.key] = entry.line
        if entry.key != "sessions":
            _check_document_key(entry, document)
            if entry.key == "version":
                version = entry.value
            continue
        has_sessions = True
        if entry.index < 0:
            if entry.value != []:
                raise ImportFileError(
                    None, [document(entry.line, "sessions", _("expected a list of sessions"))]
                )
            continue
        # Versions 1 and 2 were written before stops were logged; a file that
        # names its version only after its sessions is not held to the newest.
        stops_listed = version == JSON_VERSION
        yield from _json_session(entry, sessions, issues, limits, stops_listed)
    missing = [k for k in ("format", "version") if k not in seen_keys]
    if not has_sessions:
        missing.append("sessions")
    if missing:
        what = {"format": repr(JSON_FORMAT_NAME), "version": str(JSON_VERSION)}
        raise ImportFileError(
            None,
            [
                document(
                    1,
                    k,
                    _("missing; expected {expected}").format(
                        expected=what.get(k) or _("a list of sessions")
                    ),
                )
                for k in missing
            ],
        )


def _check_document_key(entry: JsonEntry, document: Callable[[int, str, str], ImportIssue]) -> None:
    """Stop at a wrong format or version: nothing else in the file can be trusted."""
    if entry.key == "format" and entry.value != JSON_FORMAT_NAME:
        raise ImportFileError(
            None,
            [
                document(
                    entry.line,
                    "format",
                    _("expected {expected}").format(expected=repr(JSON_FORMAT_NAME)),
                )
            ],
        )
    version = entry.value
    if entry.key == "version" and (version not in JSON_VERSIONS_READ or isinstance(version, bool)):
        expected = ", ".join(map(str, JSON_VERSIONS_READ))
        raise ImportFileError(
            None,
            [
                document(
                    entry.line,
                    "version",
                    _("expected {expected}, got {value} (a newer app may have written it)").format(
                        expected=expected, value=f"{version!r:.40}"
                    ),
                )
            ],
        )


_ReadChild = Callable[[RecordReader], SetRow | Rating | StopRow]


def _json_session(
    entry: JsonEntry,
    sessions: dict[str, str],
    issues: Issues,
    limits: TimeLimits,
    stops_listed: bool,
) -> Iterator[ImportRecord]:
    path = f"sessions[{entry.index}]"

    def reader_of(
        obj: object, where: str, keys: frozenset[str], *steps: str | int
    ) -> RecordReader | None:
        if not isinstance(obj, dict):
            line = entry.line_of(*steps)
            message = _("expected an object, got {kind}").format(kind=type(obj).__name__)
            issues.append(
                ImportIssue(_("line {n}, {where}").format(n=line, where=where), "*", message, line)
            )
            return None
        reader = RecordReader(
            obj,
            where,
            entry.line,
            issues,
            limits,
            from_csv=False,
            line_of=lambda name: entry.line_of(*steps, name),
        )
        for extra in sorted(str(k) for k in obj if k not in keys)[:20]:
            reader.fail(extra, _("unexpected field"))
        return reader

    reader = reader_of(entry.value, path, JSON_SESSION_KEYS)
    if reader is None:
        return
    session = read_session(reader, "uuid")
    if session.uuid:
        if session.uuid in sessions:
            reader.fail(
                "uuid",
                _("a session with this uuid is already at {where}").format(
                    where=sessions[session.uuid]
                ),
            )
        else:
            sessions[session.uuid] = path
    children: list[tuple[RecordReader, SetRow | Rating | StopRow]] = []
    parts: tuple[tuple[str, frozenset[str], _ReadChild], ...] = (
        ("sets", JSON_SET_KEYS, read_set),
        ("ratings", JSON_RATING_KEYS, read_rating),
        ("stops", JSON_STOP_KEYS, read_stop),
    )
    for kind, keys, read in parts:
        items = reader.values.get(kind)
        if kind == "stops" and not stops_listed and kind not in reader.values:
            continue
        if not isinstance(items, list):
            reader.fail(kind, _("expected a list"))
            continue
        for j, item in enumerate(items):
            child = reader_of(item, f"{path}.{kind}[{j}]", keys, kind, j)
            if child is not None:
                children.append((child, read(child)))
    check_children(session.sides, reader.ok, children)
    # Absent from version 1 files; null when the session has no check.
    raw = reader.values.get("next_day")
    found = (
        None if raw is None else reader_of(raw, f"{path}.next_day", JSON_NEXT_DAY_KEYS, "next_day")
    )
    check = None if found is None else (found, read_next_day(found))
    if reader.ok and all(child.ok for child, _value in children) and (check is None or check[0].ok):
        yield session
        for _child, value in children:
            yield session.uuid, value
        if check is not None:
            yield session.uuid, check[1]
