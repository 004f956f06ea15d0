"""Importing an export file: every record checked first, then all of it or nothing.

The file formats are described in :mod:`psoas_timer.store.exchange.format`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from psoas_timer.store.errors import StoreError
from psoas_timer.store.exchange.format import (
    CSV_COLUMNS,
    CSV_LATER_COLUMNS,
    CSV_RECORDS,
    JSON_FORMAT_NAME,
    JSON_RATING_KEYS,
    JSON_SESSION_KEYS,
    JSON_SET_KEYS,
    JSON_STOP_KEYS,
    JSON_VERSION,
    JSON_VERSIONS,
    Format,
    RecordKind,
)
from psoas_timer.store.exchange.reader import (
    ImportFileError,
    ImportIssue,
    ParsedChild,
    ParsedSession,
    RecordReader,
    assemble,
    read_rating,
    read_session,
    read_set,
    read_stop,
)
from psoas_timer.store.records import SessionSnapshot
from psoas_timer.store.store import Store

_HEADER_TEXT: Final = ",".join(CSV_COLUMNS)


@dataclass(frozen=True, slots=True)
class ImportReport:
    format: Format
    sessions_added: int
    sessions_skipped: int  # already in the log (same uuid)
    sets_added: int
    ratings_added: int


def import_file(store: Store, path: Path, fmt: Format | None = None) -> ImportReport:
    """Import an export file: all of it, or (on any problem) nothing."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"Could not read {path}: {exc.strerror or exc}.") from exc
    chosen = fmt or detect_format(path, data)
    try:
        snapshots = parse_file(data, chosen)
    except ImportFileError as exc:
        raise ImportFileError(path, exc.issues) from None
    result = store.merge_snapshots(snapshots)
    return ImportReport(
        chosen,
        result.sessions_added,
        result.sessions_skipped,
        result.sets_added,
        result.ratings_added,
    )


def detect_format(path: Path, data: bytes) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def parse_file(data: bytes, fmt: Format) -> list[SessionSnapshot]:
    """Validate a whole file; raise :class:`ImportFileError` listing every problem."""
    return _read_json(data) if fmt == "json" else _read_csv(data)


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig: spreadsheet programs like to start a UTF-8 file with a BOM.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            None,
            [
                ImportIssue(
                    f"line {line}",
                    "encoding",
                    f"expected UTF-8 text, found byte 0x{data[exc.start]:02x}; save the file "
                    "as CSV UTF-8",
                    line,
                )
            ],
        ) from exc


# -- CSV ------------------------------------------------------------------------


def _read_csv(data: bytes) -> list[SessionSnapshot]:
    rows = _csv_rows(_decode(data))
    header_line, header = rows[0]
    issues = _header_issues(header_line, header)
    if issues:
        raise ImportFileError(None, issues)
    sessions: list[ParsedSession] = []
    children: list[ParsedChild] = []
    for line, row in rows[1:]:
        found = _csv_record(line, row, header, issues)
        if found is None:
            continue
        kind, reader = found
        if kind == "session":
            sessions.append(read_session(reader, "session_uuid"))
        else:
            read = {"set": read_set, "rating": read_rating, "stop": read_stop}[kind]
            children.append(read(reader, reader.uuid("session_uuid")))
    snapshots = assemble(sessions, children)
    if issues:
        raise ImportFileError(None, sorted(issues, key=lambda i: i.line or 0))
    return snapshots


