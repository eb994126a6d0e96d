"""Alerts on the real database: every rule, escalation and resolution, complaints, acknowledgement, concurrency."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, replace
from datetime import datetime, timedelta

import psycopg
import pytest

from services import alerts
from services.model import DomainError
from services.network import CHINA
from tests.conftest import make_scratch_database


def ev() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def noon() -> datetime:
    """The latest 12:00 China time at least 10 minutes ago: inside opening hours, and recent enough for the
    terminal contract (it refuses events over 7 days old) whatever time of day the tests run."""
    now = datetime.now(CHINA)
    twelve = now.replace(hour=12, minute=0, second=0, microsecond=0)
    return twelve if twelve <= now - timedelta(minutes=10) else twelve - timedelta(days=1)


def make_store(conn, *, bays: int = 3, go_live: str = "2026-01-01", last_write: datetime | None = None) -> dict:
    """A store of our own (08:30–18:00, lifts, one technician per bay), so no other test's rows get in the way.
    `last_write` is its terminals' last write (default: none recorded)."""
    code = "AL" + uuid.uuid4().hex[:6].upper()
    sid = conn.execute(
        """INSERT INTO store (code, name_zh, name_en, region_id, province_code, city_zh, city_en, lat, lon,
               store_type, size, opens_at, closes_at, rollout_wave, go_live_date)
           VALUES (%s, %s, %s, 5, '44', '广州', 'Guangzhou', 23.1, 113.3, 'direct', 'small', '08:30', '18:00', 1, %s)
           RETURNING id""", (code, f"警报测试店{code}", f"Alert test {code}", go_live)).fetchone()[0]
    bay_ids = [conn.execute("INSERT INTO bay (store_id, kind, name) VALUES (%s, 'lift', %s) RETURNING id",
                            (sid, f"L{n}")).fetchone()[0] for n in range(bays)]
    techs = [conn.execute("""INSERT INTO technician (home_store_id, name, skills, level, rating)
                             VALUES (%s, %s, ARRAY['maintenance', 'tyres'], 3, 90) RETURNING id""",
                          (sid, f"师傅{n}")).fetchone()[0] for n in range(bays)]
    if last_write is not None:
        set_last_write(conn, sid, last_write)
    return {"id": sid, "code": code, "bays": bay_ids, "techs": techs}


def set_last_write(conn, store_id: int, at: datetime) -> None:
    conn.execute("""INSERT INTO terminal.store_activity (store_id, last_write_at) VALUES (%s, %s)
                    ON CONFLICT (store_id) DO UPDATE SET last_write_at = excluded.last_write_at""", (store_id, at))


def check_in(conn, store: dict, at: datetime) -> int:
    plate = "粤" + uuid.uuid4().hex[:6].upper()
    return conn.execute("SELECT terminal.check_in(%s, %s, %s, ARRAY['MAINT_MINOR'], p_actor => 'pad', p_at => %s)",
                        (ev(), store["id"], plate, at)).fetchone()[0]


def start(conn, store: dict, wo: int, n: int, at: datetime) -> None:
    conn.execute("SELECT terminal.start_job(%s, %s, %s, %s, 'pad', %s)",
                 (ev(), wo, store["bays"][n], store["techs"][n], at))


def open_alert(conn, store: dict, kind: str):
    """(id, severity, message, details, acknowledged_by, raised_at) of the store's open alert of a kind, or None;
    and there is never more than one."""
    rows = conn.execute("""SELECT id, severity, message, details, acknowledged_by, raised_at FROM alert
                           WHERE store_id = %s AND kind = %s AND resolved_at IS NULL""",
                        (store["id"], kind)).fetchall()
    assert len(rows) <= 1
    return rows[0] if rows else None


def kinds_open(conn, store: dict) -> set[str]:
    return {r[0] for r in conn.execute("SELECT kind FROM alert WHERE store_id = %s AND resolved_at IS NULL",
                                       (store["id"],)).fetchall()}


