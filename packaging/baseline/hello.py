"""The size baseline: a bare Qt Widgets window with one label."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

app = QApplication(sys.argv)
window = QWidget()
QVBoxLayout(window).addWidget(QLabel("Hello"))
window.show()
if "--smoke" in sys.argv:
    QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
