"""Simulation time: integer minutes since 00:00 Asia/Shanghai of the start date, and conversions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
MINUTES_PER_DAY = 1440

# Every timestamp in the simulation's records is an int: minutes since 00:00 (Asia/Shanghai) of the start date.
# China has kept one UTC offset (+08:00) without daylight saving since 1991, so minute arithmetic is exact and
# converting is a single addition. Negative values are before the start date (e.g. a booking made earlier).


def epoch(start_date: date) -> datetime:
    """00:00 of start_date in Asia/Shanghai, the instant that minute 0 stands for."""
    return datetime.combine(start_date, time(0, 0), tzinfo=SHANGHAI)


def to_datetime(minute: int, start_date: date) -> datetime:
    """Timezone-aware Asia/Shanghai datetime of a simulation minute."""
    return epoch(start_date) + timedelta(minutes=minute)


def to_minute(moment: datetime, start_date: date) -> int:
    """Simulation minute of an aware datetime (any zone); seconds are truncated toward minus infinity."""
    return int((moment - epoch(start_date)).total_seconds() // 60)


def day_of(minute: int) -> int:
    """Index of the simulated day (0 = start date) that a minute falls on."""
    return minute // MINUTES_PER_DAY


def weekday_of(day: int, start_date: date) -> int:
    """Weekday (0 = Monday … 6 = Sunday) of simulated day `day`."""
    return (start_date.weekday() + day) % 7


def clock(minute: int) -> str:
    """'HH:MM' of a minute within its day, for messages and debugging."""
    m = minute % MINUTES_PER_DAY
    return f"{m // 60:02d}:{m % 60:02d}"