def past_work_order(conn, store: dict, checked_in: datetime, *, bay: int | None = None, minutes: int = 60,
                    rework_of: int | None = None) -> int:
    """A finished and delivered work order written straight into the tables (history older than the terminal
    contract accepts), with its service job on `bay` when given."""
    vid, cid = conn.execute("SELECT (v).id, (v).customer_id FROM terminal._vehicle(%s, NULL, NULL, %s) v",
                            ("粤H" + uuid.uuid4().hex[:5].upper(), store["id"])).fetchone()
    started, finished = checked_in, checked_in + timedelta(minutes=minutes)
    wo = conn.execute(
        """INSERT INTO work_order (store_id, requested_store_id, customer_id, vehicle_id, status, checked_in_at,
               started_at, finished_at, qc_done_at, delivered_at, amount, rework_of)
           VALUES (%s, %s, %s, %s, 'delivered', %s, %s, %s, %s, %s, 450, %s) RETURNING id""",
        (store["id"], store["id"], cid, vid, checked_in, started, finished, finished, finished, rework_of)
    ).fetchone()[0]
    if bay is not None:
        conn.execute("""INSERT INTO job (work_order_id, store_id, bay_id, technician_id, period, status)
                        VALUES (%s, %s, %s, %s, tstzrange(%s, %s), 'done')""",
                     (wo, store["id"], store["bays"][bay], store["techs"][bay], started, finished))
    return wo


# --- wait_over_threshold ------------------------------------------------------------------------------------------

def test_wait_alert_fires_escalates_in_place_and_resolves(conn, noon):
    s = make_store(conn, last_write=noon)
    normal = make_store(conn, last_write=noon)
    t0 = noon - timedelta(hours=3)
    waiting = [check_in(conn, s, t0) for _ in range(3)]
    check_in(conn, normal, t0 + timedelta(minutes=90))  # waits 70 minutes at most below

    alerts.evaluate(conn, t0 + timedelta(minutes=100), commit=False)  # 1.67 h
    first = open_alert(conn, s, "wait_over_threshold")
    assert first[1] == "warning"
    assert first[2] == "等待超时：3 辆车已等待超过 1.5 小时（最长 1.7 小时）"
    assert first[3]["waiting"] == 3 and first[3]["over_warning"] == 3 and first[3]["longest_wait_hours"] == 1.67
    assert open_alert(conn, normal, "wait_over_threshold") is None
    alerts.acknowledge(conn, first[0], "hq.test", commit=False)

    alerts.evaluate(conn, t0 + timedelta(minutes=105), commit=False)  # hardly worse: left as it is
    assert open_alert(conn, s, "wait_over_threshold")[1:5] == (first[1], first[2], first[3], "hq.test")

    alerts.evaluate(conn, t0 + timedelta(minutes=160), commit=False)  # 2.67 h: critical, the same alert
    worse = open_alert(conn, s, "wait_over_threshold")
    assert worse[0] == first[0] and worse[5] == first[5]
    assert worse[1] == "critical"
    assert worse[2] == "等待超时：3 辆车已等待超过 2.5 小时（最长 2.7 小时）"
    assert worse[4] is None  # a worse alert needs someone's attention again
    assert "escalated_at" in worse[3]
    assert open_alert(conn, normal, "wait_over_threshold") is None

    for wo in waiting:  # the customers gave up and left: nobody waits any more
        conn.execute("SELECT terminal.set_status(%s, %s, 'cancelled', 'pad', %s)", (ev(), wo,
                     t0 + timedelta(minutes=165)))
    at = t0 + timedelta(minutes=170)
    result = alerts.evaluate(conn, at, commit=False)
    assert result.resolved >= 1 and not result.skipped
    assert open_alert(conn, s, "wait_over_threshold") is None
    assert "wait_over_threshold" not in {a.kind for a in alerts.list_alerts(conn, store_id=s["id"])}
    gone = alerts.list_alerts(conn, store_id=s["id"], include_resolved=True)
    assert [(a.id, a.resolved_at) for a in gone if a.kind == "wait_over_threshold"] == [(first[0], at)]


def test_wait_alert_on_todays_mean_wait(conn, noon):
    s = make_store(conn, last_write=noon)
    few = make_store(conn, last_write=noon)
    t0 = noon - timedelta(hours=3)
    for store, n in ((s, 3), (few, 2)):
        for i in range(n):
            start(conn, store, check_in(conn, store, t0), i, t0 + timedelta(hours=2))
    alerts.evaluate(conn, t0 + timedelta(hours=2, minutes=10), commit=False)
    alert = open_alert(conn, s, "wait_over_threshold")
    assert alert[1] == "warning"
    assert alert[2] == "等待超时：今日平均等待 2.0 小时（3 辆车），超过 1.5 小时"
    assert open_alert(conn, few, "wait_over_threshold") is None  # two vehicles are too few for a mean


