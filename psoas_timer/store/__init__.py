"""The session log (SQLite) and its CSV/JSON export and import.

This is the store's public face: import from here, not from its modules.
Side, Sides, Moment, SetOutcome, StopReason and SessionStatus are the words of
:mod:`psoas_timer.core.vocab`, offered here too for the store's callers.
"""

from psoas_timer.core.vocab import Moment, SessionStatus, SetOutcome, Side, Sides, StopReason
from psoas_timer.store.errors import (
    CorruptDatabaseError,
    NewerSchemaError,
    SessionNotFoundError,
    StoreError,
    StoreWriteError,
    WriteFailure,
)
from psoas_timer.store.exchange import (
    CSV_COLUMNS,
    Format,
    ImportFileError,
    ImportIssue,
    ImportReport,
    export_csv,
    export_json,
    export_to_path,
    import_file,
)
from psoas_timer.store.files import quarantine
from psoas_timer.store.records import (
    MergeResult,
    Rating,
    Session,
    SessionSnapshot,
    SessionSummary,
    SetLike,
    SetRecord,
    SetRow,
    SideSummary,
    StopLike,
    StopRow,
)
from psoas_timer.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration, migrate
from psoas_timer.store.store import Store

__all__ = [
    "CSV_COLUMNS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "CorruptDatabaseError",
    "Format",
    "ImportFileError",
    "ImportIssue",
    "ImportReport",
    "MergeResult",
    "Migration",
    "Moment",
    "NewerSchemaError",
    "Rating",
    "Session",
    "SessionNotFoundError",
    "SessionSnapshot",
    "SessionStatus",
    "SessionSummary",
    "SetLike",
    "SetOutcome",
    "SetRecord",
    "SetRow",
    "Side",
    "SideSummary",
    "Sides",
    "StopLike",
    "StopReason",
    "StopRow",
    "Store",
    "StoreError",
    "StoreWriteError",
    "WriteFailure",
    "export_csv",
    "export_json",
    "export_to_path",
    "import_file",
    "migrate",
    "quarantine",
]
