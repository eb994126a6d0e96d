"""Transfer requests and their approval: asking for parts, a technician or a referral, the rebalancing service's
proposals, deciding them exactly once (approvals.* in migration 0009), the inbox, the badge count and the history.

Every function runs in the caller's transaction (commit it) on a worker thread; a refusal is a DomainError with one
sentence and leaves the caller's transaction usable. Under a console user's login the database uses his login as
the actor whatever `actor` says; the owner's connections (tools, tests, services) are trusted with `actor`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from services.booking._db import DB_ERRORS, Conn, execute, savepoint, sql_error
from services.model import AuditEntry, DecisionConflict, DomainError, InboxItem, Proposal

KINDS = ("parts", "technician_loan", "referral")
STATUSES = ("pending", "approved", "rejected", "applied", "cancelled")
_DEADLOCK_RETRIES = 3

_COLUMNS = """id, kind, status, from_store_id, from_store, from_store_en, to_store_id, to_store, to_store_en,
    part_code, part_name, part_name_en, qty, technician_id, technician, loan_from, loan_to, booking_id, plate, impact,
    urgency, requested_by, requested_at, decided_by, decided_at, decision_comment, applied_at, inbox,
    (extract(epoch FROM now() - requested_at) / 60)::integer AS age_minutes"""


def _refusal(exc: BaseException) -> DomainError | None:
    """The DomainError for a refusal of the approvals functions, or None for other errors (re-raise them)."""
    err = sql_error(exc)
    if err is None or err.sqlstate is None or not err.sqlstate.startswith("AS"):
        return None
    text = f"{err.message} {err.hint or ''}".strip()
    if err.sqlstate == "AS409" and err.detail == "decided":
        return DecisionConflict(text)
    return DomainError(text)


def _call(conn: Conn, name: str, sql: str, params: dict):
    """Run one approvals function in a savepoint; a deadlock (which the fixed lock order should prevent, but a
    terminal or another service may lock in its own order) is retried, the work before it being rolled back."""
    for attempt in range(_DEADLOCK_RETRIES):
        try:
            with savepoint(conn, name):
                return execute(conn, sql, params).fetchall()
        except DB_ERRORS as exc:
            err = sql_error(exc)
            if err is not None and err.sqlstate in ("40P01", "40001") and attempt < _DEADLOCK_RETRIES - 1:
                continue
            refusal = _refusal(exc)
            if refusal is None:
                raise
            raise refusal from exc
    raise AssertionError("unreachable")


def _summary(r: dict) -> tuple[str, str]:
    route_zh = f"{r['from_store']} → {r['to_store']}"
    route_en = f"{r['from_store_en']} → {r['to_store_en']}"
    if r["kind"] == "parts":
        return (f"{r['part_name']} × {r['qty']}：{route_zh}", f"{r['part_name_en']} × {r['qty']}: {route_en}")
    if r["kind"] == "technician_loan":
        days = f"{r['loan_from']:%m-%d}" if r["loan_from"] == r["loan_to"] else (
            f"{r['loan_from']:%m-%d}–{r['loan_to']:%m-%d}")
        return (f"借调技师 {r['technician']}（{days}）：{route_zh}",
                f"Loan of technician {r['technician']} ({days}): {route_en}")
    plate = f"（{r['plate']}）" if r.get("plate") else ""
    return (f"转介预约 #{r['booking_id']}{plate}：{route_zh}",
            f"Referral of booking #{r['booking_id']}{' (' + r['plate'] + ')' if r.get('plate') else ''}: {route_en}")


def _item(r: dict) -> InboxItem:
    zh, en = _summary(r)
    return InboxItem(
        request_id=int(r["id"]), kind=r["kind"], status=r["status"], from_store_id=int(r["from_store_id"]),
        from_store=r["from_store"], to_store_id=int(r["to_store_id"]), to_store=r["to_store"], summary=zh,
        summary_en=en, urgency=int(r["urgency"]), requested_by=r["requested_by"], requested_at=r["requested_at"],
        age_minutes=max(0, int(r["age_minutes"] or 0)), inbox=r["inbox"], impact=dict(r["impact"] or {}),
        decided_by=r["decided_by"], decided_at=r["decided_at"], decision_comment=r["decision_comment"],
        applied_at=r["applied_at"])


def _rows(conn: Conn, where: str, params: dict, order: str = "requested_at, id", limit: int | None = None
          ) -> list[InboxItem]:
    sql = f"SELECT {_COLUMNS} FROM approvals.request_view WHERE {where} ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cur = execute(conn, sql, params)
    names = list(cur.keys()) if hasattr(cur, "keys") else [d[0] for d in cur.description]
    return [_item(dict(zip(names, row, strict=True))) for row in cur.fetchall()]


def get(conn: Conn, request_id: int) -> InboxItem:
    """One request as the caller may see it; a clear sentence when it is unknown or not his to see."""
    items = _rows(conn, "id = %(id)s", {"id": request_id})
    if not items:
        raise DomainError(f"Request {request_id} is unknown. Refresh the inbox.")
    return items[0]


# --- asking ------------------------------------------------------------------------------------------------------

def _request(conn: Conn, params: dict) -> int:
    defaults = {"part": None, "qty": None, "tech": None, "loan_from": None, "loan_to": None, "booking": None,
                "impact": None, "reason": None}
    p = {**defaults, **params}
    if p["impact"] is not None:
        p["impact"] = json.dumps(p["impact"])
    rows = _call(conn, "approvals_request", """
        SELECT approvals.request(%(kind)s::text, %(from)s::integer, %(to)s::integer, %(part)s::text, %(qty)s::integer,
                                 %(tech)s::integer, %(loan_from)s::date, %(loan_to)s::date, %(booking)s::bigint,
                                 %(urgency)s::integer, %(reason)s::text, %(impact)s::jsonb, %(actor)s::text)""", p)
    return int(rows[0][0])


def request_parts(conn: Conn, to_store_id: int, from_store_id: int, part_code: str, qty: int, actor: str,
                  urgency: int = 2, reason: str | None = None, impact: dict | None = None) -> int:
    """Ask `from_store_id` for `qty` of a part for `to_store_id` (one click from the parts sources). Returns the
    request id; asking again for the same open transfer returns the same id."""
    return _request(conn, {"kind": "parts", "from": from_store_id, "to": to_store_id, "part": part_code, "qty": qty,
                           "urgency": urgency, "reason": reason, "impact": impact, "actor": actor})


def request_loan(conn: Conn, to_store_id: int, from_store_id: int, technician_id: int, day_from: date,
                 day_to: date, actor: str, urgency: int = 2, reason: str | None = None,
                 impact: dict | None = None) -> int:
    """Ask `from_store_id` to lend one of its technicians to `to_store_id` for the days day_from..day_to."""
    return _request(conn, {"kind": "technician_loan", "from": from_store_id, "to": to_store_id, "tech": technician_id,
                           "loan_from": day_from, "loan_to": day_to, "urgency": urgency, "reason": reason,
                           "impact": impact, "actor": actor})


def request_referral(conn: Conn, booking_id: int, from_store_id: int, to_store_id: int, actor: str,
                     slot_start: datetime | None = None, urgency: int = 2, reason: str | None = None,
                     impact: dict | None = None) -> int:
    """Ask to move a booking of `from_store_id` to `to_store_id` (at `slot_start`, or at its booked time)."""
    imp = dict(impact or {})
    if slot_start is not None:
        if slot_start.tzinfo is None:
            raise DomainError("The slot start needs a time zone; pass an aware datetime.")
        imp["slot_start"] = slot_start.isoformat()
    return _request(conn, {"kind": "referral", "from": from_store_id, "to": to_store_id, "booking": booking_id,
                           "urgency": urgency, "reason": reason, "impact": imp or None, "actor": actor})


def _proposal_json(p: Proposal) -> dict:
    if p.kind not in KINDS:
        raise DomainError(f"The proposal kind \"{p.kind}\" is unknown; use parts, technician_loan or referral.")
    return {"kind": p.kind, "from_store_id": p.from_store_id, "to_store_id": p.to_store_id,
            "part_code": p.part_code, "qty": p.qty, "technician_id": p.technician_id,
            "loan_from": p.loan_from.isoformat() if p.loan_from else None,
            "loan_to": p.loan_to.isoformat() if p.loan_to else None, "booking_id": p.booking_id,
            "urgency": p.urgency, "impact": p.impact or {}, "reason": p.reason, "reason_en": p.reason_en}


def submit(conn: Conn, proposals: Sequence[Proposal], run_id: int | None, actor: str) -> list[int]:
    """Hand the rebalancing service's proposals over to the inboxes in one call: each becomes a pending request in
    its region's inbox (or head office's across regions). Proposals whose move already has an open request are
    skipped; an invalid proposal refuses the whole call with a sentence naming it (nothing stored). Returns the
    ids of the requests created (sorted by move, not in the order given)."""
    if not proposals:
        return []
    rows = _call(conn, "approvals_submit", "SELECT approvals.submit(%(p)s::jsonb, %(run)s::bigint, %(actor)s::text)",
                 {"p": json.dumps([_proposal_json(p) for p in proposals]), "run": run_id, "actor": actor})
    return [int(x) for x in (rows[0][0] or [])]


# --- deciding ----------------------------------------------------------------------------------------------------

def decide(conn: Conn, request_id: int, approve: bool, comment: str | None, actor: str) -> InboxItem:
    """Approve (the transfer is applied in the same transaction) or reject one request. Someone else decided it
    first: DecisionConflict, nothing changed. An approval whose effect cannot apply (the source has fewer parts,
    the technician is already lent, no free slot for the referral): DomainError, nothing changed, still pending."""
    _call(conn, "approvals_decide", "SELECT approvals.decide(%(id)s, %(ok)s, %(c)s, %(actor)s)",
          {"id": request_id, "ok": bool(approve), "c": comment, "actor": actor})
    return get(conn, request_id)


def decide_many(conn: Conn, ids: Sequence[int], approve: bool, comment: str | None, actor: str
                ) -> tuple[list[InboxItem], list[tuple[int, str]]]:
    """Bulk approve or reject: each request on its own, in one transaction. Returns (the requests decided, and
    (request id, sentence) for each that was not: decided by someone else first, or could not be applied)."""
    if not ids:
        return [], []
    rows = _call(conn, "approvals_decide_many", """
        SELECT request_id, status, code, reason, message FROM approvals.decide_many(%(ids)s::bigint[], %(ok)s,
                                                                                    %(c)s, %(actor)s)""",
                 {"ids": list(ids), "ok": bool(approve), "c": comment, "actor": actor})
    done = [int(r[0]) for r in rows if r[1] is not None]
    refused = [(int(r[0]), str(r[4])) for r in rows if r[1] is None]
    items = _rows(conn, "id = ANY(%(ids)s)", {"ids": done}) if done else []
    return items, refused


def cancel(conn: Conn, request_id: int, actor: str) -> InboxItem:
    """The requester withdraws a request still waiting; decided already: DecisionConflict."""
    _call(conn, "approvals_cancel", "SELECT approvals.cancel(%(id)s, %(actor)s)", {"id": request_id, "actor": actor})
    return get(conn, request_id)


# --- reading -----------------------------------------------------------------------------------------------------

def inbox(conn: Conn, *, kind: str | None = None, store_id: int | None = None, urgency: int | None = None,
          min_age_minutes: int | None = None, status: str | None = "pending", mine: bool = False,
          limit: int = 200) -> list[InboxItem]:
    """The requests in the caller's inbox (head office: across regions; a regional manager: his region's; the
    owner: all), or with mine=True those he (or his store) asked for. Filters: kind, a store at either end, urgency
    (this or more urgent), at least this old, status (None: any). Most urgent first, then oldest first."""
    if kind is not None and kind not in KINDS:
        raise DomainError(f"The kind \"{kind}\" is unknown; use parts, technician_loan or referral.")
    if status is not None and status not in STATUSES:
        raise DomainError(f"The status \"{status}\" is unknown; use one of {', '.join(STATUSES)}.")
    where = ["coalesce(mine, false)" if mine else "for_me"]
    params: dict = {}
    if kind is not None:
        where.append("kind = %(kind)s")
        params["kind"] = kind
    if store_id is not None:
        where.append("(from_store_id = %(store)s OR to_store_id = %(store)s)")
        params["store"] = store_id
    if urgency is not None:
        where.append("urgency <= %(urgency)s")
        params["urgency"] = urgency
    if min_age_minutes is not None:
        where.append("requested_at <= now() - make_interval(mins => %(age)s)")
        params["age"] = int(min_age_minutes)
    if status is not None:
        where.append("status = %(status)s")
        params["status"] = status
    order = "urgency, requested_at, id" if status == "pending" else "requested_at DESC, id DESC"
    return _rows(conn, " AND ".join(where), params, order, max(1, min(int(limit), 5000)))


def my_requests(conn: Conn, *, status: str | None = None, limit: int = 200) -> list[InboxItem]:
    """What the caller (or his store) asked for, newest first, whatever their state."""
    return inbox(conn, status=status, mine=True, limit=limit)


def pending_count(conn: Conn) -> int:
    """The number on the inbox badge: requests waiting for the caller's decision (a store's staff: their own
    requests still waiting)."""
    return int(execute(conn, "SELECT approvals.pending_count()").fetchone()[0])


def history(conn: Conn, request_id: int) -> list[AuditEntry]:
    """Who did what to a request and when (asked, decided with the stock or shifts before and after, withdrawn)."""
    rows = execute(conn, "SELECT at, actor, action, details FROM approvals.history(%(id)s)",
                   {"id": request_id}).fetchall()
    return [AuditEntry(r[0], r[1], r[2], dict(r[3] or {})) for r in rows]