def test_thresholds_drive_the_rules(conn, noon):
    s = make_store(conn, last_write=noon)
    check_in(conn, s, noon - timedelta(minutes=40))
    alerts.evaluate(conn, noon, commit=False)
    assert open_alert(conn, s, "wait_over_threshold") is None
    alerts.save_thresholds(conn, {"wait_warning_hours": 0.5, "wait_critical_hours": 1.0}, "hq.test", commit=False)
    alerts.evaluate(conn, noon, commit=False)
    assert open_alert(conn, s, "wait_over_threshold")[2] == "等待超时：1 辆车已等待超过 0.5 小时（最长 0.7 小时）"


# --- utilization --------------------------------------------------------------------------------------------------

def test_utilization_high_needs_saturation_and_a_queue(conn, noon):
    s = make_store(conn, last_write=noon)
    normal = make_store(conn, last_write=noon)
    for store, busy in ((s, 3), (normal, 1)):
        for i in range(busy):
            start(conn, store, check_in(conn, store, noon - timedelta(minutes=150)), i,
                  noon - timedelta(minutes=145))
        check_in(conn, store, noon - timedelta(minutes=20))
        check_in(conn, store, noon - timedelta(minutes=20))
    alerts.evaluate(conn, noon, commit=False)
    alert = open_alert(conn, s, "utilization_high")
    assert alert[1] == "warning"
    assert alert[2] == "工位饱和：近 2.0 小时工位利用率 100%，2 辆车在排队"
    assert alert[3]["utilization"] == 1.0 and alert[3]["waiting"] == 2
    assert open_alert(conn, normal, "utilization_high") is None  # a third of the bays busy: no saturation

    check_in(conn, s, noon - timedelta(minutes=10))  # the queue is now as long as the store has bays
    alerts.evaluate(conn, noon, commit=False)
    again = open_alert(conn, s, "utilization_high")
    assert (again[0], again[1]) == (alert[0], "critical")


def _usual_mornings(conn, store: dict, noon: datetime) -> None:
    """The same weekday in the last four weeks: all three bays busy 08:30–11:18 (80 % of the morning to noon)."""
    for week in range(1, 5):
        day = noon - timedelta(days=7 * week)
        for bay in range(3):
            past_work_order(conn, store, day.replace(hour=8, minute=30), bay=bay, minutes=168)


def test_utilization_low_against_the_stores_own_usual_level(conn, noon):
    collapse, quiet, normal = (make_store(conn, last_write=noon) for _ in range(3))
    for store in (collapse, quiet, normal):
        _usual_mornings(conn, store, noon)
    past_work_order(conn, collapse, noon.replace(hour=9), bay=0, minutes=60)  # 60 of 630 bay-minutes: 10 %
    past_work_order(conn, quiet, noon.replace(hour=8, minute=30), bay=0, minutes=189)  # 30 %
    for bay in range(3):
        past_work_order(conn, normal, noon.replace(hour=8, minute=30), bay=bay, minutes=160)
    alerts.evaluate(conn, noon, commit=False)
    low = open_alert(conn, collapse, "utilization_low")
    assert low[1] == "warning"
    assert low[2] == "工位利用率偏低：今日至今 10%，本店同期通常 80%"
    assert low[3]["baseline_days"] == 4
    assert open_alert(conn, quiet, "utilization_low")[1] == "info"
    assert open_alert(conn, normal, "utilization_low") is None

    check_in(conn, collapse, noon - timedelta(minutes=30))  # idle bays while vehicles wait: a breakdown
    check_in(conn, collapse, noon - timedelta(minutes=30))
    alerts.evaluate(conn, noon, commit=False)
    worse = open_alert(conn, collapse, "utilization_low")
    assert (worse[0], worse[1]) == (low[0], "critical")
    assert worse[2].endswith("，却有 2 辆车在等待")


