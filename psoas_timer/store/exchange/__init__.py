"""Export the log to CSV or JSON and import it back.

``format`` describes the files and names their columns, ``export`` writes
them, ``reader`` checks each record of an import file and ``importer`` reads
the files and hands what passed to the store: ``source`` streams a file a
row (or a session) at a time, ``crosscheck`` checks what spans records.
"""

from psoas_timer.store.exchange.export import export_csv, export_json, export_to_path
from psoas_timer.store.exchange.format import CSV_COLUMNS, Format
from psoas_timer.store.exchange.importer import (
    ImportReport,
    detect_format,
    import_file,
    parse_file,
)
from psoas_timer.store.exchange.reader import ImportFileError, ImportIssue, TimeLimits

__all__ = [
    "CSV_COLUMNS",
    "Format",
    "ImportFileError",
    "ImportIssue",
    "ImportReport",
    "TimeLimits",
    "detect_format",
    "export_csv",
    "export_json",
    "export_to_path",
    "import_file",
    "parse_file",
]
