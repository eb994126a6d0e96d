"""Store recommendation: for a customer's location, services and wished window, the stores that can do the work,
ranked by a transparent score with one plain line per factor (distance, predicted wait, capability, price).

The wait comes from each store's plan and queue at that hour (the same occupancy model as the free slots), for the
nearest capable stores in one batch, read through the network functions of migration 0008 for every caller. Plain data out; runs on a worker thread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services import catalog
from services.booking._db import Conn, execute, to_minute
from services.booking.rules import load_rules
from services.booking.slots import Needs, load_store_days, needs_of, offers_of, service_types
from services.dispatch.model import BAY_ACCEPTS
from services.model import DomainError, Reason, SlotOffer, StoreRecommendation
from services.network import CHINA
from services.simulation.demand import PARTS_PER_SERVICE

ROAD_FACTOR = 1.3  # road distance over straight-line distance in a Chinese city
URBAN_KMH = 30.0
BATCH = 15  # capable stores, nearest first, whose day plans are computed
CANDIDATES = 60  # nearest stores looked at for capability
MAX_WAIT_SCORED = 240  # minutes: a longer wait scores nothing
MAX_DAYS = 3  # a wished window is looked at over at most this many days
POINTS = {"distance": 35.0, "wait": 35.0, "capability": 10.0, "price": 20.0}
FULL_PRICE_POINTS_AT = 20.0  # a discount of this many percent earns all the price points


@dataclass(frozen=True, slots=True)
class _Candidate:
    store_id: int
    code: str
    name_zh: str
    name_en: str
    city_zh: str
    km: float
    has_bay: bool
    has_skill: bool
    missing_parts: tuple[str, ...]

    @property
    def capable(self) -> bool:
        return self.has_bay and self.has_skill and not self.missing_parts


def travel_minutes(km: float) -> int:
    return math.ceil(km * ROAD_FACTOR / URBAN_KMH * 60)


def parts_needed(codes: Sequence[str]) -> dict[str, int]:
    """Parts a job will almost surely use (probability ≥ 50 %), with the typical quantity."""
    need: dict[str, int] = {}
    for code in codes:
        for part, prob, qtys in PARTS_PER_SERVICE.get(code, ()):
            if prob >= 0.5:
                qty = sorted(qtys)[len(qtys) // 2]
                need[part] = max(need.get(part, 0), qty)
    return need


def _zhe(pct: float) -> str:
    """15 % off → "85 折", 10 % off → "9 折"."""
    rest = round(100 - pct)
    return f"{rest // 10} 折" if rest % 10 == 0 else f"{rest} 折"


def _candidates(conn: Conn, lat: float, lon: float, needs: Needs, max_km: float) -> list[_Candidate]:
    """The nearest CANDIDATES active stores within `max_km`, with their capability, through
    booking.network_candidates (0008): every store of the network, whatever the caller's scope."""
    parts = parts_needed(needs.codes)
    rows = execute(conn, """
        SELECT store_id, code, name_zh, name_en, city_zh, km, has_bay, has_skill, missing_parts
        FROM booking.network_candidates(%(lat)s::double precision, %(lon)s::double precision,
                                        %(max_km)s::double precision, %(kinds)s::text[], %(skills)s::text[],
                                        %(parts)s::text[], %(qtys)s::integer[], %(n)s::integer)""",
                   {"lat": lat, "lon": lon, "max_km": max_km,
                    "kinds": list(BAY_ACCEPTS.get(needs.bay_kind, (needs.bay_kind,))),
                    "skills": sorted(needs.skills), "parts": list(parts), "qtys": list(parts.values()),
                    "n": CANDIDATES}).fetchall()
    return [_Candidate(int(r[0]), r[1], r[2], r[3], r[4], float(r[5]), bool(r[6]), bool(r[7]), tuple(r[8] or ()))
            for r in rows]


