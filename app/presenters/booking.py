"""The booking presenter: the advisor's booking dialog — recommended stores, free slots with their off-peak price,
booking with the database as referee (a slot taken a moment ago comes back with the next best ones). Database work
runs on the task runner."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QCoreApplication, QObject

from app.tasks import TaskRunner
from services.db.engine import Database
from services.model import BookingConfirmation, DomainError, SlotOffer, SlotTaken, StoreRecommendation
from services.users import UserInfo
from widgets.booking_dialog import BookingDialog

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def recommend(db: Database, request: dict) -> list[StoreRecommendation]:
    """Runs on a worker thread. Opened for a store, the others say how much sooner they can start (a referral)."""
    from services.booking.recommend import customer_location, recommend_stores, with_time_saved

    with db.engine.connect() as conn:
        lat, lon = request.get("lat"), request.get("lon")
        if lat is None or lon is None:
            try:
                lat, lon = customer_location(conn, request.get("plate"), request.get("store_id"))
            except DomainError:
                raise DomainError(translate("BookingPresenter", "找不到可推荐的门店，请检查您的权限范围。")) from None
        recs = recommend_stores(conn, lat, lon, list(request["service_codes"]), request["window_start"],
                                request["window_end"], limit=5)
        return with_time_saved(recs, request.get("store_id"))


def slots(db: Database, store_id: int, codes: tuple[str, ...], day: date) -> list[SlotOffer]:
    """Runs on a worker thread."""
    from services.booking.slots import free_slots

    with db.engine.connect() as conn:
        return free_slots(conn, store_id, list(codes), day)


def book(db: Database, request: dict, actor: str, origin_store: int | None = None) -> BookingConfirmation:
    """Runs on a worker thread: one transaction; SlotTaken when someone else was faster. Booked at another store
    than the one the dialog was opened for, it is a referral from that store (a cross-store service)."""
    from services.booking.book import book_slot

    slot: SlotOffer | None = request.get("slot")
    store_id = int(request["store_id"])
    with db.engine.connect() as conn:
        confirmation = book_slot(
            conn, store_id, request["plate"], list(request["service_codes"]), request["start"],
            customer_name=request.get("customer") or None, phone=request.get("phone") or None, channel="advisor",
            actor=actor, bay_id=slot.bay_id if slot else request.get("bay_id"),
            technician_id=slot.technician_id if slot else request.get("technician_id"),
            referral_from=origin_store if origin_store is not None and origin_store != store_id else None)
        conn.commit()
        return confirmation


class BookingPresenter(QObject):
    """Opens the booking dialog and turns its intents into service calls."""

    def __init__(self, window, runner: TaskRunner, db: Database, user: UserInfo, theme: str,
                 current_store, on_booked) -> None:
        super().__init__(window)
        self.window, self.runner, self.db, self.user, self.theme = window, runner, db, user, theme
        self.current_store = current_store  # callable → the store id on screen, or None
        self.on_booked = on_booked  # callable(store_id): refresh what shows the store
        self.dialog: BookingDialog | None = None
        self.last: BookingConfirmation | None = None
        self.origin_store: int | None = None

    def open(self) -> BookingDialog:
        if self.dialog is None:
            self.dialog = BookingDialog("light", parent=self.window)  # closes with the window
            self.dialog.sig_recommend_requested.connect(self.recommend)
            self.dialog.sig_slots_requested.connect(self.slots)
            self.dialog.sig_book_requested.connect(self.book)
        else:
            self.dialog.reset()
        store = self.user.store_id if self.user.role == "store" else self.current_store()
        self.origin_store = store  # booked elsewhere, the customer is referred from here
        self.dialog.preset(store_id=store)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def recommend(self, request: dict) -> None:
        dialog = self.dialog
        assert dialog is not None
        dialog.set_busy(True, translate("BookingPresenter", "正在为客户比较附近的门店……"))
        self.runner.submit(recommend, self.db, request, on_done=self._recommended, on_error=self._failed)

    def _recommended(self, items: list[StoreRecommendation]) -> None:
        if self.dialog is not None:
            self.dialog.set_busy(False)
            self.dialog.show_recommendations(items)

    def slots(self, store_id: int, codes: tuple[str, ...], day: date) -> None:
        dialog = self.dialog
        assert dialog is not None
        dialog.set_busy(True, translate("BookingPresenter", "正在查找空闲时段……"))
        self.runner.submit(slots, self.db, store_id, tuple(codes), day, on_done=self._slots, on_error=self._failed)

    def _slots(self, items: list[SlotOffer]) -> None:
        if self.dialog is not None:
            self.dialog.set_busy(False)
            self.dialog.show_slots(items)

    def book(self, request: dict) -> None:
        dialog = self.dialog
        assert dialog is not None
        dialog.set_busy(True, translate("BookingPresenter", "正在预约……"))
        self.runner.submit(book, self.db, request, self.user.login, self.origin_store, on_done=self._booked,
                           on_error=self._failed)

    def _booked(self, confirmation: BookingConfirmation) -> None:
        self.last = confirmation
        if self.dialog is not None:
            self.dialog.set_busy(False)
            self.dialog.show_booked(confirmation)
            self.window.show_message(self.dialog.booked_sentence(confirmation))
        self.on_booked(confirmation.store_id)

    def _failed(self, exc: Exception) -> None:
        if self.dialog is None:
            return
        self.dialog.set_busy(False)
        if isinstance(exc, SlotTaken):
            self.dialog.show_slot_taken(str(exc), exc.alternatives)
        elif isinstance(exc, DomainError):
            self.dialog.show_error(str(exc))
        else:
            log.warning("booking failed: %s", exc)
            self.dialog.show_error(translate("BookingPresenter", "出错了：%1").replace("%1", str(exc)))
