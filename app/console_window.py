"""The control-center shell: back/forward and a breadcrumb over the drill-down pages, the map, KPI wall and alert
feed as docks that can be sent to other screens, and a status bar that says how fresh the data is."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.navigation import Location
from widgets.i18n import english

translate = QCoreApplication.translate

# The docks that can go to another screen, with their titles.
DOCKS = {"map": QT_TRANSLATE_NOOP("ConsoleWindow", "全国地图"), "wall": QT_TRANSLATE_NOOP("ConsoleWindow", "指标墙"),
         "alerts": QT_TRANSLATE_NOOP("ConsoleWindow", "预警"), "inbox": QT_TRANSLATE_NOOP("ConsoleWindow", "审批")}
# The language menu, in each language's own words (not translated: whoever reads one of them can switch).
LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}


class BreadcrumbWidget(QWidget):
    """全国 › 华北 › 北京城东二店 › 工单 9001 — each part clickable, like a file browser's path bar."""

    sig_crumb_clicked = Signal(int)  # index into the path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(8, 0, 8, 0)
        self._layout.setSpacing(4)
        self.titles: list[str] = []

    def set_path(self, titles: list[str]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.titles = list(titles)
        for i, title in enumerate(titles):
            if i:
                sep = QLabel("›")
                sep.setObjectName("crumbSeparator")
                self._layout.addWidget(sep)
            button = QToolButton()
            button.setText(title)
            button.setAutoRaise(True)
            button.setEnabled(i < len(titles) - 1)
            button.setObjectName("crumbCurrent" if i == len(titles) - 1 else "crumb")
            button.clicked.connect(lambda _=False, n=i: self.sig_crumb_clicked.emit(n))
            self._layout.addWidget(button)
        self._layout.addStretch(1)


class ConsoleWindow(QMainWindow):
    """Knows nothing of the database: the presenter fills it and listens to its intents."""

    sig_back_requested = Signal()
    sig_forward_requested = Signal()
    sig_home_requested = Signal()
    sig_send_to_screen_requested = Signal(str, str)  # dock name, screen name
    sig_closing = Signal()
    sig_language_requested = Signal(str)  # 'zh_CN' or 'en'
    sig_restart_requested = Signal()
    sig_booking_requested = Signal()
    sig_pricing_requested = Signal()

    def __init__(self, edition: str, user_title: str) -> None:
        super().__init__()
        self.edition = edition
        self.setWindowTitle(translate("ConsoleWindow", "售后服务网络控制中心 · %1").replace("%1", user_title))
        self.setObjectName(f"console-{edition}")
        base = QFont()
        base.setPointSize(15 if edition == "store" else 12)  # the store edition: large type
        self.setFont(base)
        self.resize(1600, 1000)

        bar = QToolBar(translate("ConsoleWindow", "导航"))
        bar.setObjectName("navigation")
        bar.setMovable(False)
        bar.setIconSize(QSize(28, 28))
        self.back_action = QAction(translate("ConsoleWindow", "◀ 后退"), self)
        self.back_action.setShortcut(QKeySequence.StandardKey.Back)
        self.back_action.triggered.connect(self.sig_back_requested)
        self.forward_action = QAction(translate("ConsoleWindow", "前进 ▶"), self)
        self.forward_action.setShortcut(QKeySequence.StandardKey.Forward)
        self.forward_action.triggered.connect(self.sig_forward_requested)
        self.home_action = QAction(translate("ConsoleWindow", "⌂ 首页"), self)
        self.home_action.triggered.connect(self.sig_home_requested)
        for action in (self.back_action, self.forward_action, self.home_action):
            bar.addAction(action)
        self.breadcrumb = BreadcrumbWidget()
        bar.addWidget(self.breadcrumb)
        self.booking_action = QAction(translate("ConsoleWindow", "＋ 预约"), self)
        self.booking_action.setToolTip(translate("ConsoleWindow", "为客户推荐门店和时段并预约"))
        self.booking_action.triggered.connect(self.sig_booking_requested)
        self.pricing_action = QAction(translate("ConsoleWindow", "低峰定价"), self)
        self.pricing_action.setToolTip(translate("ConsoleWindow", "低峰时段的折扣规则"))
        self.pricing_action.triggered.connect(self.sig_pricing_requested)
        bar.addSeparator()
        bar.addAction(self.booking_action)
        bar.addAction(self.pricing_action)
        self.toolbar = bar
        self.screens_button = QToolButton()
        self.screens_button.setText(translate("ConsoleWindow", "多屏"))
        self.screens_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.screens_menu = QMenu(self.screens_button)
        self.screens_button.setMenu(self.screens_menu)
        bar.addWidget(self.screens_button)
        self.language_button = QToolButton()
        self.language_button.setText("语言 Language")
        self.language_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.language_menu = QMenu(self.language_button)
        self.language_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        current = "en" if english() else "zh_CN"
        for code, name in LANGUAGE_NAMES.items():
            action = self.language_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == current)
            group.addAction(action)
            action.triggered.connect(lambda _=False, c=code: self.sig_language_requested.emit(c))
            self.language_actions[code] = action
        self.language_button.setMenu(self.language_menu)
        bar.addWidget(self.language_button)
        self.addToolBar(bar)

        self.pages = QStackedWidget()
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("#banner { background: #D55E00; color: white; padding: 8px; font-weight: bold; }")
        self.banner.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        central = QWidget()
        central.setObjectName("consoleCentral")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.progress)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.freshness = QLabel()
        self.restart_button = QPushButton(translate("ConsoleWindow", "立即重启"))
        self.restart_button.clicked.connect(self.sig_restart_requested)
        self.restart_button.hide()
        self.statusBar().addPermanentWidget(self.restart_button)
        self.statusBar().addPermanentWidget(self.freshness)
        self.updated_at: datetime | None = None
        self.connected = True
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(1000)
        self._age_timer.timeout.connect(self._show_age)
        self._age_timer.start()
        self.docks: dict[str, QDockWidget] = {}
        self._sized = False
        self.page_widgets: dict[str, QWidget] = {}

    def apply_theme(self, name: str) -> None:
        """The window's own chrome (toolbar, docks, tabs, status bar) in the widgets' palette."""
        from widgets.theme import palette

        p = palette(name)
        self.setStyleSheet(f"""
            QMainWindow, QWidget#consoleCentral {{ background: {p.window}; }}
            QToolBar {{ background: {p.surface}; border: none; border-bottom: 1px solid {p.border}; spacing: 6px;
                        padding: 4px; }}
            QToolBar QToolButton {{ color: {p.text}; font-size: 16px; padding: 4px 10px; border-radius: 6px; }}
            QToolBar QToolButton:disabled {{ color: {p.text_dim}; }}
            QToolBar QToolButton:hover {{ background: {p.surface_alt}; }}
            QToolButton#crumbCurrent {{ font-weight: bold; }}
            QLabel#crumbSeparator {{ color: {p.text_dim}; font-size: 16px; }}
            QDockWidget {{ color: {p.text}; font-size: 14px; }}
            QDockWidget::title {{ background: {p.surface}; padding: 6px; border-bottom: 1px solid {p.border}; }}
            QTabWidget::pane {{ border: none; background: {p.window}; }}
            QTabBar::tab {{ background: {p.surface}; color: {p.text_dim}; padding: 8px 18px; font-size: 15px;
                            border-top-left-radius: 6px; border-top-right-radius: 6px; margin-right: 2px; }}
            QTabBar::tab:selected {{ background: {p.surface_alt}; color: {p.text}; font-weight: bold; }}
            QStatusBar {{ background: {p.surface}; color: {p.text}; font-size: 14px; }}
            QStatusBar QLabel {{ color: {p.text}; }}
            QSplitter::handle {{ background: {p.window}; }}
        """)

    def size_docks(self) -> None:
        """A sensible first layout: the map takes about half the width, the KPI wall a band on top."""
        width, height = self.width(), self.height()
        if "map" in self.docks:
            self.resizeDocks([self.docks["map"]], [int(width * 0.42)], Qt.Orientation.Horizontal)
        if "alerts" in self.docks:
            self.resizeDocks([self.docks["alerts"]], [int(width * 0.2)], Qt.Orientation.Horizontal)
        if "wall" in self.docks:
            self.resizeDocks([self.docks["wall"]], [max(230, int(height * 0.24))], Qt.Orientation.Vertical)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if not self._sized and self.docks and self.isVisible():
            self._sized = True
            self.size_docks()

    # --- composition (done once by the presenter) ---------------------------------------------------------------

    def add_page(self, name: str, widget: QWidget) -> None:
        self.page_widgets[name] = widget
        self.pages.addWidget(widget)

    def add_dock(self, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(translate("ConsoleWindow", DOCKS[name]) if name in DOCKS else name, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def set_screens(self, names: list[str]) -> None:
        """Fill the 'send to screen' menu: one entry per dock and screen."""
        self.screens_menu.clear()
        for dock in self.docks:
            sub = self.screens_menu.addMenu(translate("ConsoleWindow", DOCKS[dock]) if dock in DOCKS else dock)
            for screen in names:
                action = sub.addAction(translate("ConsoleWindow", "全屏显示在 %1").replace("%1", screen))
                action.triggered.connect(lambda _=False, d=dock, s=screen: self.sig_send_to_screen_requested.emit(d, s))
            back = sub.addAction(translate("ConsoleWindow", "放回主窗口"))
            back.triggered.connect(lambda _=False, d=dock: self.sig_send_to_screen_requested.emit(d, ""))
        self.screens_button.setVisible(bool(self.docks))

    # --- state shown ----------------------------------------------------------------------------------------------

    def show_location(self, location: Location, can_back: bool, can_forward: bool) -> None:
        self.breadcrumb.set_path([loc.title for loc in location.path()])
        self.back_action.setEnabled(can_back)
        self.forward_action.setEnabled(can_forward)
        page = self.page_widgets.get("overview" if location.level in ("nation", "region") else location.level)
        if page is not None:
            self.pages.setCurrentWidget(page)

    @Slot(float, str)
    def show_progress(self, fraction: float, message: str) -> None:
        self.progress.setVisible(fraction < 1.0)
        self.progress.setValue(int(fraction * 1000))
        self.statusBar().showMessage(message)

    def mark_updated(self) -> None:
        self.updated_at = datetime.now()
        self._show_age()

    def show_message(self, text: str, seconds: int = 8) -> None:
        """Every action says what happened, in the status bar."""
        self.statusBar().showMessage(text, seconds * 1000)

    def offer_restart(self, text: str) -> None:
        """Say `text` (a change that applies at the next start) and show the restart button until then."""
        self.restart_button.show()
        self.show_message(text, 30)

    @Slot(bool, str)
    def show_connection(self, connected: bool, message: str) -> None:
        self.connected = connected
        if connected:
            self.banner.hide()
        else:
            age = f"{self.updated_at:%H:%M:%S}" if self.updated_at else "—"
            self.banner.setText(translate("ConsoleWindow", "数据库连接中断，正在自动重连；下面显示的是 %1 的数据。")
                                .replace("%1", age))
            self.banner.show()
        self._show_age()

    def _show_age(self) -> None:
        if self.updated_at is None:
            self.freshness.setText(translate("ConsoleWindow", "正在加载…"))
            return
        age = int((datetime.now() - self.updated_at).total_seconds())
        state = (translate("ConsoleWindow", "实时") if self.connected and age < 5
                 else translate("ConsoleWindow", "%1 秒前").replace("%1", str(age)))
        self.freshness.setText(translate("ConsoleWindow", "数据更新于 %1 · %2")
                               .replace("%1", f"{self.updated_at:%H:%M:%S}").replace("%2", state))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.sig_closing.emit()
        super().closeEvent(event)
