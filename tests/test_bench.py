"""The benchmarks still run (on tiny data); their figures come from `make bench`."""

import shutil
from typing import Any

import pytest

from bench import tree_scale

pytestmark = pytest.mark.django_db


def test_tree_scale_runs_on_tiny_data(roles: dict) -> None:
    tree_scale.build(committees=2, branches_per=3, members_per=2)
    ours, bound, total = tree_scale.measure(repeat=1)
    assert total == 2 * 3 * 2
    assert ours > 0 and bound > 0


def test_members_scale_runs_on_tiny_data(roles: dict) -> None:
    from bench import members_scale
    from mofan.accounts.models import Grant, User
    from mofan.members.models import Member
    from mofan.members.synthetic import CitySize, build_city

    root = build_city(size=CitySize(organs=3, branches=6, members=60), seed=7)
    assert Member.objects.filter(org__path__startswith=root.path).count() == 60
    user = User.objects.create_user(
        username="bench-admin",
        password="Bench-pass-2026",
        must_change_password=False,
    )
    Grant.objects.create(user=user, role=roles["work_committee_admin"], org=root)
    figures = members_scale.list_benchmark(repeat=2, query="z")
    assert figures["queries"] > 0 and figures["p50"] > 0 and figures["sql_p50"] > 0


def test_compliance_scale_runs_on_tiny_data(roles: dict) -> None:
    from bench import compliance_scale

    compliance_scale.setup(branches=6, organs=3)
    figures = compliance_scale.measure(repeat=1)
    assert figures["held"] == figures["sql_total"] > 0
    assert figures["queries"] == 3


def test_study_hours_scale_runs_on_tiny_data(roles: dict) -> None:
    from bench import study_hours_scale

    rows = study_hours_scale.build(branches=3, members_per=4)
    assert rows == 3 * 4 * 26 + 3 * 12  # three biweekly groups, one centre group of three
    figures = study_hours_scale.measure(repeat=1)
    assert figures["members"] == 12 and figures["queries"] == 1
    assert figures["p50"] > 0 and figures["sql_p50"] > 0


@pytest.mark.django_db(transaction=True)
def test_checkin_burst_runs_on_tiny_data(roles: dict) -> None:
    """A real gunicorn against the test database: every check-in counted once."""
    from bench import checkin_burst

    figures = checkin_burst.run(members=6, clients=3, workers=2)
    db = figures["db"]
    assert db["rows"] == db["present"] == db["audit"] == figures["ours"].counted == 6
    assert db["chain_ok"]
    assert not figures["ours"].failures and not figures["bare"].failures
    assert len(figures["ours"].post_ms) == len(figures["bare"].post_ms) == 6


@pytest.mark.django_db(transaction=True)
def test_claim_race_runs_on_tiny_data(roles: dict) -> None:
    """A real gunicorn against the test database: one winner per wish, the others told."""
    from bench import claim_race

    figures = claim_race.run(rounds=2, clients=4, workers=2)
    ours, bare, db = figures["ours"], figures["bare"], figures["db"]
    assert ours.won == [1, 1] and ours.taken == [3, 3] and bare.won == [1, 1]
    assert not ours.other and not bare.other
    assert db["claimed"] == db["by_own_client"] == db["audit"] == db["wishes"] == 2
    assert db["chain_ok"]
    assert len(ours.post_ms) == len(ours.follow_ms) == len(bare.post_ms) == 8


def test_volunteer_stats_scale_runs_on_tiny_data(roles: dict) -> None:
    from bench import volunteer_stats_scale

    volunteer_stats_scale.build(
        organs=2, branches=4, members=40, activities=30, per_activity=4, wishes=60
    )
    figures = volunteer_stats_scale.measure(repeat=1)  # checks the SQL gives the same figures
    for name in ("city", "committee"):
        assert figures[name]["p50"] > 0 and figures[name]["sql"] > 0
    assert figures["city"]["figures"][0] > 0 and figures["city"]["figures"][4] > 0


def test_order_board_scale_runs_on_tiny_data(roles: dict, settings: Any) -> None:
    from bench import order_board_scale

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    order_board_scale.build(organs=2, branches=4, members=20, orders=60, partners=6)
    figures = order_board_scale.measure(repeat=2)  # checks the SQL gives the same rows
    for name in ("city", "school"):
        assert figures[name]["p95"] > 0 and figures[name]["sql_p95"] > 0
        assert figures[name]["queries"] > 0
    assert figures["city"]["total"] == 60 and 0 < figures["school"]["total"] < 60


def test_counsellor_hours_scale_runs_on_tiny_data(roles: dict) -> None:
    from bench import counsellor_hours_scale

    orders = counsellor_hours_scale.build(schools=13, people=5, sessions=4)
    assert orders == (13 * 2 + 2) * 4  # two counsellors a school, three at every twelfth
    figures = counsellor_hours_scale.measure(repeat=1)
    assert figures["appointments"] == 28 and figures["queries"] == 4
    assert 0 < figures["hours"] < orders


@pytest.mark.django_db(transaction=True)
def test_portal_scale_runs_on_tiny_data(roles: dict) -> None:
    """Search agrees with its lower bound; a real gunicorn answers the cached pages from the
    cache and renders the fresh ones."""
    from bench import portal_scale

    data = portal_scale.build(articles=120)
    figures = portal_scale.measure_search(repeat=1)  # checks search and its bound agree
    assert figures["found"]["模拟法庭"] >= 2 and len(figures["ours"]) == 6
    pages = portal_scale.measure_pages(data, requests=20, clients=2, workers=2)
    for name, f in pages.items():
        assert f["correct"], (name, f)
        assert f["fresh"]["miss"] == 20 and f["cached"]["hit"] >= 18, (name, f)


def test_campaign_ranking_runs_on_tiny_data(roles: dict) -> None:
    from bench import campaign_ranking

    campaign = campaign_ranking.build(cases=6, experts=3, per_case=2)
    figures = campaign_ranking.measure(campaign, repeat=1)
    assert figures["cases"] == 6 and figures["queries"] == 4
    assert figures["p50"] > 0 and figures["sql_p50"] > 0


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_readaloud_size_runs_on_tiny_data() -> None:
    from bench import readaloud_size

    figures = readaloud_size.measure(chars=40)
    assert figures["chars"] == 40 and figures["seconds"] > 1
    assert figures["ratio"] >= 5
