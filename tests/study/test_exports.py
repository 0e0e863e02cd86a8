"""学时 statistics as an Excel ledger: the groups' members with their hours in the year."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.orglife.models import Attendance, AttendanceStatus
from mofan.study.models import StudyKind
from tests.conftest import Tree, login, make_members, make_user, xlsx_rows
from tests.study.test_services import at, group_of, session_of

pytestmark = pytest.mark.django_db
HEADER = ["学习组", "类别", "组织", "姓名", "党支部", "参加次数", "学时"]


@pytest.fixture
def study(tree: Tree) -> dict[str, Any]:
    year = timezone.localdate().year - 1
    a1, a2, b1 = (
        make_members(tree.branch_a1, 2),
        make_members(tree.branch_a2, 1),
        make_members(tree.branch_b1, 1),
    )
    central = group_of(tree.branch_a1, StudyKind.BIWEEKLY, a1, name="甲一双周学习")
    other = group_of(tree.branch_a2, StudyKind.BIWEEKLY, a2, name="甲二双周学习")
    far = group_of(tree.branch_b1, StudyKind.BIWEEKLY, b1, name="乙一双周学习")
    for group, when, hours in [
        (central, at(year, 3, 1), 3),
        (central, at(year, 4, 1), 1.5),
        (central, at(year - 1, 4, 1), 2),  # the year before: not counted
        (other, at(year, 5, 1), 2),
        (far, at(year, 5, 1), 2),
    ]:
        session = session_of(group, when, hours=hours)
        Attendance.objects.filter(meeting=session.meeting).update(status=AttendanceStatus.PRESENT)
    # The second member of 甲一 missed the April session.
    Attendance.objects.filter(meeting__starts_at=at(year, 4, 1), member=a1[1]).update(
        status=AttendanceStatus.ABSENT
    )
    return {"year": year, "a1": a1, "a2": a2, "central": central}


def test_hours_export_of_the_groups_listed(
    client: Client, tree: Tree, roles: dict[str, Role], study: dict[str, Any]
) -> None:
    year, a1 = study["year"], study["a1"]
    login(client, make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)]))
    page = client.get(f"/study/?year={year}").content.decode()
    assert f'href="/study/hours/export/?year={year}"' in page
    rows = xlsx_rows(client.get(f"/study/hours/export/?year={year}"))
    assert rows[0] == HEADER
    assert rows[1:] == [
        ["甲一双周学习", "双周学习", "甲第一支部", a1[0].full_name, "甲第一支部", 2, 4.5],
        ["甲一双周学习", "双周学习", "甲第一支部", a1[1].full_name, "甲第一支部", 1, 3],
        ["甲二双周学习", "双周学习", "甲第二支部", study["a2"][0].full_name, "甲第二支部", 1, 2],
    ]
    # The organisation filter limits the rows; so does one group's page.
    rows = xlsx_rows(client.get(f"/study/hours/export/?year={year}&org={tree.branch_a2.pk}"))
    assert [r[0] for r in rows[1:]] == ["甲二双周学习"]
    group = study["central"]
    detail = client.get(f"/study/groups/{group.pk}/?year={year}").content.decode()
    assert f'href="/study/hours/export/?group={group.pk}&amp;year={year}"' in detail
    rows = xlsx_rows(client.get(f"/study/hours/export/?group={group.pk}&year={year - 1}"))
    assert [(r[3], r[5], r[6]) for r in rows[1:]] == [
        (a1[0].full_name, 1, 2),
        (a1[1].full_name, 1, 2),
    ]


def test_hours_export_keeps_to_the_scope(
    client: Client, tree: Tree, roles: dict[str, Role], study: dict[str, Any]
) -> None:
    year = study["year"]
    login(client, make_user("yi", grants=[(roles["committee_admin"], tree.committee_b, True)]))
    rows = xlsx_rows(client.get(f"/study/hours/export/?year={year}"))
    assert [r[0] for r in rows[1:]] == ["乙一双周学习"]
    assert client.get(f"/study/hours/export/?org={tree.branch_a1.pk}").status_code == 404
    assert client.get(f"/study/hours/export/?group={study['central'].pk}").status_code == 404


def test_hours_export_queries_do_not_grow_with_rows(
    client: Client,
    tree: Tree,
    roles: dict[str, Role],
    study: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    year = study["year"]
    login(client, make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)]))
    url = f"/study/hours/export/?year={year}"
    with django_assert_max_num_queries(12) as few:
        assert len(xlsx_rows(client.get(url))) == 4
    more = make_members(tree.branch_a2, 5)
    group = group_of(tree.branch_a2, StudyKind.CENTRAL_GROUP, more, name="甲二中心组")
    session = session_of(group, at(year, 6, 1), hours=2)
    Attendance.objects.filter(meeting=session.meeting).update(status=AttendanceStatus.PRESENT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(xlsx_rows(client.get(url))) == 9
