"""The history table: every logged session, sortable, with ratings and notes editable.

Edits and deletions go to the log through the save service, like every other
write: at once, or kept in memory and written in order when the disk refuses.
A deletion can be undone (Edit → Undo, Ctrl+Z) for as long as the app runs:
the deleted session is kept whole in memory and put back with its original ids.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from psoas_timer.core.dates import day_month_year, moment_text
from psoas_timer.core.i18n import N_, _, ngettext
from psoas_timer.core.narration import stop_reason_phrase
from psoas_timer.core.next_day import check_text
from psoas_timer.core.vocab import NOT_RATED, sides_of
from psoas_timer.services.saving import SaveService
from psoas_timer.store import (
    Moment,
    SessionSummary,
    Side,
    SideSummary,
    StoreError,
    local_time,
)
from psoas_timer.store.saving import Deletion, Outcome, Submitted

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 1
ID_ROLE: Final = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column:
    title: str
    side: Side | None = None
    moment: Moment | None = None


COLUMNS: Final = (
    Column(N_("Date")),
    Column(N_("Tool")),
    Column(N_("Sides")),
    Column(N_("Left before"), "left", "before"),
    Column(N_("Left after"), "left", "after"),
    Column(N_("Right before"), "right", "before"),
    Column(N_("Right after"), "right", "after"),
    Column(N_("Let go at breath")),
    Column(N_("Sets")),
    Column(N_("Stops")),
    Column(N_("Status")),
    Column(N_("Next day")),
    Column(N_("Note")),
)
COL_DATE, COL_TOOL, COL_SIDES = 0, 1, 2
COL_RELEASE, COL_SETS, COL_STOPS, COL_STATUS, COL_NEXT_DAY, COL_NOTE = 7, 8, 9, 10, 11, 12
STATUS_TEXT: Final = {
    "running": N_("Running"),
    "completed": N_("Completed"),
    "ended_early": N_("Ended early"),
    "interrupted": N_("Interrupted"),
}


class HistoryModel(QAbstractTableModel):
    """The sessions as rows; ratings and the note are editable in place."""

    edit_failed = Signal(str)
    changed = Signal()

    def __init__(self, log: SaveService, tool_names: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.log = log
        self.tool_names = dict(tool_names or {})
        self._rows: list[SessionSummary] = []
        # True while this model's own change is handed over: the rows already
        # show it, so the log changing because of it needs no reload.
        self.writing = False

    # -- loading ----------------------------------------------------------------

    def reload(self) -> None:
        self.beginResetModel()
        try:
            self._rows = self.log.sessions()
        except StoreError as exc:
            self._rows = []
            self.edit_failed.emit(_("The history could not be read: {error}").format(error=exc))
        self.endResetModel()

    def summary(self, row: int) -> SessionSummary:
        return self._rows[row]

    def row_of(self, session_id: int) -> int | None:
        for row, summary in enumerate(self._rows):
            if summary.id == session_id:
                return row
        return None

    # -- Qt model -----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section].title)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base
        column = COLUMNS[index.column()]
        summary = self._rows[index.row()]
        if index.column() == COL_NOTE or (
            column.side is not None and column.side in summary_sides(summary)
        ):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        col = index.column()
        column = COLUMNS[col]
        if role == ID_ROLE:
            return s.id
        if column.side is not None and column.moment is not None:
            value = rating_of(s.side(column.side), column.moment)
            covered = column.side in summary_sides(s)
            if role == Qt.ItemDataRole.DisplayRole:
                return "" if value is None else str(value)
            if role == Qt.ItemDataRole.EditRole:
                return NOT_RATED if value is None else value
            if role == SORT_ROLE:
                return NOT_RATED - 1 if not covered else (NOT_RATED if value is None else value)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            if role == Qt.ItemDataRole.ToolTipRole and not covered:
                return _("This session did not include that side.")
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(s, col)
        if role == SORT_ROLE:
            return self._sort_key(s, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_NOTE and s.note:
            return s.note
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_NEXT_DAY and s.next_day is not None:
            when = moment_text(local_time(s.next_day.recorded_at))
            return _("How the area felt a day or so after this session, asked on {when}").format(
                when=when
            )
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_STOPS and s.stops:
            return _("Stop was pressed: {reasons}").format(reasons=self._text(s, col))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_RELEASE, COL_SETS):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, s: SessionSummary, col: int) -> str:
        if col == COL_DATE:
            return moment_text(local_time(s.started_at))
        if col == COL_TOOL:
            return self.tool_names.get(s.tool_id, s.tool_id)
        if col == COL_SIDES:
            return {"left": _("Left"), "right": _("Right")}.get(s.sides, _("Both"))
        if col == COL_RELEASE:
            breath = s.min_released_breath
            return "" if breath is None else str(breath)
        if col == COL_SETS:
            return str(s.set_count)
        if col == COL_STOPS:
            return "; ".join(stop_reason_phrase(reason) for reason in s.stops)
        if col == COL_STATUS:
            return _(STATUS_TEXT.get(s.status, s.status))
        if col == COL_NEXT_DAY:
            check = s.next_day
            return "" if check is None else check_text(check.feeling, check.lasting_soreness)
        if col == COL_NOTE:
            return s.note
        return ""

    def _sort_key(self, s: SessionSummary, col: int) -> Any:
        if col == COL_DATE:
            return s.started_at.timestamp()
        if col == COL_RELEASE:
            breath = s.min_released_breath
            return -1 if breath is None else breath
        if col == COL_SETS:
            return s.set_count
        if col == COL_STOPS:
            return len(s.stops)
        return self._text(s, col).casefold()

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = index.row()
        column = COLUMNS[index.column()]
        if index.column() == COL_NOTE:
            return self.set_note(row, str(value))
        if column.side is None or column.moment is None:
            return False
        return self.set_rating(row, column.side, column.moment, value)

    # -- edits --------------------------------------------------------------------

    def set_rating(self, row: int, side: Side, moment: Moment, value: object) -> bool:
        """Change one rating; ``None`` or ``NOT_RATED`` clears it; out-of-range is refused."""
        s = self._rows[row]
        if side not in summary_sides(s):
            return False
        if value is None or value == NOT_RATED:
            new: int | None = None
        elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10:
            new = value
        else:
            self.edit_failed.emit(
                _("A rating is a whole number from 0 to 10, not {value!r}.").format(value=value)
            )
            return False
        if rating_of(s.side(side), moment) == new:
            return True
        if not self._accepted(_("rating"), self.log.set_rating(s.id, side, moment, new)):
            return False
        old = s.side(side)
        part = replace(old, before=new) if moment == "before" else replace(old, after=new)
        self._rows[row] = replace(s, left=part) if side == "left" else replace(s, right=part)
        self._emit_row(row)
        return True

    def set_note(self, row: int, text: str) -> bool:
        s = self._rows[row]
        if s.note == text:
            return True
        with self._writing():
            submitted = self.log.set_note(s.id, text)
        if not self._accepted(_("note"), submitted):
            return False
        self._rows[row] = replace(s, note=text)
        self._emit_row(row)
        return True

    @contextmanager
    def _writing(self) -> Iterator[None]:
        self.writing = True
        try:
            yield
        finally:
            self.writing = False

    def _accepted(self, what: str, submitted: Submitted) -> bool:
        """Saved or kept to be saved: show it. Refused: say why and leave the row as it was."""
        if submitted.outcome is Outcome.REFUSED:
            self.edit_failed.emit(
                _("That change was not saved ({what}): {why}").format(
                    what=what, why=submitted.refusal
                )
            )
            return False
        return True

    def _emit_row(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.changed.emit()

    def remove(self, row: int) -> Deletion | None:
        """Delete the session in ``row``; the :class:`Deletion` undoes it."""
        s = self._rows[row]
        label = _("the session of {day}").format(day=day_month_year(local_time(s.started_at)))
        with self._writing():
            submitted, deletion = self.log.delete_session(s.id, label)
        if not self._accepted(_("deletion"), submitted):
            return None
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        self.changed.emit()
        return deletion

    def restore(self, deletion: Deletion) -> None:
        with self._writing():
            submitted = self.log.restore_session(deletion)
        self._accepted(_("undo"), submitted)
        self.reload()
        self.changed.emit()


def summary_sides(s: SessionSummary) -> tuple[Side, ...]:
    return sides_of(s.sides)


def rating_of(side: SideSummary, moment: Moment) -> int | None:
    return side.before if moment == "before" else side.after


class RatingDelegate(QStyledItemDelegate):
    """A 0–10 spin box with a "not rated" step below 0, so a rating can be cleared."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        del option
        editor = QSpinBox(parent)
        editor.setRange(NOT_RATED, 10)
        editor.setSpecialValueText(_("not rated"))
        editor.setAccessibleName(
            _("{column} rating, 0 to 10").format(column=_(COLUMNS[index.column()].title))
        )
        return editor


