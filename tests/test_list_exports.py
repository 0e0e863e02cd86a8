"""The 台账 exports of lists people hand on: micro-wishes, volunteer activities, co-building
agreements and handouts. Each is the page's own list (`?export=xlsx`, its filters applied, its
scope kept), written through `core.exports.xlsx_response`, in a number of queries that does not
grow with the rows."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from mofan.cobuild.services import agreement_create, agreement_end
from mofan.lawedu.services import handouts_issue, material_create, material_receive
from mofan.orgs.services import partner_create
from mofan.volunteer import services as volunteer
from tests.conftest import Tree, login, make_members, make_user
from tests.lawedu.factories import legal_project, person, school, session

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    book = load_workbook(BytesIO(response.content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def queries(client: Any, url: str) -> int:
    """The queries of an export, after a first request has written the session's bookkeeping."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def admins(tree: Tree, roles: dict) -> tuple[Any, Any]:
    role = roles["committee_admin"]
    return (
        make_user("jia", grants=[(role, tree.committee_a, True)]),
        make_user("yi", grants=[(role, tree.committee_b, True)]),
    )


# ── Micro-wishes ──


def post_wishes(community: Any, n: int, *, claim_by: Any = None) -> list[Any]:
    wishes = []
    for i in range(n):
        wish = volunteer.wish_post(
            actor=None,
            community=community,
            beneficiary=f"王{'秀英建国'[i % 2 * 2 : i % 2 * 2 + 2]}",
            title=f"心愿{i + 1}",
            estimated_value="80",
            deadline=timezone.localdate() + timedelta(days=10 + i),
        )
        volunteer.wish_review(actor=None, wish=wish, approve=True)
        wishes.append(wish)
    return wishes


def test_wishes_export_is_the_filtered_list_in_scope(
    client: Any, tree: Tree, admins: tuple[Any, Any]
) -> None:
    jia, yi = admins
    ours = partner_create(actor=None, org=tree.committee_a, name="桥门社区", kind="community")
    theirs = partner_create(actor=None, org=tree.committee_b, name="深沟桥社区", kind="community")
    wishes = post_wishes(ours, 3)
    post_wishes(theirs, 2)
    claimer = make_members(tree.branch_a1, 1)[0]
    claimer_user = make_user("dy")
    claimer.user = claimer_user
    claimer.save(update_fields=["user"])
    volunteer.wish_claim(user=claimer_user, wish=wishes[0])

    login(client, jia)
    page = client.get("/volunteer/wishes/?status=claimed").content.decode()
    assert 'href="?status=claimed&amp;export=xlsx"' in page and "导出 Excel" in page
    rows = sheet(client.get("/volunteer/wishes/?export=xlsx"))
    assert rows[0] == [
        "心愿",
        "社区",
        "受助群众",
        "估计价值（元）",
        "截止日期",
        "状态",
        "认领人",
        "认领人所在组织",
        "认领时间",
        "兑现日期",
        "确认时间",
    ]
    assert [r[0] for r in rows[1:]] == ["心愿1", "心愿2", "心愿3"]
    first = rows[1]
    assert first[1:4] == ["桥门社区", "王**", 80]
    assert first[5:8] == ["已认领", claimer.full_name, "甲第一支部"]
    wishes[0].refresh_from_db()
    assert first[8] == timezone.localtime(wishes[0].claimed_at).strftime("%Y-%m-%d %H:%M")
    assert rows[2][5:9] == ["待认领", None, None, None]
    # The status filter limits the rows; the other committee sees only its own wishes.
    claimed = sheet(client.get("/volunteer/wishes/?status=claimed&export=xlsx"))
    assert [r[0] for r in claimed[1:]] == ["心愿1"]
    login(client, yi)
    assert [r[1] for r in sheet(client.get("/volunteer/wishes/?export=xlsx"))[1:]] == [
        "深沟桥社区"
    ] * 2
    # Queries do not grow with the rows.
    login(client, jia)
    few = queries(client, "/volunteer/wishes/?export=xlsx")
    post_wishes(ours, 6)
    assert queries(client, "/volunteer/wishes/?export=xlsx") == few


