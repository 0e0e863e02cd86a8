"""Ranking and award shares at the edges: ties, boundaries, fewer cases than tiers."""

from __future__ import annotations

from decimal import Decimal

from mofan.campaigns.ranking import assign_tiers, rank, summarise, weighted

D = Decimal
TIERS = [{"name": "最佳", "share": 10}, {"name": "优秀", "share": 20}]


def _ranked(means: list[int | str]) -> list:
    return rank([summarise(i, [D(str(m))]) for i, m in enumerate(means, start=1)])


def test_weighted_mean_of_the_criteria() -> None:
    assert weighted([(D(30), D(90)), (D(30), D(80)), (D(20), D(70)), (D(20), D(60))]) == D("77")
    assert weighted([]) == D(0)


def test_spread_shows_one_harsh_reviewer() -> None:
    row = summarise(1, [D(90), D(90), D(30)])
    assert row.mean == D("70.00")
    assert (row.low, row.high) == (D(30), D(90))
    assert row.spread == D("28.28")  # population standard deviation
    assert summarise(2, [D(80)]).spread == D("0.00")


def test_shared_ranks_and_unscored_last() -> None:
    rows = rank(
        [
            summarise(1, [D(80)]),
            summarise(2, [D(90)]),
            summarise(3, [D(80)]),
            summarise(4, []),
            summarise(5, [D(70)]),
        ]
    )
    assert [(r.key, r.rank) for r in rows] == [(2, 1), (1, 2), (3, 2), (5, 4), (4, None)]


def test_shares_of_ten_cases() -> None:
    rows = _ranked([99, 95, 90, 85, 80, 75, 70, 65, 60, 55])
    slots, notes = assign_tiers(rows, TIERS)
    assert [r.tier for r in rows] == ["最佳", "优秀", "优秀"] + [""] * 7
    assert [(s.allowed, s.given) for s in slots] == [(1, 1), (2, 2)]
    assert notes == []


def test_a_tie_at_the_boundary_goes_below_and_is_explained() -> None:
    # Two cases share first place; one 最佳 place: neither gets it, both fall to 优秀.
    rows = _ranked([95, 95, 90, 85, 80, 75, 70, 65, 60, 55])
    slots, notes = assign_tiers(rows, TIERS)
    assert [r.tier for r in rows[:4]] == ["优秀", "优秀", "优秀", ""]
    assert slots[0].given == 0 and slots[1].given == 3
    assert len(notes) == 1 and "95" in notes[0] and "最佳" in notes[0]
    assert rows[0].notes == ["最佳"]


def test_a_tie_across_the_last_boundary_gets_nothing() -> None:
    rows = _ranked([99, 95, 90, 90, 80, 75, 70, 65, 60, 55])
    _slots, notes = assign_tiers(rows, TIERS)
    assert [r.tier for r in rows[:4]] == ["最佳", "优秀", "", ""]
    assert len(notes) == 1 and "优秀" in notes[0]


def test_fewer_cases_than_tiers_gives_no_award_beyond_the_share() -> None:
    rows = _ranked([90, 80, 70])
    slots, notes = assign_tiers(rows, TIERS)
    # 3 × 10 % = 0.3 → 0; 3 × 30 % = 0.9 → 0: the shares are ceilings.
    assert [r.tier for r in rows] == ["", "", ""]
    assert [(s.allowed, s.given) for s in slots] == [(0, 0), (0, 0)]
    assert notes == []
    one = _ranked([90])
    assign_tiers(one, [{"name": "一等", "share": 100}])
    assert one[0].tier == "一等"
    assert assign_tiers([], TIERS)[0][0].allowed == 0


def test_everyone_tied_and_unscored_cases_are_not_counted() -> None:
    rows = rank([summarise(i, [D(80)]) for i in range(1, 11)] + [summarise(11, [])])
    slots, notes = assign_tiers(rows, TIERS)
    assert all(r.tier == "" for r in rows)
    assert len(notes) == 2
    assert [(s.allowed, s.given) for s in slots] == [(1, 0), (3, 0)]
    # The unscored case does not count: 10 × 19 % = 1.9 → 1 (11 would give 2).
    slots, _notes = assign_tiers(
        rank([summarise(i, [D(i)]) for i in range(1, 11)] + [summarise(11, [])]),
        [{"name": "优秀", "share": 19}],
    )
    assert slots[0].allowed == 1 and slots[0].given == 1