# --- rework_anomaly -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rolled_up", [True, False], ids=["kpi-rollup", "work-orders-only"])
def test_rework_anomaly_against_the_stores_own_baseline(conn, noon, rolled_up):
    stores = {name: make_store(conn, bays=1, last_write=noon) for name in ("high", "higher", "normal", "small")}
    for name, s in stores.items():
        first = None
        # 90-day baseline: 400 vehicles (the small store: 100), 4 of them rework visits (1 %)
        for i in range(400 if name != "small" else 100):
            at = (noon - timedelta(days=7 + i % 90)).replace(hour=9) + timedelta(minutes=i // 90)
            wo = past_work_order(conn, s, at, rework_of=first if 0 < i <= 4 else None)
            first = first or wo
        # the last 7 days: 60 vehicles, with 5, 8, 1 and 8 rework visits
        reworks = {"high": 5, "higher": 8, "normal": 1, "small": 8}[name]
        for i in range(60):
            at = (noon - timedelta(days=1 + i % 6)).replace(hour=10) + timedelta(minutes=i // 6)
            past_work_order(conn, s, at, rework_of=first if i < reworks else None)
    if rolled_up:
        conn.execute("SELECT kpi.refresh(%s, %s)", (noon.date() - timedelta(days=100), noon.date()))
    else:
        conn.execute("DELETE FROM kpi.store_day")
    alerts.evaluate(conn, noon, commit=False)
    high = open_alert(conn, stores["high"], "rework_anomaly")
    assert high[1] == "warning"
    assert high[2] == "返工异常：近 7 天返工率 8.3%（5/60），本店此前 90 天为 1.0%"
    assert 3 <= high[3]["z"] < 4.5
    assert open_alert(conn, stores["higher"], "rework_anomaly")[1] == "critical"
    assert open_alert(conn, stores["normal"], "rework_anomaly") is None
    assert open_alert(conn, stores["small"], "rework_anomaly") is None  # a baseline of 100 vehicles is too small


# --- complaint ----------------------------------------------------------------------------------------------------

def complain(conn, store: dict, text: str = "等了三个小时没人管", at: datetime | None = None) -> int:
    return conn.execute("SELECT terminal.complain(%s, %s, %s, p_at => %s)", (ev(), store["id"], text, at)
                        ).fetchone()[0]


def test_complaint_raises_at_once_and_clears_after_its_window(conn):
    s = make_store(conn)
    complain(conn, s)
    alert = open_alert(conn, s, "complaint")  # the same transaction, no evaluation needed
    assert alert[1] == "warning"
    assert alert[2] == "客户投诉：过去 24 小时收到 1 条投诉（最近一条：等了三个小时没人管）"
    alerts.acknowledge(conn, alert[0], "hq.test", commit=False)
    complain(conn, s, "价格和预约时说的不一样")
    complain(conn, s, "交车时间比承诺的晚")
    worse = open_alert(conn, s, "complaint")
    assert (worse[0], worse[1]) == (alert[0], "critical")
    assert worse[2] == "客户投诉：过去 24 小时收到 3 条投诉（最近一条：交车时间比承诺的晚）"
    assert worse[4] is None  # a new complaint needs someone's attention again

    alerts.evaluate(conn, commit=False)  # the evaluation agrees: the same alert stays open, unchanged
    assert open_alert(conn, s, "complaint")[:3] == worse[:3]
    now = conn.execute("SELECT now()").fetchone()[0]
    alerts.evaluate(conn, now + timedelta(hours=25), commit=False)
    assert open_alert(conn, s, "complaint") is None


def test_complaint_alert_resolves_when_the_complaints_are_resolved(conn):
    s = make_store(conn)
    complain(conn, s)
    conn.execute("UPDATE complaint SET status = 'resolved' WHERE store_id = %s", (s["id"],))
    alerts.evaluate(conn, commit=False)
    assert open_alert(conn, s, "complaint") is None


def _drain(listener: psycopg.Connection, seconds: float) -> list[dict]:
    return [json.loads(n.payload) for n in listener.notifies(timeout=seconds) if n.channel == "aftersales"]


def test_complaint_alert_is_notified_with_the_write_only_after_commit(database):
    with database.connect() as setup:
        s = make_store(setup, bays=0)
        setup.commit()
    try:
        with database.connect(autocommit=True) as listener, database.connect() as terminal, \
                database.connect() as other:
            listener.execute("LISTEN aftersales")
            complain(terminal, s)
            assert open_alert(terminal, s, "complaint") is not None
            assert open_alert(other, s, "complaint") is None  # not committed: nobody else sees it
            assert _drain(listener, 0.5) == []
            terminal.commit()
            got = _drain(listener, 2)
            assert {"store": s["id"], "kind": "alert"} in got
            assert got.count({"store": s["id"], "kind": "alert"}) == 1
            other.rollback()
            assert open_alert(other, s, "complaint") is not None
    finally:
        _drop_store(database, s["id"])


def _drop_store(database, store_id: int) -> None:
    with database.connect() as c:
        for sql in ("DELETE FROM alert WHERE store_id = %s", "DELETE FROM complaint WHERE store_id = %s",
                    "DELETE FROM terminal.event_ledger WHERE store_id = %s",
                    "DELETE FROM terminal.store_activity WHERE store_id = %s",
                    "DELETE FROM technician WHERE home_store_id = %s", "DELETE FROM bay WHERE store_id = %s",
                    "DELETE FROM store WHERE id = %s"):
            c.execute(sql, (store_id,))
        c.commit()


# --- terminals_silent ---------------------------------------------------------------------------------------------

def test_terminals_silent_only_for_live_stores_in_opening_hours(conn, noon):
    s = make_store(conn, last_write=noon - timedelta(minutes=40))
    fine = make_store(conn, last_write=noon - timedelta(minutes=5))
    not_live = make_store(conn, go_live=(noon + timedelta(days=1)).date().isoformat(),
                          last_write=noon - timedelta(minutes=90))
    alerts.evaluate(conn, noon, commit=False)
    alert = open_alert(conn, s, "terminals_silent")
    assert alert[1] == "warning"
    assert alert[2] == "终端静默：已 40 分钟没有任何数据写入（最后写入 11:20）"
    assert open_alert(conn, fine, "terminals_silent") is None
    assert kinds_open(conn, not_live) == set()

    set_last_write(conn, s["id"], noon - timedelta(minutes=90))
    alerts.evaluate(conn, noon, commit=False)
    assert open_alert(conn, s, "terminals_silent")[:2] == (alert[0], "critical")

    alerts.evaluate(conn, noon.replace(hour=19), commit=False)  # closed for the day: silence is expected
    assert open_alert(conn, s, "terminals_silent") is None

    set_last_write(conn, s["id"], noon - timedelta(days=1))
    alerts.evaluate(conn, noon.replace(hour=8, minute=40), commit=False)  # opened 10 minutes ago
    assert open_alert(conn, s, "terminals_silent") is None
    alerts.evaluate(conn, noon.replace(hour=8, minute=50), commit=False)
    assert open_alert(conn, s, "terminals_silent")[2] == "终端静默：今天开门 20 分钟以来没有任何数据写入"


def test_a_normal_store_raises_nothing(conn, noon):
    s = make_store(conn, last_write=noon - timedelta(minutes=2))
    _usual_mornings(conn, s, noon)
    for bay in range(3):
        past_work_order(conn, s, noon.replace(hour=8, minute=40), bay=bay, minutes=150)
    start(conn, s, check_in(conn, s, noon - timedelta(minutes=50)), 0, noon - timedelta(minutes=30))
    check_in(conn, s, noon - timedelta(minutes=15))
    alerts.evaluate(conn, noon, commit=False)
    assert kinds_open(conn, s) == set()


# --- reading and acknowledging ------------------------------------------------------------------------------------

def test_list_and_counts_for_the_map(conn, noon):
    s = make_store(conn, last_write=noon - timedelta(minutes=90))
    complain(conn, s, at=noon - timedelta(minutes=100))  # a terminal write before the last one
    alerts.evaluate(conn, noon, commit=False)
    items = alerts.list_alerts(conn, store_id=s["id"])
    assert {a.kind for a in items} == {"complaint", "terminals_silent"}
    assert all(a.store_code == s["code"] and a.region_code == "S" and a.store_name.startswith("警报测试店")
               for a in items)
    assert [a.raised_at for a in items] == sorted((a.raised_at for a in items), reverse=True)
    assert s["id"] in {a.store_id for a in alerts.list_alerts(conn, region_code="S", limit=1000)}
    assert s["id"] not in {a.store_id for a in alerts.list_alerts(conn, region_code="N", limit=1000)}
    counts = alerts.open_alert_counts(conn)
    assert counts[s["id"]] == (2, "critical")
    quiet = make_store(conn)
    assert alerts.open_alert_counts(conn)[quiet["id"]] == (0, None)


@pytest.fixture
def committed_alert(database):
    """A committed store, an alert on it and a user 张艳 (fresh ids), removed afterwards."""
    login = "al." + uuid.uuid4().hex[:8]
    with database.connect() as c:
        s = make_store(c, bays=0)
        c.execute("INSERT INTO app_user (login, display_name, role) VALUES (%s, '张艳', 'hq')", (login,))
        alert_id = c.execute("""INSERT INTO alert (store_id, kind, severity, message)
                                VALUES (%s, 'wait_over_threshold', 'warning', '等待超时：测试') RETURNING id""",
                             (s["id"],)).fetchone()[0]
        c.commit()
    yield alert_id, login, s
    _drop_store(database, s["id"])
    with database.connect() as c:
        c.execute("DELETE FROM app_user WHERE login = %s", (login,))
        c.commit()


def test_acknowledge_is_seen_from_a_second_connection(database, committed_alert):
    alert_id, login, s = committed_alert
    with database.connect() as first, database.connect() as second:
        assert alerts.get_alert(second, alert_id).acknowledged_by is None
        second.rollback()
        item = alerts.acknowledge(first, alert_id, login)  # commits
        assert item.acknowledged_by == "张艳" and item.acknowledged_at is not None
        seen = alerts.list_alerts(second, store_id=s["id"])
        assert [(a.id, a.acknowledged_by, a.acknowledged_at) for a in seen] == [(alert_id, "张艳",
                                                                                 item.acknowledged_at)]
        assert alerts.acknowledge(first, alert_id, login).acknowledged_at == item.acknowledged_at  # idempotent
        with pytest.raises(DomainError) as info:
            alerts.acknowledge(second, alert_id, "someone.else")
        clock = item.acknowledged_at.astimezone(CHINA).strftime("%H:%M")
        assert str(info.value) == f"这条警报已由 张艳 于 {clock} 确认，无需再次确认。"
        audit = second.execute("SELECT actor, count(*) FROM audit_log WHERE action = 'acknowledge' "
                               "AND entity = 'alert' AND entity_id = %s GROUP BY actor", (str(alert_id),)).fetchall()
        assert audit == [(login, 1)]
        with pytest.raises(DomainError, match="没有编号为 0 的警报"):
            alerts.acknowledge(second, 0, login)


def test_two_consoles_acknowledging_at_once_get_one_winner(database, committed_alert):
    alert_id, _, _ = committed_alert
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def console(user: str) -> None:
        with database.connect() as c:
            barrier.wait()
            try:
                alerts.acknowledge(c, alert_id, user)
                outcomes.append("won")
            except DomainError as exc:
                outcomes.append(str(exc))

    threads = [threading.Thread(target=console, args=(u,)) for u in ("console.one", "console.two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(outcomes)[0] == "won" and outcomes.count("won") == 1
    assert "已由 console." in [o for o in outcomes if o != "won"][0]


def test_the_apps_sqlalchemy_connections_work_too(database, committed_alert, noon):
    alert_id, login, s = committed_alert
    with database.engine.connect() as sa:  # what the console's db pool hands the services
        assert [a.id for a in alerts.list_alerts(sa, store_id=s["id"])] == [alert_id]
        assert alerts.open_alert_counts(sa)[s["id"]] == (1, "warning")
        assert alerts.load_thresholds(sa) == alerts.AlertThresholds()
        assert alerts.acknowledge(sa, alert_id, login).acknowledged_by == "张艳"  # commits
        assert not alerts.evaluate(sa, noon, commit=False).skipped
        sa.rollback()
    with database.connect() as c:
        assert alerts.get_alert(c, alert_id).acknowledged_by == "张艳"


def test_acknowledging_needs_a_user(conn):
    with pytest.raises(DomainError, match="请先登录"):
        alerts.acknowledge(conn, 1, "  ")


# --- concurrency --------------------------------------------------------------------------------------------------

def test_a_second_evaluation_meanwhile_returns_at_once(database, conn):
    assert not alerts.evaluate(conn, commit=False).skipped  # holds the evaluation lock until rolled back
    with database.connect() as other:
        t = time.perf_counter()
        result = alerts.evaluate(other, commit=False)
        assert result.skipped and (result.raised, result.updated, result.resolved) == (0, 0, 0)
        assert time.perf_counter() - t < 1
        other.rollback()


@pytest.fixture(scope="module")
def scratch(database):
    db = make_scratch_database(database, "aftersales_test_alerts")
    yield db
    db.dispose()


def test_concurrent_evaluations_and_complaints_never_duplicate(scratch):
    with scratch.connect() as c:
        stores = [make_store(c, bays=0) for _ in range(5)]
        for s in stores:
            complain(c, s)
        c.execute("DELETE FROM alert")  # as if the trigger had not run: the evaluations must raise them
        c.commit()
    errors: list[BaseException] = []
    results: list[alerts.EvaluationResult] = []

    def run(work) -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - every failure is the test's business
            errors.append(exc)

    def evaluations(rounds: int) -> None:
        with scratch.connect() as c:
            for _ in range(rounds):
                results.append(alerts.evaluate(c))

    def complaints() -> None:
        with scratch.connect() as c:
            for n in range(10):
                complain(c, stores[n % len(stores)], f"第 {n} 条投诉")
                c.commit()

    with scratch.connect(autocommit=True) as listener:
        listener.execute("LISTEN aftersales")
        threads = [threading.Thread(target=run, args=(lambda: evaluations(3),)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert sum(r.raised for r in results) == len(stores)  # each raised once, by whichever evaluation ran
        notified = Counter(p["store"] for p in _drain(listener, 1) if p["kind"] == "alert")
        assert notified == Counter({s["id"]: 1 for s in stores})  # one NOTIFY per store touched, once

    threads = [threading.Thread(target=run, args=(complaints,))]
    threads += [threading.Thread(target=run, args=(lambda: evaluations(5),)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with scratch.connect() as c:
        rows = c.execute("""SELECT a.store_id, count(*), max((a.details->>'latest_complaint_id')::bigint),
                                   (SELECT max(id) FROM complaint x WHERE x.store_id = a.store_id)
                            FROM alert a WHERE a.kind = 'complaint' AND a.resolved_at IS NULL
                            GROUP BY a.store_id ORDER BY 1""").fetchall()
        # one open complaint alert per store, and it tells of the newest complaint whatever the interleaving
        assert [(r[0], r[1], r[2]) for r in rows] == [(s["id"], 1, r[3]) for s, r in zip(stores, rows, strict=True)]


# --- thresholds ---------------------------------------------------------------------------------------------------

def test_thresholds_round_trip_with_an_audit_row(conn):
    sql_defaults = conn.execute("SELECT alerts.default_thresholds()").fetchone()[0]
    assert sql_defaults == asdict(alerts.AlertThresholds())  # the two definitions agree
    assert alerts.load_thresholds(conn) == alerts.AlertThresholds()
    saved = alerts.save_thresholds(conn, {"wait_warning_hours": 1.0, "complaint_critical_count": 2}, "hq.test",
                                   commit=False)
    assert (saved.wait_warning_hours, saved.complaint_critical_count) == (1.0, 2)
    assert alerts.load_thresholds(conn) == saved
    audit = conn.execute("SELECT actor, details FROM audit_log WHERE entity = 'app_setting' "
                         "AND entity_id = 'alert_thresholds' ORDER BY id DESC LIMIT 1").fetchone()
    assert audit == ("hq.test", {"wait_warning_hours": [1.5, 1.0], "complaint_critical_count": [3, 2]})
    whole = alerts.save_thresholds(conn, replace(saved, silent_warning_minutes=20), "hq.test", commit=False)
    assert alerts.load_thresholds(conn) == whole and whole.silent_warning_minutes == 20
    assert conn.execute("SELECT updated_by FROM app_setting WHERE key = 'alert_thresholds'").fetchone()[0] == "hq.test"


@pytest.mark.parametrize(("change", "sentence"), [
    ({"wait_warning_hours": -1}, "等待超时的警告时长（小时）必须大于 0，现在是 -1。"),
    ({"wait_critical_hours": 1.2}, "等待超时的严重时长（小时）（1.2）必须大于等待超时的警告时长（小时）（1.5）。"),
    ({"utilization_high_ratio": 1.5}, "工位饱和的利用率不能超过 1，现在是 1.5。"),
    ({"queue_min_vehicles": 2.5}, "算作排队的最少等待车辆数必须是整数，现在是 2.5。"),
    ({"silent_warning_minutes": "十五"}, "终端静默的警告时长（分钟）必须是一个数字，现在是“十五”。"),
    ({"wait_warning_hours": True}, "等待超时的警告时长（小时）必须是一个数字，现在是“True”。"),
    ({"wait_warnings": 1}, "没有名为“wait_warnings”的警报阈值；请检查设置项的名称。"),
])
def test_bad_thresholds_are_refused_with_one_sentence(conn, change, sentence):
    with pytest.raises(DomainError) as info:
        alerts.save_thresholds(conn, change, "hq.test", commit=False)
    assert str(info.value) == sentence
    assert alerts.load_thresholds(conn) == alerts.AlertThresholds()


def test_the_database_refuses_bad_thresholds_from_any_caller(conn):
    with pytest.raises(psycopg.Error) as info, conn.transaction():
        conn.execute("""SELECT alerts.save_thresholds('{"wait_warning_hours": -1}', 'someone')""")
    assert info.value.sqlstate == "AS422"


# --- scope: each console logs in as its own database role (revision 0005) --------------------------------------------

def test_consoles_act_as_themselves_and_within_their_scope(demo_db):
    from services.users import as_user, list_users

    db, _ = demo_db
    with db.connect() as c:
        users = {u.login: u for u in list_users(c)}
        east = c.execute("SELECT min(s.id) FROM store s JOIN region r ON r.id = s.region_id WHERE r.code = 'E'"
                         ).fetchone()[0]
        alert_id = c.execute("""INSERT INTO alert (store_id, kind, severity, message)
                                VALUES (%s, 'rework_anomaly', 'warning', '返工异常：测试') RETURNING id""",
                             (east,)).fetchone()[0]
        c.commit()
    try:
        with as_user(db, users["region.n"]).connect() as north:
            # any console may evaluate (the state is the network's), and sees the alerts of its scope only
            assert alerts.evaluate(north, datetime(2026, 10, 30, 10, 0, tzinfo=CHINA), commit=False).raised > 0
            assert {a.region_code for a in alerts.list_alerts(north)} == {"N"}
            north.rollback()
            with pytest.raises(DomainError, match=f"编号为 {alert_id} 的警报不在你负责的范围内"):
                alerts.acknowledge(north, alert_id, "region.n")
            with pytest.raises(DomainError, match="只有总部可以修改警报阈值"):
                alerts.save_thresholds(north, {"wait_warning_hours": 1.0}, "region.n")
        with as_user(db, users["hq.zhang"]).connect() as hq:
            item = alerts.acknowledge(hq, alert_id, "someone.else")  # recorded as the session's user
            assert item.acknowledged_by == users["hq.zhang"].display_name
            assert alerts.save_thresholds(hq, {"wait_warning_hours": 1.0}, "x", commit=False).wait_warning_hours == 1
            hq.rollback()
        with db.connect() as c:
            assert c.execute("SELECT acknowledged_by FROM alert WHERE id = %s", (alert_id,)).fetchone()[0] == "hq.zhang"
    finally:
        with db.connect() as c:
            c.execute("DELETE FROM alert WHERE id = %s", (alert_id,))
            c.commit()


# --- the demo network ---------------------------------------------------------------------------------------------

def test_demo_network_raises_a_plausible_number_of_alerts(demo_db):
    db, _ = demo_db
    with db.connect() as c:
        before = c.execute("SELECT count(*) FROM alert WHERE resolved_at IS NULL").fetchone()[0]
        result = alerts.evaluate(c, datetime(2026, 10, 30, 10, 0, tzinfo=CHINA), commit=False)
        assert not result.skipped and 5 <= result.raised <= 60, result
        by_kind = Counter(a.kind for a in alerts.list_alerts(c))
        assert by_kind["wait_over_threshold"] >= 1 and by_kind["complaint"] >= 1
        assert sum(n for n, _ in alerts.open_alert_counts(c).values()) == before + result.raised - result.resolved
        assert len(alerts.open_alert_counts(c)) == 28
        south = alerts.list_alerts(c, region_code="S")
        assert south and all(a.region_code == "S" for a in south)
        c.rollback()