class _DeleteCommand(QUndoCommand):
    def __init__(self, view: HistoryView, deletion: Deletion) -> None:
        super().__init__(_("delete {what}").format(what=deletion.label))
        self.view = view
        self.deletion = deletion
        self._done = True  # the deletion already happened when the command is pushed

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        row = self.view.model.row_of(self.deletion.session_id)
        if row is not None:
            again = self.view.model.remove(row)
            if again is not None:
                self.deletion = again
        self.view.reload_count()

    def undo(self) -> None:
        self.view.model.restore(self.deletion)
        self.view.reload_count()
        self.view.select_session(self.deletion.session_id)


class HistoryView(QWidget):
    """The table with its Delete and Undo buttons."""

    message = Signal(str)
    changed = Signal()

    def __init__(
        self,
        log: SaveService,
        tool_names: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = HistoryModel(log, tool_names)
        self.model.edit_failed.connect(self.message)
        self.model.changed.connect(self.changed)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setAccessibleName(_("Session history"))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        self._rating_delegate = RatingDelegate(self.table)
        for col, column in enumerate(COLUMNS):
            if column.side is not None:
                self.table.setItemDelegateForColumn(col, self._rating_delegate)

        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.delete_button = QPushButton(_("&Delete session"))
        self.delete_button.setAccessibleName(_("Delete the selected session"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button = QPushButton(_("&Undo"))
        self.undo_button.setAccessibleName(_("Undo the last deletion"))
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        # A method, not a lambda: the window's undo stack outlives this view, and
        # Qt drops a connection to a method only when its object is destroyed.
        self.undo_stack.undoTextChanged.connect(self._undo_text_changed)
        self.undo_button.setEnabled(False)
        self.count = QLabel()
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

        title = QLabel(_("<b>History</b> — double-click a rating or note to change it"))
        buttons = QHBoxLayout()
        buttons.addWidget(title)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

    def reload(self) -> None:
        chosen = self.selected_session()
        self.model.reload()
        self.reload_count()
        if chosen is not None:
            self.select_session(chosen)
        self._selection_changed()

    def selected_session(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        session_id: int = rows[0].data(ID_ROLE)
        return session_id

    def select_session(self, session_id: int) -> bool:
        row = self.model.row_of(session_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def delete_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        row = self.proxy.mapToSource(rows[0]).row()
        deletion = self.model.remove(row)
        if deletion is not None:
            self.undo_stack.push(_DeleteCommand(self, deletion))
            self.message.emit(_("Session deleted. Undo brings it back (Ctrl+Z)."))
            self.reload_count()

    def reload_count(self) -> None:
        n = self.model.rowCount()
        self.count.setText(ngettext("{n} session", "{n} sessions", n).format(n=n))

    def _undo_text_changed(self, text: str) -> None:
        self.undo_button.setToolTip(_("Undo {what}").format(what=text) if text else "")

    def _selection_changed(self) -> None:
        self.delete_button.setEnabled(self.table.selectionModel().hasSelection())