def _capability_reason(c: _Candidate, needs: Needs) -> Reason:
    skills_zh = "、".join(catalog.SKILL_NAMES_ZH[s] for s in sorted(needs.skills))
    skills_en = ", ".join(sorted(needs.skills))
    bay_zh = catalog.BAY_KIND_NAMES_ZH.get(needs.bay_kind, needs.bay_kind)
    if c.capable:
        parts = "，配件有货" if parts_needed(needs.codes) else ""
        parts_en = "; parts in stock" if parts_needed(needs.codes) else ""
        return Reason("capability", POINTS["capability"], f"具备 {skills_zh} 技能和{bay_zh}{parts}",
                      f"Has {skills_en} skills and a {needs.bay_kind} bay{parts_en}")
    if not c.has_skill:
        return Reason("capability", 0.0, f"没有具备 {skills_zh} 技能的技师", f"No technician with {skills_en} skills")
    if not c.has_bay:
        return Reason("capability", 0.0, f"没有{bay_zh}", f"No {needs.bay_kind} bay")
    names = {p.code: p for p in catalog.PARTS}
    return Reason("capability", 0.0, "配件缺货：" + "、".join(names[p].name_zh for p in c.missing_parts),
                  "Parts out of stock: " + ", ".join(names[p].name_en for p in c.missing_parts))


def _first_offer(day_offers: dict[date, list[SlotOffer]], arrival: datetime, window_end: datetime) -> SlotOffer | None:
    for day in sorted(day_offers):
        for o in day_offers[day]:
            if arrival <= o.start <= window_end:
                return o
    return None


