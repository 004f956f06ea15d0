"""The session log (SQLite) and its CSV/JSON export and import.

This is the store's public face: import from here, not from its modules.
Side, Sides, Moment, SetOutcome, StopReason, SessionStatus and NextDay are the
words of :mod:`psoas_timer.core.vocab`, offered here too for the store's callers.
"""

from psoas_timer.core.vocab import (
    Moment,
    NextDay,
    SessionStatus,
    SetOutcome,
    Side,
    Sides,
    StopReason,
)
from psoas_timer.store.backup import (
    Backup,
    RestoreResult,
    backups_folder,
    list_backups,
    restore_backup,
)
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
from psoas_timer.store.files import DEFAULT_BUSY_TIMEOUT_MS, GUI_BUSY_TIMEOUT_MS, quarantine
from psoas_timer.store.records import (
    MergeResult,
    NextDayCheck,
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
    local_time,
)
from psoas_timer.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration, migrate
from psoas_timer.store.store import Store

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_BUSY_TIMEOUT_MS",
    "GUI_BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Backup",
    "CorruptDatabaseError",
    "Format",
    "ImportFileError",
    "ImportIssue",
    "ImportReport",
    "MergeResult",
    "Migration",
    "Moment",
    "NewerSchemaError",
    "NextDay",
    "NextDayCheck",
    "Rating",
    "RestoreResult",
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
    "backups_folder",
    "export_csv",
    "export_json",
    "export_to_path",
    "import_file",
    "list_backups",
    "local_time",
    "migrate",
    "quarantine",
    "restore_backup",
]
