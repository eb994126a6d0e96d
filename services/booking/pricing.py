"""Off-peak pricing rules: which discount a slot gets from its predicted load (pure; the rules live in the
database, see services.booking.rules for loading and saving them)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from services.model import PricingRule

# What HQ starts with: a quiet hour (under 40 % of capacity planned) gets 15 % off, a half-empty one 8 %,
# and early mornings and late afternoons on weekdays an extra nudge.
DEFAULT_RULES: tuple[PricingRule, ...] = (
    PricingRule(None, "低峰时段 8 折半", 0.40, 15.0),
    PricingRule(None, "半空时段 92 折", 0.60, 8.0),
    PricingRule(None, "工作日午后 9 折", 0.75, 10.0, weekdays=(0, 1, 2, 3, 4), hour_from=14, hour_to=17),
)
MAX_DISCOUNT_PCT = 50.0


def validate(rule: PricingRule) -> str | None:
    """One sentence saying what is wrong with a rule, or None when it is fine."""
    if not rule.name.strip():
        return "A pricing rule needs a name."
    if not 0.0 < rule.load_below <= 1.0:
        return "The load threshold must be between 1 % and 100 %."
    if not 0.0 < rule.discount_pct <= MAX_DISCOUNT_PCT:
        return f"The discount must be between 1 % and {MAX_DISCOUNT_PCT:.0f} %."
    if not 0 <= rule.hour_from < rule.hour_to <= 24:
        return "The hours must run forward within the day (from 0 to 24)."
    if not rule.weekdays or any(d not in range(7) for d in rule.weekdays):
        return "Pick at least one weekday."
    return None


def discount_for(
    rules: Iterable[PricingRule], predicted_load: float, weekday: int, hour: int
) -> tuple[float, PricingRule | None]:
    """(discount %, the rule that gave it) for a slot starting at `hour` on `weekday` with the predicted load
    (0..1 of capacity). The largest applicable discount wins; none → (0, None)."""
    best: tuple[float, PricingRule | None] = (0.0, None)
    for rule in rules:
        if (
            rule.active
            and predicted_load < rule.load_below
            and weekday in rule.weekdays
            and rule.hour_from <= hour < rule.hour_to
            and rule.discount_pct > best[0]
        ):
            best = (rule.discount_pct, rule)
    return best


def discounted(list_price: float, discount_pct: float) -> float:
    """The price after a discount, rounded to whole yuan, halves up — as PostgreSQL's round(numeric) does, so the
    price shown is the price the database records."""
    exact = Decimal(str(list_price)) * (Decimal(100) - Decimal(str(discount_pct))) / Decimal(100)
    return float(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
