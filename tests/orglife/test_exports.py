"""Excel ledgers a secretary hands on: the meeting list (三会一课) and compliance (达标情况)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.orglife import services
from mofan.orglife.models import Meeting, MeetingKind
from mofan.orgs.models import Organisation
from tests.conftest import Tree, login, make_members, make_user, xlsx_rows

pytestmark = pytest.mark.django_db
MEETING_HEADER = [
    "开始时间",
    "结束时间",
    "组织",
    "类别",
    "主题",
    "地点",
    "主持人",
    "记录人",
    "应到",
    "实到",
    "请假",
    "缺席",
    "会议状态",
    "补录",
    "审核状态",
]


def held(org: Organisation, kind: str, topic: str, month: int, **extra: Any) -> Meeting:
    year = timezone.localdate().year - 1
    start = timezone.make_aware(timezone.datetime(year, month, 10, 15))
    return services.meeting_schedule(
        actor=None,
        org=org,
        kind=kind,
        topic=topic,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="会议室",
        **extra,
    )


@pytest.fixture
def meetings(tree: Tree) -> dict[str, Any]:
    a1 = make_members(tree.branch_a1, 3)
    make_members(tree.branch_a2, 2)
    make_members(tree.branch_b1, 2)
    lesson = held(
        tree.branch_a1, MeetingKind.PARTY_LESSON, "党课：党章", 3, host=a1[0], recorder=a1[1]
    )
    for member, status in zip(a1, ["present", "present", "absent"], strict=True):
        lesson.attendances.filter(member=member).update(status=status)
    held(tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, "主题党日一", 4)
    held(tree.branch_a2, MeetingKind.THEMED_PARTY_DAY, "主题党日二", 5)
    held(tree.branch_b1, MeetingKind.THEMED_PARTY_DAY, "乙主题党日", 5)
    return {"a1": a1, "lesson": lesson}


def test_the_meeting_list_export_has_the_filtered_rows(
    client: Client, tree: Tree, roles: dict[str, Role], meetings: dict[str, Any]
) -> None:
    year = timezone.localdate().year - 1
    user = make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    login(client, user)
    page = client.get(f"/orglife/?year={year}").content.decode()
    assert f'href="/orglife/export/?year={year}"' in page
    rows = xlsx_rows(client.get(f"/orglife/export/?year={year}"))
    assert rows[0] == MEETING_HEADER
    assert [r[4] for r in rows[1:]] == ["主题党日二", "主题党日一", "党课：党章"]
    lesson = rows[3]
    assert lesson[:8] == [
        timezone.datetime(year, 3, 10, 15),
        timezone.datetime(year, 3, 10, 17),
        "甲第一支部",
        "党课",
        "党课：党章",
        "会议室",
        meetings["a1"][0].full_name,
        meetings["a1"][1].full_name,
    ]
    assert lesson[8:13] == [3, 2, 0, 1, "已召开"]
    # The filters of the page limit the rows.
    rows = xlsx_rows(client.get(f"/orglife/export/?year={year}&kind=party_lesson"))
    assert [r[4] for r in rows[1:]] == ["党课：党章"]
    rows = xlsx_rows(client.get(f"/orglife/export/?year={year}&org={tree.branch_a2.pk}"))
    assert [r[4] for r in rows[1:]] == ["主题党日二"]
    assert xlsx_rows(client.get(f"/orglife/export/?year={year - 1}"))[1:] == []


def test_the_meeting_export_keeps_to_the_scope(
    client: Client, tree: Tree, roles: dict[str, Role], meetings: dict[str, Any]
) -> None:
    year = timezone.localdate().year - 1
    other = make_user("yi", grants=[(roles["committee_admin"], tree.committee_b, True)])
    login(client, other)
    rows = xlsx_rows(client.get(f"/orglife/export/?year={year}"))
    assert [r[4] for r in rows[1:]] == ["乙主题党日"]
    assert client.get(f"/orglife/export/?year={year}&org={tree.branch_a1.pk}").status_code == 404
    assert (
        client.get(f"/orglife/compliance/export/?year={year}&org={tree.branch_a1.pk}").status_code
        == 404
    )
    rows = xlsx_rows(client.get(f"/orglife/compliance/export/?year={year}"))
    assert {r[0] for r in rows[1:]} == {"乙第一支部"}


def test_the_meeting_export_takes_the_same_queries_for_more_rows(
    client: Client,
    tree: Tree,
    roles: dict[str, Role],
    meetings: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    year = timezone.localdate().year - 1
    user = make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    login(client, user)
    url = f"/orglife/export/?year={year}&org={tree.committee_a.pk}"
    with django_assert_max_num_queries(12) as few:
        assert len(xlsx_rows(client.get(url))) == 4
    for month in range(6, 12):
        held(tree.branch_a2, MeetingKind.PARTY_LESSON, f"党课{month}", month)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(xlsx_rows(client.get(url))) == 10


def test_the_compliance_export(
    client: Client,
    tree: Tree,
    roles: dict[str, Role],
    meetings: dict[str, Any],
    frequency_rules: None,
    django_assert_max_num_queries: Any,
) -> None:
    year = timezone.localdate().year - 1
    Organisation.objects.update(established_on=date(year - 5, 1, 1))
    user = make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    login(client, user)
    page = client.get(f"/orglife/compliance/?year={year}").content.decode()
    assert f'href="/orglife/compliance/export/?year={year}"' in page
    with django_assert_max_num_queries(12) as few:
        rows = xlsx_rows(client.get(f"/orglife/compliance/export/?year={year}"))
    first = len(few)
    assert rows[0] == ["组织", "类别", "达标期数", "应达标期数", "逾期期数"]
    by_key = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert by_key[("甲第一支部", "党课")] == [1, 4, 3]
    assert by_key[("甲第一支部", "主题党日")] == [1, 12, 11]
    assert by_key[("甲第二支部", "主题党日")] == [1, 12, 11]
    assert ("甲一党小组", "党小组会") in by_key
    assert {r[0] for r in rows[1:]} == {"甲第一支部", "甲第二支部", "甲一党小组"}
    rows = xlsx_rows(client.get(f"/orglife/compliance/export/?year={year}&org={tree.branch_a2.pk}"))
    assert {r[0] for r in rows[1:]} == {"甲第二支部"}
    from mofan.orgs.models import OrgKind
    from mofan.orgs.services import org_create

    for n in range(4):
        org_create(actor=None, name=f"甲新支部{n}", kind=OrgKind.BRANCH, parent=tree.committee_a)
    with django_assert_max_num_queries(first):
        rows = xlsx_rows(client.get(f"/orglife/compliance/export/?year={year}"))
    assert len({r[0] for r in rows[1:]}) == 7