# ── Volunteer activities ──


def make_activities(org: Any, organiser: Any, kind: Any, starts: list[Any]) -> list[Any]:
    return [
        volunteer.activity_create(
            actor=organiser,
            org=org,
            kind=kind,
            title=f"{org.name}活动{i + 1}",
            place="社区服务中心",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=10,
        )
        for i, start in enumerate(starts)
    ]


def test_activities_export_is_the_year_in_scope(
    client: Any, tree: Tree, admins: tuple[Any, Any]
) -> None:
    from mofan.volunteer.models import ActivityKind

    jia, yi = admins
    kind = ActivityKind.objects.get_or_create(name="法律援助进社区")[0]
    now = timezone.now()
    this_year = timezone.localdate().year
    last_year_day = datetime(this_year - 1, 6, 6, 9, 0, tzinfo=timezone.get_current_timezone())
    coming, *_rest = make_activities(
        tree.committee_a, jia, kind, [now + timedelta(days=3), now - timedelta(hours=1)]
    )
    make_activities(tree.branch_a1, jia, kind, [last_year_day])
    make_activities(tree.committee_b, yi, kind, [now + timedelta(days=1)])
    people = make_members(tree.branch_a1, 2)
    for someone in people:
        volunteer.participant_add(actor=jia, activity=coming, member=someone)

    login(client, jia)
    page = client.get(f"/volunteer/activities/?year={this_year}").content.decode()
    assert f'href="?year={this_year}&amp;export=xlsx"' in page
    rows = sheet(client.get("/volunteer/activities/?export=xlsx"))
    assert rows[0] == [
        "开始时间",
        "结束时间",
        "标题",
        "类别",
        "组织单位",
        "服务社区或共建单位",
        "地点",
        "名额",
        "已报名",
        "候补",
        "状态",
    ]
    assert [(r[2], r[8], r[10]) for r in rows[1:]] == [
        ("甲机关党委活动1", 2, "报名中"),
        ("甲机关党委活动2", 0, "进行中"),
    ]
    assert rows[1][0] == timezone.localtime(coming.starts_at).strftime("%Y-%m-%d %H:%M")
    # The year filter: last year's activity of the branch below, and nothing else.
    last = sheet(client.get(f"/volunteer/activities/?year={this_year - 1}&export=xlsx"))
    assert [(r[2], r[4], r[10]) for r in last[1:]] == [
        ("甲第一支部活动1", "甲第一支部", "已结束，待确认时长")
    ]
    login(client, yi)
    assert [r[2] for r in sheet(client.get("/volunteer/activities/?export=xlsx"))[1:]] == [
        "乙机关党委活动1"
    ]
    login(client, jia)
    few = queries(client, "/volunteer/activities/?export=xlsx")
    make_activities(tree.committee_a, jia, kind, [now + timedelta(days=d) for d in range(5, 10)])
    assert queries(client, "/volunteer/activities/?export=xlsx") == few


# ── Co-building agreements ──


