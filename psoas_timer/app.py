"""Command line and application start-up."""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from psoas_timer import APP_ID, APP_NAME, __version__, paths

log = logging.getLogger("psoas_timer")


def _process_age() -> float:
    """Seconds since this process started, interpreter start-up included where the OS tells."""
    try:
        fields = Path("/proc/self/stat").read_text("ascii").rpartition(")")[2].split()
        start_ticks = int(fields[19])
        uptime = float(Path("/proc/uptime").read_text("ascii").split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.monotonic() - _IMPORTED_AT


_IMPORTED_AT = time.monotonic()


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.01 <= value <= 1000:
        raise argparse.ArgumentTypeError("expected a number from 0.01 to 1000")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="keep all data, settings and logs under DIR instead of the usual folders",
    )
    parser = argparse.ArgumentParser(
        prog="psoas-timer",
        description="Breath-paced psoas self-release sessions with a tenderness log.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--tool", metavar="ID", help="open this tool's placement page")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the main window, print the seconds to its first paint, and exit",
    )
    # For demonstrations and end-to-end checks only, so not advertised.
    parser.add_argument("--time-scale", type=_positive_float, default=1.0, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = commands.add_parser(
        "export", parents=[common], help="export the log as CSV or JSON (to stdout by default)"
    )
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")
    imp = commands.add_parser("import", parents=[common], help="import a CSV or JSON export")
    imp.add_argument("file", type=Path, metavar="FILE")
    return parser


#: The log file is rotated at this size, and this many old ones are kept.
LOG_BYTES = 512 * 1024
LOG_BACKUPS = 2


class LogFile(logging.Handler):
    """The app's log file: private to the user (status lines name ratings, like the log),
    rotated at :data:`LOG_BYTES` with :data:`LOG_BACKUPS` old files kept.

    The file is there from the start, but rotation is set up with the first line
    written: ``logging.handlers`` brings sockets and pickling with it, and most
    runs write no line at all.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._rotating: logging.Handler | None = None

    @property
    def rotating(self) -> logging.Handler:
        """The handler that writes and rotates the file (made on first use)."""
        if self._rotating is None:
            import logging.handlers

            class Private(logging.handlers.RotatingFileHandler):
                def _open(self) -> io.TextIOWrapper:
                    stream = super()._open()
                    Path(self.baseFilename).chmod(0o600)
                    return stream

            try:
                handler: logging.Handler = Private(
                    self.path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
                )
            except OSError:
                handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(self.formatter)
            self._rotating = handler
        return self._rotating

    def emit(self, record: logging.LogRecord) -> None:
        self.rotating.handle(record)

    def close(self) -> None:
        if self._rotating is not None:
            self._rotating.close()
        super().close()


def setup_logging(log_file: Path) -> None:
    root = logging.getLogger("psoas_timer")
    root.setLevel(logging.INFO)
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_file.touch(mode=0o600)
        log_file.chmod(0o600)
        handler: logging.Handler = LogFile(log_file)
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


def _run_exchange(args: argparse.Namespace, where: paths.Paths) -> int:
    from psoas_timer.store import Store, StoreError
    from psoas_timer.store.exchange import export_csv, export_json, export_to_path, import_file

    try:
        store = Store.open(where.database)
    except StoreError as exc:
        print(f"psoas-timer: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "export":
            if args.output is None:
                (export_csv if args.format == "csv" else export_json)(store, sys.stdout)
            else:
                export_to_path(store, args.output, args.format)
                print(f"Exported to {args.output}", file=sys.stderr)
            return 0
        report = import_file(store, args.file)
        print(
            f"Imported {report.sessions_added} session(s), {report.sets_added} set(s) and "
            f"{report.ratings_added} rating(s); {report.sessions_skipped} already in the log."
        )
        return 0
    except (StoreError, OSError, ValueError) as exc:
        print(f"psoas-timer: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    where = paths.paths_for(getattr(args, "data_dir", None))
    if args.command in ("export", "import"):
        return _run_exchange(args, where)

    setup_logging(where.log_file)
    from psoas_timer.ui.application import run

    return run(
        paths=where,
        tool_id=args.tool,
        smoke=args.smoke,
        time_scale=args.time_scale,
        process_age=_process_age,
    )


__all__ = ["APP_ID", "APP_NAME", "build_parser", "main"]

if __name__ == "__main__":
    raise SystemExit(main())
