"""Command line and application start-up."""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import logging
import os
import stat
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import cast

from psoas_timer import APP_ID, APP_NAME, __version__, paths
from psoas_timer.core.i18n import N_, _, install, system_language

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
        raise argparse.ArgumentTypeError(
            _("expected a number, got {text!r}").format(text=text)
        ) from None
    if not 0.01 <= value <= 1000:
        raise argparse.ArgumentTypeError(_("expected a number from 0.01 to 1000"))
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a date like 2024-05-01, got {text!r}").format(text=text)
        ) from None


#: argparse's own words, which it looks up through gettext (see core/i18n.py): listed
#: here so that they are offered for translation with the app's.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=_("keep all data, settings and logs under DIR instead of the usual folders"),
    )
    parser = argparse.ArgumentParser(
        prog="psoas-timer",
        description=_("Breath-paced psoas self-release sessions with a tenderness log."),
        parents=[common],
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        # argparse fixes this default when it is imported, before any language is chosen.
        help=_("show program's version number and exit"),
    )
    parser.add_argument("--tool", metavar="ID", help=_("open this tool's placement page"))
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=_("open the main window, print the seconds to its first paint, and exit"),
    )
    # For demonstrations and end-to-end checks only, so not advertised.
    parser.add_argument("--time-scale", type=_positive_float, default=1.0, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = commands.add_parser(
        "export", parents=[common], help=_("export the log as CSV or JSON (to stdout by default)")
    )
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help=_("write to FILE"))
    imp = commands.add_parser("import", parents=[common], help=_("import a CSV or JSON export"))
    imp.add_argument("file", type=Path, metavar="FILE")
    report = commands.add_parser(
        "report", parents=[common], help=_("write a PDF report for your physiotherapist")
    )
    report.add_argument(
        "-o", "--output", type=Path, metavar="FILE.pdf", help=_("where to write it")
    )
    report.add_argument(
        "--from", dest="first", type=_day, metavar="DATE", help=_("first day (YYYY-MM-DD)")
    )
    report.add_argument("--to", dest="last", type=_day, metavar="DATE", help=_("last day"))
    restore = commands.add_parser(
        "restore",
        parents=[common],
        help=_("list the automatic backups of the log (--list), or bring one back"),
        description=_(
            "Bring back an automatic backup of the log. The log as it is now is set "
            "aside beside it first, never deleted. The app must not be running for this data "
            "folder."
        ),
    )
    restore.add_argument(
        "--list",
        action="store_true",
        help=_("list the backups, newest first: number, date, sessions, size"),
    )
    restore.add_argument(
        "backup",
        nargs="?",
        metavar="BACKUP",
        help=_("a backup file, its number in --list (1 is the newest), or its date (YYYY-MM-DD)"),
    )
    return parser


#: The app's log file is rotated at this size, and this many old ones are kept.
LOG_BYTES = 512 * 1024
LOG_BACKUPS = 2


def _open_private(path: str) -> int:
    """Open the app's log file for appending, creating it readable by its owner only.

    Status lines name ratings, so the file is the user's alone, like the log. Only a
    regular file is written to: a symbolic link or a device in its place is refused,
    never followed and never has its mode changed.
    """
    with contextlib.suppress(FileNotFoundError):
        kind = os.lstat(path).st_mode
        if not stat.S_ISREG(kind):
            what = "a symbolic link" if stat.S_ISLNK(kind) else "not a regular file"
            raise OSError(errno.EPERM, f"{path} is {what}; not writing the app's log there")
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EPERM, f"{path} is not a regular file")
        # A file an older version left readable by others: ours, so made private.
        if info.st_mode & 0o077 and _owned(info) and hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return fd


class _PrivateLogHandler(logging.Handler):
    """The app's log file, opened only through :func:`_open_private`, rotated at
    :data:`LOG_BYTES` with :data:`LOG_BACKUPS` old files kept.

    The file is opened and checked when the handler is made, so a link in its place
    is refused at start. The rotating handler that writes it is made with the first
    line: ``logging.handlers`` brings sockets, pickling and queues with it (about
    8 ms and 1 MiB before the window could paint), and most runs write no line.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        os.close(_open_private(str(path)))
        self._rotating: logging.Handler | None = None

    @property
    def rotating(self) -> logging.Handler:
        """The handler that writes and rotates the file (made with the first line)."""
        if self._rotating is None:
            import logging.handlers

            class Rotating(logging.handlers.RotatingFileHandler):
                def _open(self) -> io.TextIOWrapper:
                    fd = _open_private(self.baseFilename)
                    stream = os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)
                    return cast(io.TextIOWrapper, stream)

            try:
                handler: logging.Handler = Rotating(
                    self.path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
                )
            except OSError as exc:
                _cannot_write(self.path, exc)
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


def _owned(info: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def _private_folder(folder: Path) -> None:
    """Create ``folder`` readable by its owner only; tighten it if it is our own folder."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(folder)
    if stat.S_ISDIR(info.st_mode) and info.st_mode & 0o077 and _owned(info):
        folder.chmod(0o700)


def _cannot_write(log_file: Path, exc: OSError) -> None:
    print(
        "psoas-timer: "
        + _(
            "cannot write the app's log {file} ({error}); status lines go to the terminal instead."
        ).format(file=log_file, error=exc.strerror or exc),
        file=sys.stderr,
    )