def test_agreements_export_is_the_filtered_list_in_scope(
    client: Any, tree: Tree, admins: tuple[Any, Any]
) -> None:
    jia, yi = admins
    community = partner_create(actor=None, org=tree.committee_a, name="桥门社区", kind="community")
    other = partner_create(actor=None, org=tree.committee_b, name="深沟桥社区", kind="community")
    today = timezone.localdate()

    def agreement(org: Any, title: str, parties: list[Any], partner: Any) -> Any:
        return agreement_create(
            actor=None,
            org=org,
            title=title,
            signed_on=today - timedelta(days=400),
            ends_on=today + timedelta(days=300),
            party_orgs=parties,
            party_partners=[partner],
            summary="=共建",
        )

    agreement(tree.committee_a, "甲共建协议", [tree.committee_a, tree.branch_a1], community)
    ended = agreement(tree.committee_a, "甲旧协议", [tree.committee_a], community)
    agreement_end(actor=None, agreement=ended, reason="到期不再续签")
    agreement(tree.committee_b, "乙共建协议", [tree.committee_b], other)

    login(client, jia)
    page = client.get("/cobuild/agreements/?state=active").content.decode()
    assert 'href="?state=active&amp;export=xlsx"' in page
    assert page.count('data-testid="agreement"') == 1
    rows = sheet(client.get("/cobuild/agreements/?export=xlsx"))
    assert rows[0] == [
        "标题",
        "归档单位",
        "签订日期",
        "结束日期",
        "有效",
        "签约党组织",
        "共建单位",
        "协议主要内容",
    ]
    by_title = {r[0]: r for r in rows[1:]}
    assert set(by_title) == {"甲共建协议", "甲旧协议"}
    assert by_title["甲共建协议"][1:] == [
        "甲机关党委",
        datetime.combine(today - timedelta(days=400), time.min),  # openpyxl reads dates so
        datetime.combine(today + timedelta(days=300), time.min),
        "是",
        "甲机关党委、甲第一支部",
        "桥门社区",
        "'=共建",  # a formula-like text is kept as text
    ]
    assert by_title["甲旧协议"][4] == "否"
    assert [
        r[0] for r in sheet(client.get("/cobuild/agreements/?state=active&export=xlsx"))[1:]
    ] == ["甲共建协议"]
    assert [
        r[0] for r in sheet(client.get("/cobuild/agreements/?state=ended&export=xlsx"))[1:]
    ] == ["甲旧协议"]
    login(client, yi)
    assert [r[0] for r in sheet(client.get("/cobuild/agreements/?export=xlsx"))[1:]] == [
        "乙共建协议"
    ]
    login(client, jia)
    few = queries(client, "/cobuild/agreements/?export=xlsx")
    for n in range(4):
        agreement(tree.committee_a, f"甲协议{n}", [tree.committee_a, tree.branch_a2], community)
    assert queries(client, "/cobuild/agreements/?export=xlsx") == few


# ── Handouts (模法师) ──


def test_handouts_export_is_the_filtered_ledger_in_scope(
    client: Any, tree: Tree, admins: tuple[Any, Any]
) -> None:
    jia, yi = admins
    book = material_create(actor=None, org=tree.committee_a, name="青少年法治读本", stock=100)
    cards = material_create(
        actor=None, org=tree.committee_a, name="禁毒知识卡片", stock=30, low_stock_at=20
    )
    material_create(actor=None, org=tree.committee_b, name="乙宣传册", stock=10)
    material_receive(actor=None, material=book, quantity=50, note="印制")
    project, topic = legal_project(tree.committee_a)
    person(project, "张律师")
    order = session(project, topic, school(tree.committee_a))
    handouts_issue(actor=None, order=order, quantities={book: 40, cards: 15})

    login(client, jia)
    page = client.get("/lawedu/materials/?low=1").content.decode()
    assert 'href="?low=1&amp;export=xlsx"' in page
    assert page.count('data-testid="material"') == 1
    year = timezone.localdate().year
    rows = sheet(client.get("/lawedu/materials/?export=xlsx"))
    assert rows[0] == [
        "资料",
        "单位",
        "保管单位",
        "在库",
        "已预留",
        "可用",
        "预警线",
        f"{year}年入库",
        f"{year}年发放",
        "备注",
    ]
    assert [r[:9] for r in rows[1:]] == [
        # Received: what was on the shelf when the handout was added, and the copies since.
        ["禁毒知识卡片", "本", "甲机关党委", 15, 0, 15, 20, 30, 15],
        ["青少年法治读本", "本", "甲机关党委", 110, 0, 110, 20, 150, 40],
    ]
    low = sheet(client.get("/lawedu/materials/?low=1&export=xlsx"))
    assert [r[0] for r in low[1:]] == ["禁毒知识卡片"]
    login(client, yi)
    assert [r[0] for r in sheet(client.get("/lawedu/materials/?export=xlsx"))[1:]] == ["乙宣传册"]
    login(client, jia)
    few = queries(client, "/lawedu/materials/?export=xlsx")
    for n in range(4):
        material_create(actor=None, org=tree.branch_a1, name=f"资料{n}", stock=5)
    assert queries(client, "/lawedu/materials/?export=xlsx") == few
