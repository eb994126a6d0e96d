"""A small committed network for the approval tests and the stress benchmark: three stores (two in region N, one in
region E) with bays, technicians, shifts and stock, and console users (head office, the two regional managers,
a store manager) with their own PostgreSQL logins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import psycopg

from services.network import CHINA
from services.users import UserInfo, list_users


@dataclass
class Net:
    a1: int  # region N
    a2: int  # region N
    b1: int  # region E
    techs: dict[int, list[int]]
    users: dict[str, UserInfo]
    prefix: str


def _store(c: psycopg.Connection, code: str, name: str, region: int, lat: float, lon: float) -> int:
    return c.execute(
        """INSERT INTO store (code, name_zh, name_en, region_id, province_code, city_zh, city_en, lat, lon,
               store_type, size, opens_at, closes_at, rollout_wave, go_live_date)
           VALUES (%s, %s, %s, %s, '11', '北京', 'Beijing', %s, %s, 'direct', 'small', '08:30', '18:00', 0,
               '2026-06-01') RETURNING id""", (code, name, name.replace("店", " store"), region, lat, lon)).fetchone()[0]


def build(c: psycopg.Connection, prefix: str, stock: int = 20, shift_days: int = 3) -> Net:
    """Creates the network (codes and logins start with `prefix`) and commits it."""
    p = prefix.upper()
    a1 = _store(c, f"{p}A1", f"{prefix}望京店", 1, 39.99, 116.47)
    a2 = _store(c, f"{p}A2", f"{prefix}中关村店", 1, 39.98, 116.31)
    b1 = _store(c, f"{p}B1", f"{prefix}廊坊东店", 3, 39.52, 116.70)
    techs: dict[int, list[int]] = {}
    today = datetime.now(CHINA).date()
    for sid in (a1, a2, b1):
        c.execute("INSERT INTO bay (store_id, kind, name) VALUES (%s, 'lift', 'L1'), (%s, 'lift', 'L2')", (sid, sid))
        techs[sid] = [c.execute("""INSERT INTO technician (home_store_id, name, skills, level, rating)
                                   VALUES (%s, %s, ARRAY['maintenance','tyres','diagnostics','electrical'], 3, 88)
                                   RETURNING id""", (sid, f"{n}师傅")).fetchone()[0] for n in ("张", "王", "刘")]
        for t in techs[sid]:
            for k in range(shift_days):
                d = today + timedelta(days=k)
                c.execute("""INSERT INTO shift (technician_id, store_id, work_date, period, break_period)
                             VALUES (%s, %s, %s, tstzrange(%s, %s), tstzrange(%s, %s))""",
                          (t, sid, d, _at(d, 8, 30), _at(d, 18, 0), _at(d, 12, 0), _at(d, 13, 0)))
        c.execute("INSERT INTO stock (store_id, part_id, qty) SELECT %s, id, %s FROM part", (sid, stock))
    lg = prefix.lower()
    c.execute("INSERT INTO app_user (login, display_name, role) VALUES (%s, '总部', 'hq')", (f"{lg}.hq",))
    c.execute("INSERT INTO app_user (login, display_name, role, region_id) VALUES (%s, '华北经理', 'region', 1)",
              (f"{lg}.rn",))
    c.execute("INSERT INTO app_user (login, display_name, role, region_id) VALUES (%s, '华北经理二', 'region', 1)",
              (f"{lg}.rn2",))
    c.execute("INSERT INTO app_user (login, display_name, role, region_id) VALUES (%s, '华东经理', 'region', 3)",
              (f"{lg}.re",))
    c.execute("INSERT INTO app_user (login, display_name, role, store_id) VALUES (%s, '望京店长', 'store', %s)",
              (f"{lg}.sa1", a1))
    c.execute("INSERT INTO app_user (login, display_name, role, store_id) VALUES (%s, '中关村店长', 'store', %s)",
              (f"{lg}.sa2", a2))
    for login in ("hq", "rn", "rn2", "re", "sa1", "sa2"):
        c.execute("SELECT scope.ensure_login_role(%s)", (f"{lg}.{login}",))
    users = {u.login.split(".", 1)[1]: u for u in list_users(c) if u.login.startswith(lg + ".")}
    c.commit()
    return Net(a1, a2, b1, techs, users, prefix)


def _at(d: date, h: int, m: int) -> datetime:
    return datetime.combine(d, time(h, m), tzinfo=CHINA)


def qty(c: psycopg.Connection, store_id: int, part_code: str) -> int:
    return c.execute("SELECT k.qty FROM stock k JOIN part p ON p.id = k.part_id WHERE k.store_id = %s AND p.code = %s",
                     (store_id, part_code)).fetchone()[0]
