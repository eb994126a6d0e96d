"""Alerts: shared thresholds, the evaluation of the rules (SQL in 0004_alerts.sql), reading and acknowledging."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import Connection as SAConnection
from sqlalchemy.exc import DBAPIError

from services.model import AlertItem, DomainError
from services.network import CHINA

# Service functions take either connection the app has: a SQLAlchemy Connection (the db pool) or a plain psycopg
# one (tests, tools). SQL here uses psycopg's %(name)s placeholders, which both pass through unchanged.
Conn = psycopg.Connection | SAConnection

SETTING_KEY = "alert_thresholds"
SEVERITIES = ("info", "warning", "critical")
KINDS = ("wait_over_threshold", "utilization_low", "utilization_high", "rework_anomaly", "complaint",
         "terminals_silent")
KIND_TITLES = {
    "wait_over_threshold": "等待超时",
    "utilization_low": "工位利用率偏低",
    "utilization_high": "工位饱和",
    "rework_anomaly": "返工异常",
    "complaint": "客户投诉",
    "terminals_silent": "终端静默",
}


@dataclass(frozen=True, slots=True)
class AlertThresholds:
    """The business thresholds of the alert rules (app_setting 'alert_thresholds'). The defaults equal
    alerts.default_thresholds() in SQL; a test keeps the two the same."""

    wait_warning_hours: float = 1.5
    wait_critical_hours: float = 2.5
    wait_mean_min_vehicles: int = 3
    queue_min_vehicles: int = 2
    utilization_high_ratio: float = 0.95
    utilization_high_window_hours: float = 2
    utilization_low_ratio: float = 0.5
    utilization_low_severe_ratio: float = 0.25
    utilization_low_min_typical: float = 0.3
    utilization_low_min_open_hours: float = 2
    utilization_low_baseline_weeks: int = 4
    utilization_low_min_baseline_days: int = 2
    rework_recent_days: int = 7
    rework_baseline_days: int = 90
    rework_z_warning: float = 3
    rework_z_critical: float = 4.5
    rework_min_vehicles: int = 50
    rework_min_reworks: int = 3
    rework_min_baseline_vehicles: int = 300
    complaint_window_hours: float = 24
    complaint_critical_count: int = 3
    silent_warning_minutes: float = 15
    silent_critical_minutes: float = 60


# Per threshold: the label people see, and the largest sensible value (catches a typo such as 150 for 1.5).
_LIMITS: dict[str, tuple[str, float]] = {
    "wait_warning_hours": ("等待超时的警告时长（小时）", 24),
    "wait_critical_hours": ("等待超时的严重时长（小时）", 24),
    "wait_mean_min_vehicles": ("计算今日平均等待所需的最少车辆数", 1000),
    "queue_min_vehicles": ("算作排队的最少等待车辆数", 1000),
    "utilization_high_ratio": ("工位饱和的利用率", 1),
    "utilization_high_window_hours": ("工位饱和的统计时长（小时）", 12),
    "utilization_low_ratio": ("利用率偏低：低于常规水平的比例", 1),
    "utilization_low_severe_ratio": ("利用率骤降：低于常规水平的比例", 1),
    "utilization_low_min_typical": ("参与比较的最低常规利用率", 1),
    "utilization_low_min_open_hours": ("开门多少小时后开始比较利用率", 24),
    "utilization_low_baseline_weeks": ("常规利用率参考的周数", 26),
    "utilization_low_min_baseline_days": ("常规利用率最少的参考天数", 26),
    "rework_recent_days": ("返工率的近期天数", 60),
    "rework_baseline_days": ("返工率的基线天数", 365),
    "rework_z_warning": ("返工异常的警告 z 值", 20),
    "rework_z_critical": ("返工异常的严重 z 值", 20),
    "rework_min_vehicles": ("返工统计的最少车辆数", 100000),
    "rework_min_reworks": ("返工统计的最少返工数", 100000),
    "rework_min_baseline_vehicles": ("返工基线的最少车辆数", 1000000),
    "complaint_window_hours": ("投诉警报保持的时长（小时）", 168),
    "complaint_critical_count": ("投诉升为严重的条数", 1000),
    "silent_warning_minutes": ("终端静默的警告时长（分钟）", 1440),
    "silent_critical_minutes": ("终端静默的严重时长（分钟）", 1440),
}
# Pairs (lower, higher) that must keep their order.
_ORDERED = (("wait_warning_hours", "wait_critical_hours"), ("silent_warning_minutes", "silent_critical_minutes"),
            ("rework_z_warning", "rework_z_critical"), ("utilization_low_severe_ratio", "utilization_low_ratio"))


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    raised: int
    updated: int  # open alerts that got worse (severity, numbers, or a new complaint)
    resolved: int
    skipped: bool  # another console's evaluation was running; it does the work
    seconds: float


def _execute(conn: Conn, sql: str, params: Mapping[str, Any] | None = None) -> Any:
    if isinstance(conn, psycopg.Connection):
        return conn.execute(sql, params)
    return conn.exec_driver_sql(sql, dict(params)) if params else conn.exec_driver_sql(sql)


def _refused(conn: Conn, sql: str, params: Mapping[str, Any], sentence: str, commit: bool) -> Any:
    """Run a write that the database may refuse for the caller's scope (SQLSTATE AS403, revision 0005's per-user
    roles); a refusal becomes `sentence`, and the aborted transaction is rolled back when the service owns it."""
    try:
        return _execute(conn, sql, params)
    except (psycopg.Error, DBAPIError) as exc:
        state = getattr(exc, "sqlstate", None) or getattr(getattr(exc, "orig", None), "sqlstate", None)
        if state != "AS403":
            raise
        if commit:
            conn.rollback()
        raise DomainError(sentence) from exc


# --- thresholds -----------------------------------------------------------------------------------------------

def validate_thresholds(values: Mapping[str, Any]) -> AlertThresholds:
    """Check every value; a DomainError with one plain sentence names the first bad one."""
    known = {f.name: f for f in fields(AlertThresholds)}
    for key in values:
        if key not in known:
            raise DomainError(f"没有名为“{key}”的警报阈值；请检查设置项的名称。")
    clean: dict[str, Any] = {}
    for name, f in known.items():
        label, upper = _LIMITS[name]
        value = values.get(name, f.default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise DomainError(f"{label}必须是一个数字，现在是“{value}”。")
        if value <= 0:
            raise DomainError(f"{label}必须大于 0，现在是 {value:g}。")
        if value > upper:
            raise DomainError(f"{label}不能超过 {upper:g}，现在是 {value:g}。")
        if f.type in (int, "int"):
            if value != int(value):
                raise DomainError(f"{label}必须是整数，现在是 {value:g}。")
            value = int(value)
        else:
            value = float(value)
        clean[name] = value
    for low, high in _ORDERED:
        if clean[low] >= clean[high]:
            raise DomainError(f"{_LIMITS[high][0]}（{clean[high]:g}）必须大于{_LIMITS[low][0]}（{clean[low]:g}）。")
    if clean["utilization_low_min_baseline_days"] > clean["utilization_low_baseline_weeks"]:
        raise DomainError(f"{_LIMITS['utilization_low_min_baseline_days'][0]}不能多于"
                          f"{_LIMITS['utilization_low_baseline_weeks'][0]}。")
    return AlertThresholds(**clean)


def load_thresholds(conn: Conn) -> AlertThresholds:
    """The thresholds in force (saved values over the defaults). Runs on a worker thread."""
    value = _execute(conn, "SELECT alerts.thresholds()").fetchone()[0]
    known = {f.name for f in fields(AlertThresholds)}
    return AlertThresholds(**{k: v for k, v in value.items() if k in known})


def save_thresholds(conn: Conn, thresholds: AlertThresholds | Mapping[str, Any], user: str, *,
                    commit: bool = True) -> AlertThresholds:
    """Validate and save thresholds for every console, with an audit row of what changed. A mapping changes only
    the keys it names. Runs on a worker thread; commits unless commit=False (the caller's transaction then)."""
    who = (user or "").strip()
    if not who:
        raise DomainError("保存警报阈值需要知道是谁修改的；请先登录。")
    if isinstance(thresholds, AlertThresholds):
        values: dict[str, Any] = asdict(thresholds)
    else:
        values = {**asdict(load_thresholds(conn)), **thresholds}
    clean = validate_thresholds(values)
    _refused(conn, "SELECT alerts.save_thresholds(%(v)s::jsonb, %(who)s)",
             {"v": json.dumps(asdict(clean)), "who": who}, "只有总部可以修改警报阈值。", commit)
    if commit:
        conn.commit()
    return clean


# --- evaluation -----------------------------------------------------------------------------------------------

def evaluate(conn: Conn, now: datetime | None = None, *, commit: bool = True) -> EvaluationResult:
    """Evaluate every rule over every store at `now` (default: the database server's clock) and raise, escalate
    or resolve alerts, one NOTIFY 'alert' per store touched. Runs on a worker thread (a fraction of a second on 600
    stores). Safe from several consoles at once: a second evaluation while one runs returns skipped=True at once.
    Commits unless commit=False (the caller's transaction then)."""
    if now is not None and now.tzinfo is None:
        raise ValueError("evaluate() needs a timezone-aware time")
    t0 = time.perf_counter()
    if now is None:
        row = _execute(conn, "SELECT raised, updated, resolved, skipped FROM alerts.evaluate()").fetchone()
    else:
        row = _execute(conn, "SELECT raised, updated, resolved, skipped FROM alerts.evaluate(%(now)s)",
                       {"now": now}).fetchone()
    if commit:
        conn.commit()
    return EvaluationResult(int(row[0]), int(row[1]), int(row[2]), bool(row[3]),
                            round(time.perf_counter() - t0, 4))


# --- reading --------------------------------------------------------------------------------------------------

# The acknowledger's name where the caller may see that user (row-level security), else the login.
_ITEM_SQL = """
    SELECT a.id, a.store_id, s.code, s.name_zh, r.code, a.kind, a.severity, a.raised_at, a.message,
           coalesce((SELECT u.display_name FROM app_user u WHERE u.login = a.acknowledged_by), a.acknowledged_by),
           a.acknowledged_at, a.resolved_at
    FROM alert a
    JOIN store s ON s.id = a.store_id
    JOIN region r ON r.id = s.region_id
"""


def _item(row: Any) -> AlertItem:
    return AlertItem(int(row[0]), int(row[1]), row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
                     row[10], row[11])


def list_alerts(conn: Conn, *, region_code: str | None = None, store_id: int | None = None,
                include_resolved: bool = False, limit: int = 200) -> list[AlertItem]:
    """Alerts the caller may see (row-level security), newest first; open ones only unless include_resolved.
    Runs on a worker thread."""
    where = ["(%(region)s::text IS NULL OR r.code = %(region)s::text)",
             "(%(store)s::integer IS NULL OR a.store_id = %(store)s::integer)"]
    if not include_resolved:
        where.append("a.resolved_at IS NULL")
    sql = f"{_ITEM_SQL} WHERE {' AND '.join(where)} ORDER BY a.raised_at DESC, a.id DESC LIMIT %(limit)s"
    rows = _execute(conn, sql, {"region": region_code, "store": store_id, "limit": max(0, int(limit))}).fetchall()
    return [_item(r) for r in rows]


def get_alert(conn: Conn, alert_id: int) -> AlertItem | None:
    """One alert, or None if there is none with that id (or the caller may not see it). Runs on a worker thread."""
    row = _execute(conn, f"{_ITEM_SQL} WHERE a.id = %(id)s", {"id": alert_id}).fetchone()
    return _item(row) if row else None


def open_alert_counts(conn: Conn) -> dict[int, tuple[int, str | None]]:
    """For the map: every active store → (open alerts, highest open severity or None). Runs on a worker thread."""
    rows = _execute(conn, """
        SELECT s.id, count(a.id),
               CASE max(CASE a.severity WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 WHEN 'info' THEN 1 END)
                   WHEN 3 THEN 'critical' WHEN 2 THEN 'warning' WHEN 1 THEN 'info' END
        FROM store s
        LEFT JOIN alert a ON a.store_id = s.id AND a.resolved_at IS NULL
        WHERE s.active
        GROUP BY s.id""").fetchall()
    return {int(r[0]): (int(r[1]), r[2]) for r in rows}


# --- acting ---------------------------------------------------------------------------------------------------

def _clock(at: datetime) -> str:
    """09:41 today, 10月30日 09:41 on another day (China time)."""
    local = at.astimezone(CHINA)
    if local.date() == datetime.now(CHINA).date():
        return local.strftime("%H:%M")
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def acknowledge(conn: Conn, alert_id: int, user_login: str, *, commit: bool = True) -> AlertItem:
    """Acknowledge an alert for every console (audit row and NOTIFY 'alert' in the same transaction). Idempotent for
    the same user; when someone else was first, a DomainError says who and when. A console logged in as its own
    database role acknowledges as that user and only within its scope. Runs on a worker thread; commits unless
    commit=False (the caller's transaction then)."""
    who = (user_login or "").strip()
    if not who:
        raise DomainError("确认警报需要知道是谁确认的；请先登录。")
    row = _refused(conn, "SELECT won, mine, acknowledged_by_name, acknowledged_at "
                         "FROM alerts.acknowledge(%(id)s, %(who)s)", {"id": alert_id, "who": who},
                   f"编号为 {alert_id} 的警报不在你负责的范围内，不能由你确认。", commit).fetchone()
    if row is None:
        raise DomainError(f"没有编号为 {alert_id} 的警报；请刷新警报列表。")
    won, mine, by_name, at = row
    if not won and not mine:
        raise DomainError(f"这条警报已由 {by_name} 于 {_clock(at)} 确认，无需再次确认。")
    item = get_alert(conn, alert_id)
    if item is None:  # the row exists, but row-level security hides it from this user: not theirs to acknowledge
        if commit:
            conn.rollback()
        raise DomainError(f"编号为 {alert_id} 的警报不在你负责的范围内，不能由你确认。")
    if commit:
        conn.commit()
    return item
