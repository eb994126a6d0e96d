"""KPIs over simulation records, per store, region and nation, with the DOMAIN.md definitions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .records import StoreDay, StoreResult, WorkOrder

NATIONAL = "national"


@dataclass(frozen=True, slots=True)
class Kpis:
    """KPIs of one scope (a store id as text, a region code, or "national") over the records given."""

    scope: str
    stores: int
    store_days: int
    work_orders: int
    utilization: float  # occupied bay-minutes / open bay-minutes (both within opening hours)
    wait_hours: float  # mean over work orders of start − max(arrival, booked time)
    vehicles_per_store_day: float  # check-ins / store-days
    output_per_store_day: float  # ¥ of work orders / store-days
    output_per_technician_day: float  # ¥ of work orders / technician-days on duty
    csi: float  # mean rating of rated work orders (nan when none rated)
    rework_rate: float  # work orders that repeat an earlier one for the same fault / work orders
    cross_store_per_day: float  # work orders served away from the requested store, per day of the period
    cross_store_share: float
    balked: int
    parts_shortages: int
    complaints: int


class _Sums:
    __slots__ = (
        "wos",
        "wait",
        "amount",
        "rating_sum",
        "rated",
        "rework",
        "cross",
        "complaints",
        "store_days",
        "open",
        "occupied",
        "tech_days",
        "checkins",
        "balked",
        "shortages",
        "stores",
    )

    def __init__(self) -> None:
        for name in self.__slots__:
            setattr(self, name, 0)

    def merge(self, other: _Sums) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def kpis(self, scope: str) -> Kpis:
        days = self.store_days / self.stores if self.stores else 0
        return Kpis(
            scope=scope,
            stores=self.stores,
            store_days=self.store_days,
            work_orders=self.wos,
            utilization=self.occupied / self.open if self.open else 0.0,
            wait_hours=self.wait / 60.0 / self.wos if self.wos else 0.0,
            vehicles_per_store_day=self.checkins / self.store_days if self.store_days else 0.0,
            output_per_store_day=self.amount / self.store_days if self.store_days else 0.0,
            output_per_technician_day=self.amount / self.tech_days if self.tech_days else 0.0,
            csi=self.rating_sum / self.rated if self.rated else float("nan"),
            rework_rate=self.rework / self.wos if self.wos else 0.0,
            cross_store_per_day=self.cross / days if days else 0.0,
            cross_store_share=self.cross / self.wos if self.wos else 0.0,
            balked=self.balked,
            parts_shortages=self.shortages,
            complaints=self.complaints,
        )


class KpiAccumulator:
    """Streams records in (store by store or all at once) and reports KPIs without keeping the records.

    `region_of` maps store id → region code. Work orders count toward the store that served them.
    """

    def __init__(self, region_of: Mapping[int, str]) -> None:
        self.region_of = region_of
        self._stores: dict[int, _Sums] = {}

    def _sums(self, store_id: int) -> _Sums:
        s = self._stores.get(store_id)
        if s is None:
            s = self._stores[store_id] = _Sums()
            s.stores = 1
        return s

    def add_work_orders(self, work_orders: Iterable[WorkOrder]) -> None:
        for wo in work_orders:
            s = self._sums(wo.store_id)
            s.wos += 1
            since = wo.checked_in_at
            if wo.booked_for is not None and wo.booked_for > since:
                since = wo.booked_for
            s.wait += wo.started_at - since
            s.amount += wo.amount
            if wo.rating is not None:
                s.rating_sum += wo.rating
                s.rated += 1
            if wo.rework_of is not None:
                s.rework += 1
            if wo.store_id != wo.requested_store_id:
                s.cross += 1
            if wo.complaint:
                s.complaints += 1

    def add_store_days(self, store_days: Iterable[StoreDay]) -> None:
        for sd in store_days:
            s = self._sums(sd.store_id)
            s.store_days += 1
            s.open += sd.open_bay_minutes
            s.occupied += sd.occupied_bay_minutes
            s.tech_days += sd.technicians_on_duty
            s.checkins += sd.checkins
            s.balked += sd.balked
            s.shortages += sd.parts_shortages

    def add(self, result: StoreResult) -> None:
        self.add_work_orders(result.work_orders)
        self.add_store_days(result.store_days)

    def by_store(self) -> dict[int, Kpis]:
        return {sid: s.kpis(str(sid)) for sid, s in sorted(self._stores.items())}

    def by_region(self) -> dict[str, Kpis]:
        """KPIs per region code plus NATIONAL."""
        groups: dict[str, _Sums] = {}
        nation = _Sums()
        for sid, s in self._stores.items():
            g = groups.setdefault(self.region_of[sid], _Sums())
            g.merge(s)
            nation.merge(s)
        out = {code: groups[code].kpis(code) for code in sorted(groups)}
        out[NATIONAL] = nation.kpis(NATIONAL)
        return out


def compute_kpis(
    work_orders: Iterable[WorkOrder], store_days: Iterable[StoreDay], region_of: Mapping[int, str]
) -> dict[str, Kpis]:
    """Per region code and NATIONAL, from complete record sets (see KpiAccumulator for streaming)."""
    acc = KpiAccumulator(region_of)
    acc.add_work_orders(work_orders)
    acc.add_store_days(store_days)
    return acc.by_region()
