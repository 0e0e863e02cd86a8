"""Ranking and award tiers, as plain functions of numbers (no database).

- A review's score is the weighted mean of its criteria: Σ wᵢ·sᵢ / Σ wᵢ (0–100).
- A case's score is the mean of its completed reviews; its spread is shown as the lowest and
  highest review and the (population) standard deviation, so one harsh reviewer is visible.
- Ranks are shared by equal scores (1, 2, 2, 4), compared at two decimals.
- Tiers are shares of the ranked cases, applied in order and never exceeded: with n ranked
  cases and cumulative shares p₁, p₁+p₂ …, the first k tiers hold at most ⌊n·(p₁+…+pₖ)/100⌋
  cases. A group of equal scores that would cross a boundary is not split: it goes to the next
  tier as a whole (the share is a ceiling), and the explanation says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

TWO = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def weighted(scores: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """(weight, score) pairs → the weighted mean at two decimals."""
    total_weight = sum((w for w, _s in scores), Decimal(0))
    if not total_weight:
        return Decimal(0)
    return q2(sum((w * s for w, s in scores), Decimal(0)) / total_weight)


@dataclass
class Ranked:
    key: int  # the submission's pk
    totals: list[Decimal]
    mean: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    spread: Decimal | None = None  # population standard deviation
    rank: int | None = None
    tier: str = ""
    notes: list[str] = field(default_factory=list)


def summarise(key: int, totals: Sequence[Decimal]) -> Ranked:
    row = Ranked(key, list(totals))
    if totals:
        n = len(totals)
        mean = sum(totals, Decimal(0)) / n
        row.mean = q2(mean)
        row.low, row.high = min(totals), max(totals)
        variance = sum(((t - mean) ** 2 for t in totals), Decimal(0)) / n
        row.spread = q2(Decimal(math.sqrt(variance)))
    return row


def rank(rows: list[Ranked]) -> list[Ranked]:
    """Order by mean (unscored last) and give shared ranks."""
    scored = sorted((r for r in rows if r.mean is not None), key=lambda r: (-r.mean, r.key))  # type: ignore[operator]
    previous: Decimal | None = None
    for position, row in enumerate(scored, start=1):
        if row.mean != previous:
            row.rank = position
            previous = row.mean
        else:
            row.rank = scored[position - 2].rank
    unscored = sorted((r for r in rows if r.mean is None), key=lambda r: r.key)
    return scored + unscored


@dataclass(frozen=True)
class TierSlot:
    name: str
    share: Decimal
    allowed: int  # ⌊n × cumulative share⌋ minus the tiers above
    given: int


def assign_tiers(
    ranked: list[Ranked], tiers: Sequence[dict[str, object]]
) -> tuple[list[TierSlot], list[str]]:
    """Give each ranked row its tier by share; return the slots and the explanations of ties
    held back at a boundary. `ranked` is the output of `rank`."""
    scored = [r for r in ranked if r.mean is not None]
    n = len(scored)
    slots: list[TierSlot] = []
    explanations: list[str] = []
    cumulative = Decimal(0)
    placed = 0
    for tier in tiers:
        name = str(tier["name"])
        share = Decimal(str(tier["share"]))
        cumulative += share
        limit = math.floor(Decimal(n) * cumulative / 100)
        end = min(max(placed, limit), n)
        # Do not split a group of equal scores: step back to the start of the group.
        if 0 < end < n and scored[end - 1].mean == scored[end].mean:
            tied_mean = scored[end].mean
            start = end
            while start > placed and scored[start - 1].mean == tied_mean:
                start -= 1
            tied = [r for r in scored if r.mean == tied_mean]
            explanations.append(
                _tie_note(name, tied_mean, len(tied), limit)  # type: ignore[arg-type]
            )
            for row in tied:
                row.notes.append(name)
            end = start
        for row in scored[placed:end]:
            row.tier = name
        slots.append(TierSlot(name, share, max(limit - placed, 0), end - placed))
        placed = end
    return slots, explanations


def _tie_note(name: str, mean: Decimal, count: int, limit: int) -> str:
    return _(
        "%(count)d cases tie at %(mean)s across the boundary of %(tier)s (at most %(limit)d "
        "cases up to it); giving all of them %(tier)s would exceed the share, so they are "
        "placed below it. The committee may decide otherwise."
    ) % {"count": count, "mean": mean, "tier": name, "limit": limit}