def _stop(line: int, name: str, message: str) -> ImportFileError:
    """A problem that ends the reading of a CSV file at once."""
    return ImportFileError(None, [ImportIssue(f"line {line}", name, message, line)])


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """Each non-blank row with the line it starts on (a quoted cell may span lines)."""
    if not text.strip():
        raise _stop(1, "header", f"the file is empty; expected the header row {_HEADER_TEXT}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _stop(start, "row", f"not valid CSV: {exc}") from exc
    return [(n, r) for n, r in rows if r]


def _header_issues(line: int, header: list[str]) -> list[ImportIssue]:
    """Every unknown, repeated or missing column of the header row."""
    known = set(CSV_COLUMNS)
    if not known.intersection(header):
        raise _stop(line, "header", f"expected the Psoas Timer header row {_HEADER_TEXT}")
    where = f"line {line}"
    issues: list[ImportIssue] = []
    for index, name in enumerate(header):
        if name not in known:
            message = f"unexpected column {name!r} (column {index + 1})"
            issues.append(ImportIssue(where, name or f"#{index + 1}", message, line))
        elif header.index(name) != index:
            issues.append(ImportIssue(where, name, "the column appears twice", line))
    for name in CSV_COLUMNS:
        if name not in header and name not in CSV_LATER_COLUMNS:
            issues.append(ImportIssue(where, name, "missing column", line))
    return issues


def _csv_record(
    line: int, row: list[str], header: list[str], issues: list[ImportIssue]
) -> tuple[RecordKind, RecordReader] | None:
    """The kind of record a row holds and a reader for it, or ``None`` if it has none."""
    where = f"line {line}"
    if len(row) < len(header):
        message = f"missing value: the row has {len(row)} values, the header {len(header)}"
        issues.append(ImportIssue(where, header[len(row)], message, line))
        return None
    if len(row) > len(header):
        message = f"unexpected extra value: the row has {len(row)} values, the header {len(header)}"
        issues.append(ImportIssue(where, f"#{len(header) + 1}", message, line))
        return None
    values = dict(zip(header, row, strict=True))
    reader = RecordReader(values, where, line, issues, from_csv=True)
    kind = reader.choice("record", tuple(CSV_RECORDS))
    if not reader.ok:
        return None
    for name in CSV_COLUMNS:
        if values.get(name) and name not in CSV_RECORDS[kind]:
            reader.fail(name, f"must be empty in a {kind} row, got {reader.shown(values[name])}")
    return kind, reader


# -- JSON -----------------------------------------------------------------------


def _read_json(data: bytes) -> list[SessionSnapshot]:
    text = _decode(data)
    issues: list[ImportIssue] = []
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        issues.append(ImportIssue(f"line {exc.lineno}", "json", f"not valid JSON: {exc.msg}"))
        raise ImportFileError(None, issues) from exc
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT_NAME:
        issues.append(ImportIssue("document", "format", f"expected {JSON_FORMAT_NAME!r}"))
        raise ImportFileError(None, issues)
    version = doc.get("version")
    if version not in JSON_VERSIONS:
        issues.append(
            ImportIssue(
                "document",
                "version",
                f"expected {JSON_VERSION}, got {version!r} (a newer app may have written it)",
            )
        )
    raw_sessions = doc.get("sessions")
    if not isinstance(raw_sessions, list):
        issues.append(ImportIssue("document", "sessions", "expected a list of sessions"))
        raw_sessions = []
    if issues:
        raise ImportFileError(None, issues)

    def reader_of(obj: object, where: str, keys: frozenset[str]) -> RecordReader | None:
        if not isinstance(obj, dict):
            issues.append(ImportIssue(where, "*", f"expected an object, got {type(obj).__name__}"))
            return None
        reader = RecordReader(obj, where, None, issues, from_csv=False)
        for extra in sorted(set(obj) - keys):
            reader.fail(str(extra), "unexpected field")
        return reader

    sessions: list[ParsedSession] = []
    children: list[ParsedChild] = []
    for i, raw in enumerate(raw_sessions):
        where = f"sessions[{i}]"
        reader = reader_of(raw, where, JSON_SESSION_KEYS)
        if reader is None:
            continue
        parsed = read_session(reader, "uuid")
        sessions.append(parsed)
        parts = (("sets", JSON_SET_KEYS), ("ratings", JSON_RATING_KEYS), ("stops", JSON_STOP_KEYS))
        for kind, keys in parts:
            if kind == "stops" and version == 1 and kind not in reader.values:
                continue  # written before stops were logged
            items = reader.values.get(kind)
            if not isinstance(items, list):
                reader.fail(kind, "expected a list")
                continue
            read = {"sets": read_set, "ratings": read_rating, "stops": read_stop}[kind]
            for j, item in enumerate(items):
                child = reader_of(item, f"{where}.{kind}[{j}]", keys)
                if child is None:
                    continue
                item_parsed = read(child, parsed.value.uuid)
                item_parsed.parent = parsed
                children.append(item_parsed)
    snapshots = assemble(sessions, children)
    if issues:
        raise ImportFileError(None, issues)
    return snapshots