def recommend_stores(conn: Conn, lat: float, lon: float, service_codes: Sequence[str], window_start: datetime,
                     window_end: datetime, *, limit: int = 5, max_km: float = 80.0,
                     now: datetime | None = None) -> list[StoreRecommendation]:
    """The best stores for the job, best first: capable stores ranked by a 0–100 score (distance 35, predicted wait
    35, capability 10, off-peak price 20 points), each with one Reason per factor; then, greyed (capable=False),
    nearer stores that cannot do it, with the reason. Every store of the network within reach, also outside the
    caller's scope (a store advisor refers the customer to a nearby store that can take them sooner; no customer
    data of other stores is read). Runs on a worker thread."""
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise DomainError("The wished window needs a time zone; pass aware datetimes.")
    if window_end <= window_start:
        raise DomainError("The wished window must end after it starts.")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError("The customer's location is not a valid latitude and longitude.")
    now = now or datetime.now(CHINA)
    types = service_types(conn)
    needs = needs_of(service_codes, types)
    rules = load_rules(conn)
    cands = _candidates(conn, lat, lon, needs, max_km)
    capable = [c for c in cands if c.capable][:BATCH]
    first_day = max(window_start, now).astimezone(CHINA).date()
    last_day = min(window_end.astimezone(CHINA).date(), first_day + timedelta(days=MAX_DAYS - 1))
    offers: dict[int, dict[date, list[SlotOffer]]] = {c.store_id: {} for c in capable}
    day = first_day
    while day <= last_day and capable:
        days = load_store_days(conn, [c.store_id for c in capable], day, now, types)
        for c in capable:
            sd = days.get(c.store_id)
            if sd is None:
                continue
            lo = to_minute(day, max(window_start, now))
            hi = to_minute(day, window_end)
            offers[c.store_id][day] = offers_of(sd, needs, rules, 15, lo, hi)
        day += timedelta(days=1)
    out: list[StoreRecommendation] = []
    for c in capable:
        minutes = travel_minutes(c.km)
        arrival = max(window_start, now + timedelta(minutes=minutes))
        offer = _first_offer(offers[c.store_id], arrival, window_end)
        d_pts = POINTS["distance"] * max(0.0, 1.0 - c.km / max_km)
        reasons = [Reason("distance", round(d_pts, 1), f"距离 {c.km:.1f} 公里，约 {minutes} 分钟车程",
                          f"{c.km:.1f} km away, about {minutes} min by car")]
        if offer is None:
            wait = MAX_WAIT_SCORED
            reasons.append(Reason("wait", 0.0, "所选时段内没有空档", "No free slot in the wished window"))
            pct, price = 0.0, needs.list_price
        else:
            wait = max(0, int((offer.start - arrival).total_seconds() // 60))
            hhmm = offer.start.astimezone(CHINA).strftime("%H:%M")
            if offer.start.astimezone(CHINA).date() != arrival.astimezone(CHINA).date():
                hhmm_zh = f"{offer.start.astimezone(CHINA).month}月{offer.start.astimezone(CHINA).day}日 {hhmm}"
            else:
                hhmm_zh = hhmm
            w_pts = POINTS["wait"] * max(0.0, 1.0 - wait / MAX_WAIT_SCORED)
            reasons.append(Reason("wait", round(w_pts, 1), f"{hhmm_zh} 可开工，预计等待 {wait} 分钟",
                                  f"Can start at {hhmm}, about {wait} min wait"))
            pct, price = offer.discount_pct, offer.price
        reasons.append(_capability_reason(c, needs))
        p_pts = POINTS["price"] * min(1.0, pct / FULL_PRICE_POINTS_AT)
        if pct > 0:
            reasons.append(Reason("price", round(p_pts, 1), f"低峰 {_zhe(pct)}：¥{needs.list_price:.0f} → ¥{price:.0f}",
                                  f"Off-peak {pct:g}% off: ¥{needs.list_price:.0f} → ¥{price:.0f}"))
        else:
            reasons.append(Reason("price", 0.0, f"原价 ¥{needs.list_price:.0f}", f"List price ¥{needs.list_price:.0f}"))
        score = round(sum(r.points for r in reasons), 1)
        out.append(StoreRecommendation(
            c.store_id, c.code, c.name_zh, c.name_en, c.city_zh, round(c.km, 1), minutes,
            offer.start if offer else None, wait if offer else MAX_WAIT_SCORED, needs.list_price, price, pct, score,
            tuple(reasons)))
    out.sort(key=lambda r: (-r.score, r.distance_km))
    out = out[:limit]
    reach = max((r.distance_km for r in out), default=max_km)
    greyed = [c for c in cands if not c.capable and c.km < reach][:2]
    for c in greyed:
        minutes = travel_minutes(c.km)
        out.append(StoreRecommendation(
            c.store_id, c.code, c.name_zh, c.name_en, c.city_zh, round(c.km, 1), minutes, None, MAX_WAIT_SCORED,
            needs.list_price, needs.list_price, 0.0, 0.0,
            (Reason("distance", 0.0, f"距离 {c.km:.1f} 公里，约 {minutes} 分钟车程",
                    f"{c.km:.1f} km away, about {minutes} min by car"), _capability_reason(c, needs)),
            capable=False))
    return out


def with_time_saved(recs: Sequence[StoreRecommendation], origin_store_id: int | None) -> list[StoreRecommendation]:
    """The referral's view: when the customer asked at `origin_store_id`, every other store that can start sooner
    carries one more line saying how much sooner (or that the store asked is full in the window). The score is
    unchanged; the lines tell the advisor why sending the customer elsewhere is worth it."""
    from dataclasses import replace

    origin = next((r for r in recs if r.store_id == origin_store_id), None)
    if origin_store_id is None or origin is None:
        return list(recs)
    out = []
    for r in recs:
        if r.store_id == origin_store_id or not r.capable or r.earliest_start is None:
            out.append(r)
            continue
        if origin.earliest_start is None:
            line = Reason("time_saved", 0.0, "本店这个时段已约满，这家店能接", "Your store is full in that window; this "
                          "store can take the customer")
        else:
            saved = int((origin.earliest_start - r.earliest_start).total_seconds() // 60) \
                + origin.predicted_wait_minutes - r.predicted_wait_minutes
            if saved < 15:
                out.append(r)
                continue
            line = Reason("time_saved", 0.0, f"比本店早 {saved} 分钟开工", f"Starts {saved} min sooner than your store")
        out.append(replace(r, reasons=(*r.reasons, line)))
    return out


def customer_location(conn: Conn, plate: str | None, store_id: int | None) -> tuple[float, float]:
    """Where to recommend from: the customer's home when the plate is known, else the store the advisor is at (or
    the first store the user may see)."""
    if plate:
        row = execute(conn, """SELECT c.home_lat, c.home_lon FROM vehicle v JOIN customer c ON c.id = v.customer_id
                               WHERE v.plate = upper(replace(trim(%(p)s), ' ', ''))""", {"p": plate}).fetchone()
        if row is not None and row[0] is not None:
            return float(row[0]), float(row[1])
    row = execute(conn, "SELECT lat, lon FROM store WHERE (%(s)s::integer IS NULL OR id = %(s)s) AND active "
                        "ORDER BY id LIMIT 1", {"s": store_id}).fetchone()
    if row is None:
        raise DomainError("No store to recommend from is within your scope.")
    return float(row[0]), float(row[1])
