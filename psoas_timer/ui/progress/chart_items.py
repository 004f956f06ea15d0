"""Plot items that cost less to redraw on every pan, drawing what pyqtgraph's would.

A pan repaints every item of the four tenderness charts; the view paints each
one apart, with its painter and clip saved and restored, and asks each for its
bounds more than once. These items draw the same pixels as pyqtgraph's own
with less of that work.

This module imports pyqtgraph; see :mod:`psoas_timer.ui.progress.charts`.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.PlotCurveItem import arrayToLineSegments
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QPaintEngine, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

#: Beyond this many pixels from the view a line is left to pyqtgraph (and Qt's
#: own handling of far coordinates): the charts never come near it.
_FAR_PX: Final = 1e6


class Scatter(pg.ScatterPlotItem):  # type: ignore[misc]  # pyqtgraph has no type hints
    """pyqtgraph's scatter, measuring its bounds once a pan instead of at every ask.

    pyqtgraph forgets a scatter's data bounds whenever the view moves and works
    them out again (a min and max over every point) each time the view asks for
    the item's bounds, several times a paint. With symbols sized in pixels the
    data bounds do not depend on the view, and the bounds in the view change
    only with it or with the data.
    """

    bounds: list[Any]
    _rect: QRectF | None = None
    _rect_for: tuple[object, ...] = ()
    _checked: np.ndarray | None = None  # the points last checked for date order
    _in_order = False

    def _pixel_sized(self) -> bool:
        return bool(self.opts["pxMode"] and self.opts["useCache"])

    def viewTransformChanged(self) -> None:
        bounds = self.bounds
        super().viewTransformChanged()
        if self._pixel_sized():
            self.bounds = bounds
        self._rect = None

    def boundingRect(self) -> QRectF:
        # What the bounds depend on besides the view: the data's extent (reset
        # to None by pyqtgraph whenever the data change) and the widest symbol.
        made_for = (*self.bounds, self._maxSpotPxWidth, self._pixel_sized())
        if self._rect is None or made_for != self._rect_for or None in self.bounds:
            self._rect = QRectF(super().boundingRect())
            self._rect_for = (*self.bounds, self._maxSpotPxWidth, self._pixel_sized())
        return QRectF(self._rect)

    def _in_view(self, view: QRectF) -> np.ndarray:
        """Which points' symbols reach into ``view``, by pyqtgraph's own test.

        Points in date order (the charts' always are) are tested only between
        the first and the last date that can reach the view, not all of them.
        """
        data = self.data
        if self._checked is not data:
            x = data["x"]
            self._checked = data
            self._in_order = bool(np.all(x[1:] >= x[:-1]))  # False with a NaN
        if not self._in_order:
            return np.flatnonzero(self._maskAt(view))
        across, up = self.pixelVectors()
        try:
            px = 0.0 if across is None else across.length()
            py = 0.0 if up is None else up.length()
        except OverflowError:
            return np.flatnonzero(self._maskAt(view))
        # The widest symbol in the atlas's own pixels, as pyqtgraph's test measures them.
        atlas = self.fragmentAtlas
        reach = (atlas.maxWidth * atlas.devicePixelRatio() / 2 + 1) * px
        low, high = np.searchsorted(data["x"], [view.left() - reach, view.right() + reach])
        part = data[low:high]
        w = part["sourceRect"]["w"] / 2 * px
        h = part["sourceRect"]["h"] / 2 * py
        x, y = part["x"], part["y"]
        inside = (
            part["visible"]
            & (x + w > view.left())
            & (x - w < view.right())
            & (y + h > view.top())
            & (y - h < view.bottom())
        )
        shown: np.ndarray = np.flatnonzero(inside) + low
        return shown

    def paint(self, painter: QPainter, option: object, widget: QWidget | None) -> None:
        """pyqtgraph's drawing of pixel-sized symbols from its atlas, placing only
        the points in view: it maps every point of the series to the screen at
        each paint, ten times more than are in view with a year shown of ten."""
        atlas = self.fragmentAtlas
        ratio = atlas.devicePixelRatio()
        if (
            not self._pixel_sized()
            or self._exportOpts is not False
            or self.opts.get("compositionMode") is not None
            or (widget is not None and widget.devicePixelRatioF() != ratio)
        ):
            super().paint(painter, option, widget)
            return
        shown = self._in_view(self.viewRect())
        x = self.data["x"][shown]
        y = self.data["y"][shown]
        to_screen = painter.transform()
        painter.resetTransform()
        fragments = self._pixmapFragments
        fragments.resize(shown.size)
        out = fragments.ndarray()
        out[:, 0] = to_screen.m11() * x + to_screen.m21() * y + to_screen.dx()
        out[:, 1] = to_screen.m12() * x + to_screen.m22() * y + to_screen.dy()
        np.clip(out[:, 0:2], -(2**30), 2**30, out=out[:, 0:2])  # as pyqtgraph: Qt crashes beyond
        source = self.data["sourceRect"][shown]
        out[:, 2:6] = np.frombuffer(source, dtype=int).reshape((-1, 4))
        out[:, 6:10] = [1 / ratio, 1 / ratio, 0.0, 1.0]
        # pyqtgraph hands the fragments over as (pointer, count); the stubs know a list only.
        painter.drawPixmapFragments(*fragments.drawargs(), atlas.pixmap)  # type: ignore[call-arg]


class DeviceCurve(pg.PlotCurveItem):  # type: ignore[misc]  # pyqtgraph has no type hints
    """pyqtgraph's curve, its solid lines placed on the screen before they are stroked.

    pyqtgraph draws a solid line wider than a pixel as separate segments in
    chart coordinates; Qt then strokes each through its general path for a
    scaled painter, about three times the work of the same segments given in
    screen pixels, which Qt draws on its fast path for unscaled lines: a pan
    spent about 0.4 ms on each of the eight average lines. The two ways place
    a line's edge pixels differently now and then (about one pixel of a line
    in a hundred or two is a pixel over); the tests hold the lines to that.
    Anything else (dashed lines, fills, pyqtgraph's exporters, painters that
    are not raster images, as the SVG's) is pyqtgraph's own drawing.
    """

    _device_segments: Any = None

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None
    ) -> None:
        # pyqtgraph strokes a dashed line as a path, which the painter's brush
        # would fill: in a view that leaves painter state unsaved, another
        # item's brush may still be set.
        painter.setBrush(Qt.BrushStyle.NoBrush)
        pen = self.opts["pen"]
        to_screen = painter.transform()
        engine = painter.paintEngine()
        if (
            self.xData is None
            or len(self.xData) < 2
            or self._exportOpts is not False
            or engine is None
            or engine.type() != QPaintEngine.Type.Raster
            or to_screen.type().value > QTransform.TransformationType.TxScale.value
            or self.opts["fillLevel"] is not None
            or self.opts["stepMode"]
            or self.opts["compositionMode"] is not None
            or self.opts["shadowPen"] is not None
            or pen is None
            or not self._shouldUseDrawLineSegments(pen)
        ):
            super().paint(painter, option, widget)
            return
        x, y = self.getData()
        x = to_screen.m11() * x + to_screen.dx()
        y = to_screen.m22() * y + to_screen.dy()
        if (
            np.nanmax(np.abs(x), initial=0.0) > _FAR_PX
            or np.nanmax(np.abs(y), initial=0.0) > _FAR_PX
        ):
            super().paint(painter, option, widget)
            return
        self._device_segments = arrayToLineSegments(
            x,
            y,
            connect=self.opts["connect"],
            finiteCheck=not self.opts["skipFiniteCheck"],
            out=self._device_segments,
        )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(pen)
        painter.resetTransform()
        painter.drawLines(*self._device_segments.drawargs())
        painter.setTransform(to_screen)


class Line(pg.PlotDataItem):  # type: ignore[misc]  # pyqtgraph has no type hints
    """pyqtgraph's line drawn by a :class:`DeviceCurve`, which a pan leaves alone
    while the line itself is hidden.

    A line clipped to the view is cut again to the new range at every pan, on
    show or not: while more than a year is in view the per-session averages
    are hidden behind their weekly means, and were still cut each step. Shown
    again, the line catches up with the range it missed.
    """

    _behind = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # pyqtgraph makes its curve in its constructor; this one takes its place,
        # and the stock one stays behind, hidden and never filled.
        stock: pg.PlotCurveItem = self.curve
        stock.sigClicked.disconnect(self.sigClicked)
        stock.hide()
        self.curve: pg.PlotCurveItem = DeviceCurve()
        self.curve.setParentItem(self)
        self.curve.sigClicked.connect(self.sigClicked)
        self.updateItems(styleUpdate=True)

    def viewRangeChanged(
        self, vb: object = None, ranges: object = None, changed: object = None
    ) -> None:
        if not self.isVisibleTo(self.parentItem()):
            self._behind = True
            return
        super().viewRangeChanged(vb, ranges, changed)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        result = super().itemChange(change, value)
        shown = change == QGraphicsItem.GraphicsItemChange.ItemVisibleHasChanged and value
        if shown and self._behind:
            self._behind = False
            super().viewRangeChanged()
        return result


class Rules(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph has no type hints
    """Horizontal lines at chosen values from edge to edge of the view, as one item."""

    def __init__(self) -> None:
        super().__init__()
        self.values: tuple[float, ...] = ()
        self.pen = QPen()
        self._bounds: QRectF | None = None

    def viewTransformChanged(self) -> None:
        # The lines span whatever is in view: their extent follows every pan.
        self.prepareGeometryChange()
        self._bounds = None
        super().viewTransformChanged()

    def boundingRect(self) -> QRectF:
        if self._bounds is None:
            view = self.viewRect()
            self._bounds = QRectF() if view is None else QRectF(view)
        return self._bounds

    def paint(self, painter: QPainter, *args: object) -> None:
        del args
        view = self.viewRect()
        if view is None:
            return
        left, right = view.left(), view.right()
        painter.setPen(self.pen)
        painter.drawLines([QLineF(left, v, right, v) for v in self.values])
