"""The console presenter: drill-down navigation, the live map, KPI wall, rankings, trends and alerts, refreshed
from LISTEN/NOTIFY with bursts coalesced to about one refresh a second. All database work runs on the task runner."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QObject, QProcess, Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QSplitter, QTabWidget

from app import screens
from app.bridge import EventBridge
from app.console_window import ConsoleWindow
from app.navigation import History, Location
from app.pages import StorePageWidget, WorkOrderPageWidget, scrollable
from app.presenters.analytics import AnalyticsPresenter
from app.presenters.booking import BookingPresenter
from app.presenters.network_ops import NetworkOpsPresenter
from app.presenters.planning import PlanningPresenter
from app.settings import UiSettings
from app.tasks import TaskRunner
from services import catalog
from services.db.engine import Database
from services.model import AlertItem, DomainError, KpiTile, StoreStatus, TrendSeries, WorkOrderDetail
from services.network import (
    CHINA,
    TILE_SPECS,
    KpiRow,
    china_today,
    kpi_tiles,
    kpis,
    store_statuses,
    today_snapshot,
    trend_series,
)
from services.store_day import StoreDayView, store_day, work_order_detail
from services.users import UserInfo
from widgets.alert_feed import AlertFeedWidget
from widgets.kpi_tile import KpiWallWidget
from widgets.map_view import MapViewWidget
from widgets.ranking import RankingWidget
from widgets.tech_recommend import TechRecommendList
from widgets.trend_chart import TrendChartWidget

log = logging.getLogger(__name__)
REGION_NAMES = {r.code: r.name_zh for r in catalog.REGIONS}
TREND_DAYS = 30


@dataclass(frozen=True, slots=True)
class Overview:
    tiles: list[KpiTile]
    stores: list[StoreStatus]
    ranking: list[KpiRow]
    ranking_scope: str
    trend: list[TrendSeries]
    alerts: list[AlertItem]


@dataclass(frozen=True, slots=True)
class LiveDelta:
    tiles: list[KpiTile]
    stores: list[StoreStatus]
    alerts: list[AlertItem] | None


def _alerts(conn, region_code: str | None, store_id: int | None = None) -> list[AlertItem]:
    try:
        from services.alerts import list_alerts
    except ImportError:  # the alerts service is optional in early builds
        return []
    return list_alerts(conn, region_code=region_code, store_id=store_id)


def fetch_overview(db: Database, region_code: str | None, trend_key: str) -> Overview:
    """Runs on a worker thread: everything the nation or region page shows."""
    today = china_today()
    with db.engine.connect() as conn, today_snapshot(conn):
        month = (today - timedelta(days=TREND_DAYS - 1), today)
        ranking_scope = "store" if region_code else "region"
        ranking = kpis(conn, ranking_scope, *month, region_code)
        return Overview(
            tiles=kpi_tiles(conn, region_code),
            stores=store_statuses(conn, region_code=region_code),
            ranking=ranking,
            ranking_scope=ranking_scope,
            trend=trend_series(conn, trend_key, today - timedelta(days=TREND_DAYS), today - timedelta(days=1)),
            alerts=_alerts(conn, region_code),
        )


def fetch_delta(db: Database, region_code: str | None, store_ids: list[int], with_alerts: bool) -> LiveDelta:
    """Runs on a worker thread: only what changed — the changed stores, the tiles, the alerts if any changed."""
    with db.engine.connect() as conn, today_snapshot(conn):
        return LiveDelta(kpi_tiles(conn, region_code), store_statuses(conn, store_ids=store_ids,
                                                                       region_code=region_code),
                         _alerts(conn, region_code) if with_alerts else None)


def fetch_store(db: Database, store_id: int) -> tuple[StoreDayView, list[AlertItem], list[StoreStatus]]:
    """Runs on a worker thread: the store page — its day, its alerts, its live state."""
    with db.engine.connect() as conn:
        return store_day(conn, store_id), _alerts(conn, None, store_id), store_statuses(conn, store_ids=[store_id])


def fetch_work_order(db: Database, work_order_id: int) -> WorkOrderDetail:
    with db.engine.connect() as conn:
        return work_order_detail(conn, work_order_id)


def fetch_trend(db: Database, key: str) -> list[TrendSeries]:
    today = china_today()
    with db.engine.connect() as conn:
        return trend_series(conn, key, today - timedelta(days=TREND_DAYS), today - timedelta(days=1))


def acknowledge_alert(db: Database, alert_id: int, login: str) -> AlertItem:
    from services.alerts import acknowledge

    with db.engine.connect() as conn:
        item = acknowledge(conn, alert_id, login)
        conn.commit()
        return item


translate = QCoreApplication.translate



def _region_title(name: str) -> str:
    """'华北大区' — the region's name (data, kept) with the translated word for a region."""
    return translate("ConsolePresenter", "%1大区").replace("%1", name)


