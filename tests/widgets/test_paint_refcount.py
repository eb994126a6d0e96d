"""Regression guard for the PySide6 6.12.0 / Python 3.11 bug: QPainter line/point calls lowered None's refcount
until the interpreter aborted. Painting pyqtgraph in a loop must leave sys.getrefcount(None) where it was."""

from __future__ import annotations

import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF
from PySide6.QtGui import QImage, QPainter


def test_qpainter_lines_and_points_do_not_eat_none(qapp):
    image = QImage(200, 200, QImage.Format.Format_ARGB32)
    before = sys.getrefcount(None)
    for _ in range(3):
        painter = QPainter(image)
        for i in range(500):
            painter.drawLine(QLineF(0, i % 200, 199, (i * 7) % 200))
            painter.drawPoint(QPointF(i % 200, (i * 3) % 200))
        painter.end()
    after = sys.getrefcount(None)
    # None is immortal on 3.12+ (refcount is a huge constant); on 3.11 it must not fall by ~3000.
    assert after >= before - 50


def test_pyqtgraph_plot_repaints_in_a_loop(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    curve = widget.plot(np.arange(100), np.random.default_rng(1).random(100))
    before = sys.getrefcount(None)
    for n in range(60):
        curve.setData(np.arange(100), np.random.default_rng(n).random(100))
        image = widget.grab()  # paints axes (drawLine) and the curve
    assert not image.isNull()
    assert sys.getrefcount(None) >= before - 50
