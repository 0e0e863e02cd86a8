"""The list page reads its page of rows and the total in one hand-written query; the export and
every other reader use `member_list`. Both are built from one WHERE clause: here they must give
the same members in the same order for any filters, and the page must behave at its edges."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mofan.accounts.models import Role
from mofan.members import selectors, services
from mofan.members.models import Education, Gender, Member, MemberStatus
from mofan.members.rules import AGE_BANDS, STANDING_BANDS
from mofan.members.selectors import SORTS, MemberFilters
from tests.conftest import Tree, login, make_user

pytestmark = pytest.mark.django_db

NAMES = ["张三", "张珊珊", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十", "郑一"]


def _people(tree: Tree) -> None:
    """Forty members over three branches (one in a group), with every filtered field varied
    and some fields left empty, ties in names and dates included."""
    pick = random.Random(7)
    today = timezone.localdate()
    branches = [tree.branch_a1, tree.branch_a2, tree.branch_b1]
    for i in range(40):
        born = None if i % 9 == 0 else date(today.year - pick.randint(22, 70), 1 + i % 12, 1)
        joined = None
        if born is not None and i % 7:
            joined = date(born.year + 19 + pick.randint(0, today.year - born.year - 20), 7, 1)
        member = services.member_create(
            actor=None,
            full_name=NAMES[i % len(NAMES)],
            org=branches[i % 3],
            gender=[Gender.MALE, Gender.FEMALE, ""][i % 3],
            birth_date=born,
            joined_on=joined,
            education=list(Education.values)[i % 5] if i % 4 else "",
            status=MemberStatus.PROBATIONARY if i % 6 == 0 else MemberStatus.FULL,
            is_leading_cadre=i % 5 == 0,
        )
        if i % 3 == 0 and i % 2 == 0:
            Member.objects.filter(pk=member.pk).update(group=tree.group_a1)
        if i % 11 == 0:
            Member.objects.filter(pk=member.pk).update(archived_at=timezone.now())


FILTERS = st.builds(
    MemberFilters,
    query=st.sampled_from(["", "z", "zs", "zhang", "li", "张", "五", "nobody", "%", "_"]),
    status=st.sampled_from(["", *MemberStatus.values]),
    gender=st.sampled_from(["", *Gender.values]),
    age_band=st.sampled_from(["", *(band[0] for band in AGE_BANDS)]),
    standing_band=st.sampled_from(["", *(band[0] for band in STANDING_BANDS)]),
    education=st.sampled_from(["", *Education.values]),
    leading_cadre=st.sampled_from([None, True, False]),
    archived=st.booleans(),
    sort=st.sampled_from(list(SORTS)),
)


def _same(actor: object, filters: MemberFilters) -> int:
    """Page through the list seven at a time and compare with `member_list`; the list's size."""
    listed = [m.pk for m in selectors.member_list(actor=actor, filters=filters)]
    paged: list[int] = []
    for number in range(1, 10):
        rows, total, got = selectors.member_page(
            actor=actor, filters=filters, number=number, per_page=7
        )
        assert total == len(listed)
        if got == number:
            paged += [row.pk for row in rows]
    assert paged == listed, filters
    return len(listed)


def test_every_order_and_single_filter_agree(tree: Tree, roles: dict[str, Role]) -> None:
    _people(tree)
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    for sort in SORTS:
        assert _same(admin, MemberFilters(sort=sort)) > 30
    singles = [
        *({"query": q} for q in ("zs", "zhang", "张", "五")),
        *({"status": v} for v in MemberStatus.values),
        *({"gender": v} for v in Gender.values),
        *({"age_band": band[0]} for band in AGE_BANDS),
        *({"standing_band": band[0]} for band in STANDING_BANDS),
        *({"education": v} for v in Education.values),
        {"leading_cadre": True},
        {"leading_cadre": False},
        {"archived": True},
        {"org": tree.branch_a1},
    ]
    for single in singles:
        _same(admin, MemberFilters(sort="age", **single))  # type: ignore[arg-type]


def test_the_page_and_the_list_agree_for_any_filters(tree: Tree, roles: dict[str, Role]) -> None:
    _people(tree)
    admin = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    sizes = []

    @settings(
        max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(filters=FILTERS, org=st.sampled_from([None, "branch_a1", "branch_b1"]))
    def agree(filters: MemberFilters, org: str | None) -> None:
        if org is not None:
            filters.org = getattr(tree, org)
        sizes.append(_same(admin, filters))

    agree()
    assert max(sizes) > 1  # the examples were not all empty or single lists


def test_scope_is_the_same_for_both(tree: Tree, roles: dict[str, Role]) -> None:
    _people(tree)
    branch_only = make_user("b", grants=[(roles["branch_secretary"], tree.branch_a2, False)])
    listed = {m.org_id for m in selectors.member_list(actor=branch_only)}
    rows, total, _n = selectors.member_page(
        actor=branch_only, filters=MemberFilters(), number=1, per_page=100
    )
    assert listed == {tree.branch_a2.pk} and total == len(rows) > 0
    assert {row.branch for row in rows} == {tree.branch_a2.name}
    nobody = make_user("n")
    assert selectors.member_page(actor=nobody, filters=MemberFilters(), number=1) == ([], 0, 1)
    assert not selectors.member_list(actor=nobody).exists()


def test_pages_past_the_end_and_odd_numbers(tree: Tree, roles: dict[str, Role]) -> None:
    _people(tree)
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    client = login(Client(), admin)
    live = Member.objects.filter(archived_at__isnull=True).count()
    last = -(-live // 20)
    with CaptureQueriesContext(connection) as normal:
        first = client.get("/members/").content.decode()
    assert f"{live} 名党员" in first and first.count('data-testid="member-row"') == 20
    assert f"第 1 页，共 {last} 页" in first
    past = client.get("/members/?page=99").content.decode()
    assert f"第 {last} 页，共 {last} 页" in past
    assert past.count('data-testid="member-row"') == live - 20 * (last - 1)
    for odd in ("0", "-1", "abc", "1e3", "99999999999"):
        page = client.get(f"/members/?page={odd}").content.decode()
        assert "第 1 页" in page or f"第 {last} 页" in page
    with CaptureQueriesContext(connection) as again:
        client.get("/members/?page=2")
    assert len(again.captured_queries) == len(normal.captured_queries)


def test_a_name_search_takes_wildcards_literally(tree: Tree, roles: dict[str, Role]) -> None:
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    services.member_create(actor=None, full_name="张%三", org=tree.branch_a1)
    services.member_create(actor=None, full_name="张_四", org=tree.branch_a1)
    services.member_create(actor=None, full_name="张五", org=tree.branch_a1)

    def names(query: str) -> list[str]:
        rows, _total, _n = selectors.member_page(
            actor=admin, filters=MemberFilters(query=query), number=1
        )
        return sorted(row.full_name for row in rows)

    assert names("%") == ["张%三"]
    assert names("_") == ["张_四"]
    assert names("张") == ["张%三", "张_四", "张五"]