class ConsolePresenter(QObject):
    """Owns the window's state; turns widget intents into service calls and results into widget updates."""

    def __init__(self, window: ConsoleWindow, runner: TaskRunner, bridge: EventBridge, db: Database, user: UserInfo,
                 settings: UiSettings, theme: str) -> None:
        super().__init__(window)
        self.window, self.runner, self.bridge, self.db, self.user = window, runner, bridge, db, user
        self.settings, self.theme = settings, theme
        self.pending: set[int] = set()
        self._tiles: list[KpiTile] = []
        self.alerts_dirty = False
        self.in_flight = False
        self.refreshes = 0  # completed refreshes (tests and benchmarks watch it)
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(600)  # with the refresh itself, about one repaint a second per view at most
        self._coalesce.timeout.connect(self._flush)
        self.region_code = user.region_code if user.role == "region" else None
        self._build()
        self.history = History(self._home())
        bridge.sig_store_changed.connect(self.on_store_changed)
        bridge.sig_resync.connect(self.refresh_all)
        bridge.sig_connection_changed.connect(window.show_connection)
        window.sig_back_requested.connect(lambda: self._show(self.history.back(), load=True))
        window.sig_forward_requested.connect(lambda: self._show(self.history.forward(), load=True))
        window.sig_home_requested.connect(lambda: self.navigate(self.history.home))
        window.breadcrumb.sig_crumb_clicked.connect(self._crumb)
        window.sig_send_to_screen_requested.connect(self.send_to_screen)
        window.sig_closing.connect(self.save_layout)
        window.sig_language_requested.connect(self.set_language)
        window.sig_restart_requested.connect(self.restart)

    # --- building the editions ------------------------------------------------------------------------------------

    def _build(self) -> None:
        w = self.window
        self.map = MapViewWidget()
        self.wall = KpiWallWidget(self.theme)
        self.alerts = AlertFeedWidget()
        self.trend = TrendChartWidget()
        self.ranking = RankingWidget()
        for widget in (self.map, self.wall, self.alerts, self.trend, self.ranking):
            if hasattr(widget, "set_theme"):
                widget.set_theme(self.theme)
        for wide in (self.ranking, self.trend):  # may scroll sideways rather than squeeze the map
            wide.setMinimumWidth(480)
        overview = QSplitter(Qt.Orientation.Vertical)
        tabs = QTabWidget()
        tabs.addTab(self.ranking, translate("ConsolePresenter", "排名与差距"))
        tabs.addTab(self.trend, translate("ConsolePresenter", "趋势"))
        self.analytics = AnalyticsPresenter(w, self.runner, self.db, self.user, self.theme)
        self.scenario_tab = tabs.addTab(scrollable(self.analytics.scenario), translate("ConsolePresenter", "新旧对比"))
        self.overview_tabs = tabs
        tabs.currentChanged.connect(self._tab_changed)
        overview.addWidget(tabs)
        w.add_page("overview", overview)
        self.store_page = StorePageWidget(self.theme)
        w.add_page("store", self.store_page)
        self.work_order_page = WorkOrderPageWidget()
        self.work_order_page.set_theme(self.theme)
        self.tech_panel = TechRecommendList("light" if self.theme == "light" else "dark")
        order_split = QSplitter(Qt.Orientation.Horizontal)
        order_split.addWidget(self.work_order_page)
        order_split.addWidget(self.tech_panel)
        order_split.setSizes([900, 600])
        self.tech_panel.hide()
        w.add_page("work_order", order_split)
        self.store_page.sig_work_order_selected.connect(self.open_work_order)
        self.planning = PlanningPresenter(self.store_page, self.runner, self.db, self.user, self.refresh_store,
                                          self.window.show_message)
        self.tech_panel.sig_assign_requested.connect(self.planning.assign)
        self.booking = BookingPresenter(w, self.runner, self.db, self.user, self.theme, self._store_on_screen,
                                        self._booked)
        self.store_page.actions.sig_book_requested.connect(self.booking.open)
        w.sig_booking_requested.connect(self.booking.open)
        w.sig_pricing_requested.connect(self.analytics.open_pricing)
        self.ops = NetworkOpsPresenter(w, self.runner, self.db, self.user, self.theme, self.store_page)
        w.toolbar.addWidget(self.ops.badge)
        self.store_page.lists.addTab(self.ops.parts, translate("ConsolePresenter", "缺件调拨"))
        self.store_page.lists.addTab(self.ops.loans, translate("ConsolePresenter", "技师支援"))
        if self.ops.status is not None:
            self.status_tab = self.overview_tabs.addTab(scrollable(self.ops.status),
                                                        translate("ConsolePresenter", "网络调度"))
        self.bridge.sig_job_event.connect(self.ops.job_event)
        if self.user.role in ("hq", "region"):
            w.add_dock("map", self.map, Qt.DockWidgetArea.LeftDockWidgetArea)
            w.add_dock("wall", self.wall, Qt.DockWidgetArea.TopDockWidgetArea)
        w.add_dock("alerts", self.alerts, Qt.DockWidgetArea.RightDockWidgetArea)
        w.set_screens([s.name() for s in QGuiApplication.screens()])
        w.apply_theme(self.theme)
        if hasattr(self.trend, "set_available_kpis"):  # trends exist for the daily KPIs, not for "online now"
            self.trend.set_available_kpis([spec[0] for spec in TILE_SPECS])
        self.map.sig_store_selected.connect(self.open_store)
        self.alerts.sig_store_selected.connect(self.open_store)
        self.alerts.sig_acknowledge_requested.connect(self.acknowledge)
        self.ranking.sig_row_activated.connect(self._ranking_row)
        self.trend.sig_kpi_changed.connect(self._trend_kpi)
        self.map.sig_region_filter_changed.connect(self._map_region)

    def _store_on_screen(self) -> int | None:
        current = self.history.current
        while current is not None and current.level == "work_order":
            current = current.parent
        return int(current.key) if current is not None and current.level == "store" else None

    def _booked(self, store_id: int) -> None:
        if self._store_on_screen() == store_id:
            self.refresh_store(store_id)

    def _tab_changed(self, index: int) -> None:
        if index == self.scenario_tab and not self.analytics.comparison_loaded:
            self.analytics.reload_comparison()

    def _home(self) -> Location:
        if self.user.role == "region" and self.user.region_code:
            return Location("region", self.user.region_code, _region_title(REGION_NAMES[self.user.region_code]))
        if self.user.role == "store" and self.user.store_id:
            return Location("store", self.user.store_id, self.user.store_code or translate("ConsolePresenter", "门店"))
        return Location("nation", None, translate("ConsolePresenter", "全国"))

    # --- navigation -----------------------------------------------------------------------------------------------

    def start(self) -> None:
        self.ops.start()
        self.restore_layout()
        self._show(self.history.current, load=True)

    def navigate(self, location: Location) -> None:
        self._show(self.history.go(location), load=True)

    def _show(self, location: Location, load: bool) -> None:
        self.window.show_location(location, self.history.can_back(), self.history.can_forward())
        if not load:
            return
        if location.level in ("nation", "region"):
            self.region_code = location.key if location.level == "region" else None
            self.map.set_region_filter(self.region_code)
            self.refresh_all()
        elif location.level == "store":
            self.refresh_store(int(location.key))
        elif location.level == "work_order":
            self.runner.submit(fetch_work_order, self.db, int(location.key), on_done=self._show_work_order,
                               on_error=self._failed)

    def refresh_store(self, store_id: int) -> None:
        self.runner.submit(fetch_store, self.db, store_id, on_done=self._show_store, on_error=self._failed)

    def _show_store(self, data: tuple[StoreDayView, list[AlertItem], list[StoreStatus]]) -> None:
        view, alerts, status = data
        self.store_view = view
        if self.planning.store_id != view.store_id or not self.ops.store_data:
            self.ops.load_store(view.store_id)
        self.planning.set_store(view.store_id)
        if hasattr(self.store_page, "set_view"):
            self.store_page.set_view(view)
        self.alerts.set_alerts(alerts)
        if status and self.user.role != "store":
            self.map.update_stores(status)
            self.map.set_selected_store(view.store_id)
        self.window.mark_updated()
        self.refreshes += 1

    def _show_work_order(self, detail: WorkOrderDetail) -> None:
        self.work_order = detail
        if hasattr(self.work_order_page, "set_detail"):
            self.work_order_page.set_detail(detail, datetime.now(CHINA))
        waiting = detail.status == "checked_in"
        self.tech_panel.setVisible(waiting)
        if waiting:  # who should take it: ranked technicians with their reasons, one click to assign
            self.planning.recommend_for(detail.id, self.tech_panel)
        self.window.mark_updated()
        self.refreshes += 1

    @Slot(int)
    def open_work_order(self, work_order_id: int) -> None:
        current = self.history.current
        if current.level == "work_order":
            current = current.parent or current
        if current.level == "store":
            self.navigate(current.child("work_order", work_order_id, translate("ConsolePresenter", "工单 %1").replace("%1", str(work_order_id))))

    def _crumb(self, index: int) -> None:
        self.navigate(self.history.current.path()[index])

    @Slot(int)
    def open_store(self, store_id: int) -> None:
        current = self.history.current
        base = current if current.level in ("nation", "region") else current.path()[0]
        status = next((s for s in getattr(self, "_stores", []) if s.store_id == store_id), None)
        title = status.name_zh if status else translate("ConsolePresenter", "门店 %1").replace("%1", str(store_id))
        if base.level == "nation" and status is not None:
            base = base.child("region", status.region_code, _region_title(REGION_NAMES[status.region_code]))
        if base.level == "store":
            return
        self.navigate(base.child("store", store_id, title))

    def _ranking_row(self, key: str) -> None:
        current = self.history.current
        if current.level == "nation" and key in REGION_NAMES:
            self.navigate(current.child("region", key, _region_title(REGION_NAMES[key])))
            return
        status = next((s for s in getattr(self, "_stores", []) if s.code == key), None)
        if status is not None:
            self.open_store(status.store_id)

    def _map_region(self, code: str) -> None:
        if code and self.user.role == "hq":
            self.navigate(Location("nation", None, translate("ConsolePresenter", "全国")).child("region", code, _region_title(REGION_NAMES[code])))
        elif not code and self.user.role == "hq":
            self.navigate(Location("nation", None, translate("ConsolePresenter", "全国")))

    # --- data -------------------------------------------------------------------------------------------------------

    def refresh_all(self) -> None:
        key = self.trend.kpi_key if hasattr(self.trend, "kpi_key") else "utilization"
        self.runner.submit(fetch_overview, self.db, self.region_code, key, on_done=self._show_overview,
                           on_error=self._failed)

    def _show_overview(self, data: Overview) -> None:
        self._stores = data.stores
        self.map.set_stores(data.stores)
        self._tiles = data.tiles
        self.wall.set_tiles(data.tiles)
        self.ranking.set_rows(data.ranking, data.ranking_scope)
        self.trend.set_series(self.trend.kpi_key, data.trend)
        self.alerts.set_alerts(data.alerts)
        self.window.mark_updated()
        self.refreshes += 1

    @Slot(int, str)
    def on_store_changed(self, store_id: int, kind: str) -> None:
        """Coalesce bursts: remember what changed, refresh once the burst has had a moment to settle."""
        self.pending.add(store_id)
        self.alerts_dirty |= kind in ("alert", "complaint")
        if kind in ("workorder", "booking"):
            self.planning.store_changed(store_id)
        if kind == "inbox":
            self.ops.store_changed(kind)
        if not self._coalesce.isActive() and not self.in_flight:
            self._coalesce.start()

    def _flush(self) -> None:
        if not self.pending and not self.alerts_dirty:
            return
        ids, self.pending = sorted(self.pending), set()
        with_alerts, self.alerts_dirty = self.alerts_dirty, False
        self.in_flight = True
        self.runner.submit(fetch_delta, self.db, self.region_code, ids, with_alerts, on_done=self._show_delta,
                           on_error=self._failed)

    def _show_delta(self, delta: LiveDelta) -> None:
        self.in_flight = False
        if delta.stores:
            self.map.update_stores(delta.stores)
            by_id = {s.store_id: s for s in delta.stores}
            self._stores = [by_id.get(s.store_id, s) for s in getattr(self, "_stores", [])]
        if delta.tiles != self._tiles:  # unchanged tiles: no relayout, no repaint
            self._tiles = delta.tiles
            self.wall.set_tiles(delta.tiles)
        if delta.alerts is not None and self.history.current.level in ("nation", "region"):
            self.alerts.set_alerts(delta.alerts)
        current = self.history.current
        if current.level == "store" and int(current.key) in {s.store_id for s in delta.stores}:
            self.refresh_store(int(current.key))
        self.window.mark_updated()
        self.refreshes += 1
        if self.pending or self.alerts_dirty:
            self._coalesce.start()

    def _trend_kpi(self, key: str) -> None:
        self.runner.submit(fetch_trend, self.db, key, on_done=lambda s: self.trend.set_series(key, s),
                           on_error=self._failed)

    @Slot(int)
    def acknowledge(self, alert_id: int) -> None:
        def done(item: AlertItem) -> None:
            self.window.show_message(translate("ConsolePresenter", "已确认预警：%1 · %2").replace("%1", item.store_name)
                                     .replace("%2", item.message))
            self.alerts_dirty = True
            self._coalesce.start()

        def failed(exc: Exception) -> None:
            self.alerts.clear_pending(alert_id)  # bring the button back: nothing was acknowledged
            self._failed(exc)

        self.runner.submit(acknowledge_alert, self.db, alert_id, self.user.login, on_done=done, on_error=failed)

    def _failed(self, exc: Exception) -> None:
        self.in_flight = False
        text = str(exc) if isinstance(exc, DomainError) else translate("ConsolePresenter", "出错了：%1").replace("%1", str(exc))
        log.warning("%s", text)
        self.window.show_message(text, 15)

    # --- screens --------------------------------------------------------------------------------------------------

    @Slot(str, str)
    def send_to_screen(self, dock_name: str, screen_name: str) -> None:
        dock = self.window.docks.get(dock_name)
        if dock is None:
            return
        if not screen_name:
            dock.setFloating(False)
            self.window.show_message(translate("ConsolePresenter", "%1 已放回主窗口。").replace("%1", dock.windowTitle()))
        else:
            dock.setFloating(True)
            placed = screens.place(dock, screen_name)
            self.window.show_message(translate("ConsolePresenter", "%1 已全屏显示在 %2。").replace("%1", dock.windowTitle())
                                     .replace("%2", placed.name()))
        self.save_layout()

    # --- language ---------------------------------------------------------------------------------------------------

    @Slot(str)
    def set_language(self, code: str) -> None:
        """Save the chosen language; it applies at the next start (the widgets are built in one language)."""
        self.settings.language = code
        self.settings.sync()
        self.window.offer_restart(translate("ConsolePresenter", "界面语言将在下次启动时切换为 %1。")
                                  .replace("%1", {"zh_CN": "简体中文", "en": "English"}.get(code, code)))

    def restart(self) -> None:
        """Start a new instance with the same arguments and quit this one (the language change then applies)."""
        self.save_layout()
        if QProcess.startDetached(sys.executable, sys.argv):
            QApplication.quit()

    def layout(self) -> dict[str, str]:
        return {name: dock.screen().name() for name, dock in self.window.docks.items() if dock.isFloating()}

    def shutdown(self) -> None:
        """Stop what runs in the background for this window (the solver process)."""
        self.planning.shutdown()

    def save_layout(self) -> None:
        screens.save_layout(self.settings.qs, self.layout())

    def restore_layout(self) -> None:
        for name, screen_name in screens.load_layout(self.settings.qs).items():
            dock = self.window.docks.get(name)
            if dock is not None:
                dock.setFloating(True)
                screens.place(dock, screen_name)
