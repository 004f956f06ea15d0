"""What goes into the frozen bundle and what is left out (used by psoas-timer.spec).

The app uses these Qt modules and nothing else:

    QtCore, QtGui, QtWidgets    every window
    QtSvg                       placement diagrams and the icon
    QtMultimedia                sound cues (QSoundEffect, QMediaDevices)
    QtTextToSpeech              spoken steps (speech-dispatcher on Linux)
    QtDBus                      keeping the screen awake (Linux)
    QtNetwork                   one running copy per data folder (QLocalServer)
    pyqtgraph                   progress charts, imported when that page opens
    QtOpenGL, QtOpenGLWidgets   imported by pyqtgraph by name (its OpenGL drawing stays off)
"""

from __future__ import annotations

import sys

HIDDEN_IMPORTS = [
    "PySide6.QtSvg",
    "PySide6.QtMultimedia",
    "PySide6.QtTextToSpeech",
    "PySide6.QtDBus",
    "PySide6.QtNetwork",
    "pyqtgraph",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
]

# Python modules never imported at run time. Leaving them out also leaves out
# the Qt libraries, plugins and translations that PyInstaller's Qt hooks would
# collect for them.
_UNUSED_QT = [
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtAxContainer", "QtBluetooth", "QtCanvasPainter", "QtCharts", "QtConcurrent",
    "QtDataVisualization", "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp",
    "QtHttpServer", "QtLocation", "QtMultimediaWidgets", "QtNetworkAuth", "QtNfc",
    "QtPdf", "QtPdfWidgets", "QtPositioning",
    "QtPrintSupport", "QtQml", "QtQuick", "QtQuick3D", "QtQuickControls2",
    "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects", "QtScxml", "QtSensors",
    "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine",
    "QtSvgWidgets", "QtTest", "QtUiTools", "QtWebChannel", "QtWebEngineCore",
    "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets", "QtWebView", "QtXml",
]  # fmt: skip

EXCLUDES = [f"PySide6.{name}" for name in _UNUSED_QT] + [
    "PySide6.scripts",
    "PySide6.support",
    "PySide6.QtAsyncio",
    # pyqtgraph's optional parts: 3D (OpenGL), notebooks, examples, exporters
    # and helpers for libraries the app does not ship.
    "pyqtgraph.opengl",
    "pyqtgraph.examples",
    "pyqtgraph.jupyter",
    "OpenGL",
    "jupyter_rfb",
    "cupy",
    "numba",
    "h5py",
    "scipy",
    "pandas",
    "matplotlib",
    "PIL",
    "colorcet",
    "metaarray",
    # Test suites and build tools that imports of numpy and the standard
    # library can drag in.
    "numpy.tests",
    "numpy.f2py",
    "numpy.distutils",
    "numpy._pyinstaller",
    "tkinter",
    "_tkinter",
    "unittest",
    "pydoc_data",
    "lib2to3",
    "idlelib",
    "ensurepip",
    "venv",
    "distutils",
    "setuptools",
    "pkg_resources",
    "pip",
    "IPython",
    "pytest",
]


# Qt plugins the app never loads, by folder under PySide6/Qt/plugins. A folder
# named with no file list goes whole; otherwise only the files listed go.
_UNUSED_PLUGINS: dict[str, tuple[str, ...]] = {
    # Only for eglfs/linuxfb on devices without a window system.
    "egldeviceintegrations": (),
    "generic": (),
    # Sound cues are WAV files played by QSoundEffect, which writes straight
    # to the audio device (PulseAudio or PipeWire) without a media backend;
    # the FFmpeg backend only decodes and plays other media, which the app
    # never does. Checked on Linux; Windows and macOS keep their backend.
    "multimedia": (),
    # QNetworkInformation and TLS: the app never uses the network (QtNetwork
    # is there only for QLocalServer).
    "networkinformation": (),
    "tls": (),
    # The app draws SVG only; PNG is built into QtGui.
    "imageformats": (
        "qgif", "qicns", "qico", "qjpeg", "qpdf", "qtga", "qtiff", "qwbmp", "qwebp",
    ),
    # A window system is needed: xcb (X11 and XWayland) and Wayland stay, and
    # offscreen for headless checks.
    "platforms": (
        "qeglfs", "qlinuxfb", "qminimal", "qminimalegl", "qvkkhrdisplay", "qvnc",
        "qdirect2d",
    ),
    # The on-screen keyboard is a Qt Quick plugin (it alone brings in QtQml and
    # QtQuick); compose and IBus input stay.
    "platforminputcontexts": ("qtvirtualkeyboardplugin",),
    # GTK 3 dialogs would need the whole GTK stack; the app sets its own
    # palette and the portal theme still serves file dialogs.
    "platformthemes": ("qgtk3",),
    # Wayland: keep the xdg-shell client with its decorations; the rest serve
    # compositors, embedded shells and GPU buffer sharing that QtWidgets
    # painting does not use.
    "wayland-graphics-integration-client": (),
    "wayland-graphics-integration-server": (),
    "wayland-shell-integration": (
        "fullscreen-shell-v1", "ivi-shell", "qt-shell", "wl-shell-plugin",
    ),
    "texttospeech": ("qtexttospeech_mock",),
}  # fmt: skip

# Libraries that only the plugins above (or Qt modules the app does not
# import) need, by file-name prefix. Linux only, where packaging/check.sh proves
# that nothing left in the bundle needs them; on Windows and macOS they stay.
_UNUSED_LIBRARIES = (
    "libQt6Pdf", "libQt6Qml", "libQt6Quick", "libQt6VirtualKeyboard",
    "libQt6EglFS", "libQt6EglFs", "libQt6FFmpegStub",
    # FFmpeg, for the multimedia backend
    "libavcodec", "libavformat", "libavutil", "libswresample", "libswscale",
    # the GTK 3 platform theme's stack
    "libgtk-3", "libgdk-3", "libgdk_pixbuf", "libatk", "libcairo", "libpango",
    "libharfbuzz", "libgraphite2", "libthai", "libdatrie", "libfribidi", "libpixman",
    "libjpeg", "libepoxy",
)  # fmt: skip

# Qt's own translations: the app installs no QTranslator, so they are never read.
# (PySide6 keeps Qt under PySide6/Qt/ on Linux and macOS, under PySide6/ on Windows.)
_UNUSED_DATA_DIRS = ("PySide6/Qt/translations/", "PySide6/translations/")
_PLUGIN_DIRS = ("PySide6/Qt/plugins/", "PySide6/plugins/")


def prune(toc: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The TOC without the files the app never loads."""
    return [entry for entry in toc if not _dropped(entry[0].replace("\\", "/"))]


def _dropped(dest: str) -> bool:
    if dest.startswith(_UNUSED_DATA_DIRS):
        return True
    linux = sys.platform.startswith("linux")
    if linux and dest.rsplit("/", 1)[-1].startswith(_UNUSED_LIBRARIES):
        return True
    plugin_dir = next((d for d in _PLUGIN_DIRS if dest.startswith(d)), None)
    if plugin_dir is None:
        return False
    folder, _, file = dest[len(plugin_dir) :].partition("/")
    if folder not in _UNUSED_PLUGINS or (folder == "multimedia" and not linux):
        return False
    listed = _UNUSED_PLUGINS[folder]
    return not listed or file.split(".", 1)[0].removeprefix("lib") in listed
