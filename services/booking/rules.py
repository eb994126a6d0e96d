"""Off-peak pricing rules in the database: loading them, and saving them (head office only, with an audit row)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from services.booking._db import DB_ERRORS, Conn, execute, savepoint, sql_error
from services.booking.pricing import validate
from services.model import DomainError, PricingRule


def load_rules(conn: Conn) -> tuple[PricingRule, ...]:
    """The rules in force and switched off, in id order. Runs on a worker thread."""
    rows = execute(conn, "SELECT id, name, load_below, discount_pct, weekdays, hour_from, hour_to, active "
                         "FROM pricing_rule ORDER BY id").fetchall()
    return tuple(PricingRule(int(r[0]), r[1], float(r[2]), float(r[3]), tuple(int(d) for d in r[4]), int(r[5]),
                             int(r[6]), bool(r[7])) for r in rows)


def rules_changed_at(conn: Conn) -> datetime | None:
    """When HQ last changed the off-peak rules (None: never since they were installed)."""
    return execute(conn, "SELECT max(updated_at) FROM pricing_rule").fetchone()[0]


def save_rules(conn: Conn, rules: Sequence[PricingRule], actor: str) -> tuple[PricingRule, ...]:
    """Replace the rules (rules without an id are new; rules left out are removed). Head office only: anyone else
    gets a DomainError and nothing changes. Runs in the caller's transaction (commit it). Worker thread."""
    names: set[str] = set()
    for rule in rules:
        problem = validate(rule)
        if problem:
            raise DomainError(f"{rule.name or 'A rule'}: {problem}" if rule.name.strip() else problem)
        key = rule.name.strip()
        if key in names:
            raise DomainError(f"Two rules are called “{key}”; give each rule its own name.")
        names.add(key)
    payload = [{"id": r.id, "name": r.name.strip(), "load_below": r.load_below, "discount_pct": r.discount_pct,
                "weekdays": sorted(set(r.weekdays)), "hour_from": r.hour_from, "hour_to": r.hour_to,
                "active": r.active} for r in rules]
    try:
        with savepoint(conn, "save_rules"):
            execute(conn, "SELECT booking.save_pricing_rules(%(r)s::jsonb, %(a)s)",
                    {"r": json.dumps(payload, ensure_ascii=False), "a": actor})
    except DB_ERRORS as exc:
        err = sql_error(exc)
        if err and err.sqlstate == "AS403":
            raise DomainError("Only head office may change the off-peak pricing rules.") from exc
        if err and err.sqlstate in ("AS422", "23514", "23505"):
            raise DomainError(f"The pricing rules were not saved: {err.message}") from exc
        raise
    return load_rules(conn)
