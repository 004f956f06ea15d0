"""Export the log to CSV or JSON and import it back."""

from psoas_timer.store.exchange.importer import (
    CSV_COLUMNS,
    Format,
    ImportFileError,
    ImportIssue,
    ImportReport,
    detect_format,
    export_csv,
    export_json,
    export_to_path,
    import_file,
    parse_file,
)

__all__ = [
    "CSV_COLUMNS",
    "Format",
    "ImportFileError",
    "ImportIssue",
    "ImportReport",
    "detect_format",
    "export_csv",
    "export_json",
    "export_to_path",
    "import_file",
    "parse_file",
]