def setup_logging(log_file: Path) -> None:
    root = logging.getLogger("psoas_timer")
    root.setLevel(logging.INFO)
    try:
        _private_folder(log_file.parent)
        handler: logging.Handler = _PrivateLogHandler(log_file)
    except OSError as exc:
        _cannot_write(log_file, exc)
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
                print(_("Exported to {file}").format(file=args.output), file=sys.stderr)
            return 0
        report = import_file(store, args.file)
        print(
            _(
                "Imported {sessions} session(s), {sets} set(s) and {ratings} rating(s); "
                "{skipped} already in the log."
            ).format(
                sessions=report.sessions_added,
                sets=report.sets_added,
                ratings=report.ratings_added,
                skipped=report.sessions_skipped,
            )
        )
        return 0
    except (StoreError, OSError, ValueError) as exc:
        print(f"psoas-timer: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _run_report(args: argparse.Namespace, where: paths.Paths) -> int:
    from psoas_timer.ui.progress.report_command import run_report

    return run_report(where, args.output, args.first, args.last)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1000 or unit == "MB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    raise AssertionError  # pragma: no cover


def _print_backups(where: paths.Paths) -> int:
    from psoas_timer.store import StoreError, backups_folder, list_backups, local_time

    try:
        found = list_backups(where.database)
    except StoreError as exc:
        print(f"psoas-timer: {exc}", file=sys.stderr)
        return 1
    if not found:
        print(
            _(
                "No backups yet in {folder}. One is made after a "
                "completed session, at most once a day."
            ).format(folder=backups_folder(where.database))
        )
        return 0
    print(_("Backups in {folder}, newest first:").format(folder=backups_folder(where.database)))
    print(f"{'#':>3}  {_('taken'):<16}  {_('sessions'):>8}  {_('size'):>9}  {_('file')}")
    for n, b in enumerate(found, start=1):
        taken = local_time(b.taken).strftime("%Y-%m-%d %H:%M")
        sessions = _("unreadable") if b.sessions is None else f"{b.sessions:,}"
        print(f"{n:>3}  {taken:<16}  {sessions:>8}  {_size(b.size):>9}  {b.path.name}")
    return 0


def _chosen_backup(where: paths.Paths, choice: str) -> Path:
    """The backup that ``choice`` names: a file, a number in the list, or a date."""
    from psoas_timer.store import StoreError, list_backups, local_time

    as_path = Path(choice).expanduser()
    if as_path.is_file():
        return as_path
    found = list_backups(where.database)
    if choice.isdigit():
        n = int(choice)
        if 1 <= n <= len(found):
            return found[n - 1].path
        raise StoreError(
            _(
                "There is no backup number {n}: there are {count}. "
                "See them with: psoas-timer restore --list"
            ).format(n=choice, count=len(found))
        )
    try:
        day = date.fromisoformat(choice)
    except ValueError:
        raise StoreError(
            _(
                "{choice} is not a backup file, a number from the list or a date "
                "(YYYY-MM-DD). See the backups with: psoas-timer restore --list"
            ).format(choice=repr(choice))
        ) from None
    for b in found:
        if local_time(b.taken).date() == day:
            return b.path
    raise StoreError(
        _("There is no backup from {day}. See them with: psoas-timer restore --list").format(
            day=day
        )
    )


def _run_restore(where: paths.Paths, choice: str | None, *, list_only: bool) -> int:
    if list_only:
        return _print_backups(where)
    if choice is None:
        print(
            "psoas-timer restore: "
            + _(
                "name a backup (a file, its number in --list, or its date), "
                "or see them with: psoas-timer restore --list"
            ),
            file=sys.stderr,
        )
        return 2
    from PySide6.QtCore import QLockFile

    from psoas_timer.store import StoreError, restore_backup

    try:
        backup = _chosen_backup(where, choice)
        where.data.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (StoreError, OSError) as exc:
        print(f"psoas-timer: {exc}", file=sys.stderr)
        return 1
    # The running app holds this lock for as long as it runs; holding it here
    # also keeps the app from starting halfway through the restore.
    lock = QLockFile(str(where.lock_file))
    lock.setStaleLockTime(0)
    if not lock.tryLock(0):
        if lock.error() == QLockFile.LockError.LockFailedError:
            print(
                "psoas-timer: "
                + _(
                    "Psoas Timer is running for {folder}. Close it, then restore; "
                    "nothing was changed."
                ).format(folder=where.data),
                file=sys.stderr,
            )
            return 1
        print(
            "psoas-timer: "
            + _("cannot take the lock {file}; nothing was changed.").format(file=where.lock_file),
            file=sys.stderr,
        )
        return 1
    try:
        result = restore_backup(where.database, backup)
    except StoreError as exc:
        print(f"psoas-timer: {exc}", file=sys.stderr)
        return 1
    finally:
        lock.unlock()
    print(result.message)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    # The command line speaks the system's language; the window adds the setting's choice.
    install(system_language())
    parser = build_parser()
    args = parser.parse_args(argv)
    where = paths.paths_for(getattr(args, "data_dir", None))
    if args.command in ("export", "import"):
        return _run_exchange(args, where)
    if args.command == "report":
        return _run_report(args, where)
    if args.command == "restore":
        return _run_restore(where, args.backup, list_only=args.list)

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
