"""Study pages: the forms' flows, refusals on the page, and fixed query counts."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core.models import AuditEvent
from mofan.members.models import Member
from mofan.members.rules import shift_years
from mofan.members.services import member_create
from mofan.orglife.models import Attendance, AttendanceStatus
from mofan.study.models import Speech, StudyGroup, StudyKind, StudyPlan, StudySession
from mofan.study.services import study_group_create, study_session_schedule
from tests.conftest import Tree, login, make_members, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(client: Client, tree: Tree, roles: Any) -> Client:
    user = make_user("shuji", grants=[(roles["committee_admin"], tree.committee_a, True)])
    return login(client, user)


def test_create_a_group_add_members_and_schedule(secretary: Client, tree: Tree) -> None:
    today = timezone.localdate()
    young = member_create(
        actor=None, full_name="小王", org=tree.branch_a1, birth_date=shift_years(today, 30)
    )
    old = member_create(
        actor=None, full_name="老李", org=tree.branch_a2, birth_date=shift_years(today, 50)
    )
    response = secretary.post(
        reverse("study:group_create"),
        {"org": tree.committee_a.pk, "kind": StudyKind.YOUTH_GROUP, "name": "青年理论学习小组"},
    )
    group = StudyGroup.objects.get()
    assert response.url == reverse("study:group_detail", args=[group.pk])
    page = secretary.get(response.url).content.decode()
    assert "小王（30）" in page and "老李（50）" in page  # the choices show ages

    add = reverse("study:group_members_add", args=[group.pk])
    response = secretary.post(add, {"members": [young.pk, old.pk]})
    assert response.status_code == 200
    message = _(
        "A youth theory study group takes members aged %(age)d or younger; %(names)s are older."
    ) % {"age": 40, "names": "老李"}
    assert message in response.content.decode()
    assert group.memberships.count() == 0
    response = secretary.post(add, {"members": [young.pk]})
    assert response.status_code == 302 and group.memberships.get().member == young

    start = timezone.localtime() + timedelta(days=2)
    response = secretary.post(
        reverse("study:session_create", args=[group.pk]),
        {
            "topic": "青年干部读书会",
            "starts_at": start.strftime("%Y-%m-%dT09:00"),
            "ends_at": start.strftime("%Y-%m-%dT11:00"),
            "place": "图书室",
            "materials": "《习近平新时代中国特色社会主义思想学习纲要》",
        },
    )
    session = StudySession.objects.get()
    assert response.url == reverse("study:session_detail", args=[session.pk])
    assert [a.member for a in session.meeting.attendances.all()] == [young]
    page = secretary.get(response.url).content.decode()
    assert "青年干部读书会" in page and "学习纲要" in page

    response = secretary.post(
        reverse("study:speech_add", args=[session.pk]),
        {"speaker": young.pk, "title": "读书体会", "text": "<p>学以致用</p><img src=x>"},
    )
    assert response.status_code == 302
    assert Speech.objects.get().text == "<p>学以致用</p>"
    page = secretary.get(reverse("study:session_detail", args=[session.pk])).content.decode()
    assert "读书体会" in page and "<img" not in page


def test_a_speaker_outside_the_attendees_cannot_be_chosen(secretary: Client, tree: Tree) -> None:
    people = make_members(tree.branch_a1, 2)
    group = study_group_create(
        actor=None, org=tree.branch_a1, kind="biweekly", name="双周学习", members=people[:1]
    )
    session = study_session_schedule(
        actor=None,
        group=group,
        topic="双周学习",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
    )
    before = AuditEvent.objects.count()
    response = secretary.post(
        reverse("study:speech_add", args=[session.pk]),
        {"speaker": people[1].pk, "title": "不在名单"},
    )
    assert response.status_code == 200  # the form shows the refusal
    assert Speech.objects.count() == 0 and AuditEvent.objects.count() == before


def test_duplicate_plan_is_refused_on_the_form(secretary: Client, tree: Tree) -> None:
    year = timezone.localdate().year
    data = {"org": tree.committee_a.pk, "year": year, "title": "年度学习计划", "content": "内容"}
    response = secretary.post(reverse("study:plan_create"), data)
    plan = StudyPlan.objects.get()
    assert response.url == reverse("study:plan_detail", args=[plan.pk])
    response = secretary.post(reverse("study:plan_create"), data)
    assert response.status_code == 200
    message = _("%(org)s already has a study plan for %(year)d.") % {
        "org": tree.committee_a.name,
        "year": year,
    }
    assert message in response.content.decode()
    assert StudyPlan.objects.count() == 1
    response = secretary.post(
        reverse("study:plan_edit", args=[plan.pk]), {"title": "修订", "content": "新内容"}
    )
    plan.refresh_from_db()
    assert response.status_code == 302 and plan.title == "修订"


def test_creating_on_the_other_side_changes_nothing(client: Client, tree: Tree, roles: Any) -> None:
    outsider = make_user("b", grants=[(roles["committee_admin"], tree.committee_b, True)])
    login(client, outsider)
    before = (StudyGroup.objects.count(), StudyPlan.objects.count(), AuditEvent.objects.count())
    client.post(
        reverse("study:group_create"),
        {"org": tree.branch_a1.pk, "kind": "biweekly", "name": "越权"},
    )
    client.post(
        reverse("study:plan_create"),
        {"org": tree.branch_a1.pk, "year": 2026, "title": "越权"},
    )
    after = (StudyGroup.objects.count(), StudyPlan.objects.count(), AuditEvent.objects.count())
    assert after == before


def _load(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def _grow(tree: Tree, group: StudyGroup, n: int) -> None:
    people = make_members(tree.branch_a1, n)
    from mofan.study.services import speech_add, study_group_add_members

    study_group_add_members(actor=None, group=group, members=people)
    for i in range(n):
        start = timezone.now() - timedelta(hours=3 + i)
        session = study_session_schedule(
            actor=None,
            group=group,
            topic=f"学习{n}-{i}",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        Attendance.objects.filter(meeting=session.meeting).update(status=AttendanceStatus.PRESENT)
        speech_add(actor=None, session=session, speaker=people[0], title=f"发言{i}")


def test_study_pages_do_not_grow_with_rows(
    secretary: Client, tree: Tree, django_assert_max_num_queries: Any
) -> None:
    group = study_group_create(actor=None, org=tree.branch_a1, kind="biweekly", name="双周学习")
    member = member_create(actor=None, full_name="张三", org=tree.branch_a1)
    linked = make_user("zhangsan")
    Member.objects.filter(pk=member.pk).update(user=linked)
    from mofan.study.services import study_group_add_members

    study_group_add_members(actor=None, group=group, members=[member])
    _grow(tree, group, 2)
    session = StudySession.objects.order_by("id").first()
    assert session is not None
    pages = [
        reverse("study:group_detail", args=[group.pk]),
        reverse("study:session_detail", args=[session.pk]),
        reverse("study:member_record", args=[member.pk]),
    ]
    secretary.get("/")  # the first request also records the session as online
    small = [_load(secretary, url)[0] for url in pages]
    mine = login(Client(), linked)
    mine.get("/")
    small_mine = _load(mine, reverse("study:mine"))[0]
    _grow(tree, group, 8)
    large = [_load(secretary, url)[0] for url in pages]
    assert large == small
    count, page = _load(mine, reverse("study:mine"))
    assert count == small_mine
    assert page.count('data-testid="record-session"') == 10  # every session of the group
    for url in pages:
        with django_assert_max_num_queries(16):
            secretary.get(url)
    _count, page = _load(secretary, reverse("study:group_detail", args=[group.pk]))
    assert page.count('data-testid="member-hours"') == 11
    assert page.count('data-testid="session-row"') == 10


def test_my_study_record_without_a_member_record(client: Client, tree: Tree) -> None:
    login(client, make_user("nobody"))
    response = client.get(reverse("study:mine"))
    assert response.status_code == 403
    assert (
        _("This page is for party members themselves: your login is not linked to a member record.")
        in response.content.decode()
    )


def test_my_study_record_shows_my_hours(client: Client, tree: Tree) -> None:
    year = timezone.localdate().year - 1
    person = make_members(tree.branch_a1, 1)[0]
    user = make_user("me")
    Member.objects.filter(pk=person.pk).update(user=user)
    group = study_group_create(
        actor=None, org=tree.branch_a1, kind="biweekly", name="双周学习", members=[person]
    )
    start = timezone.make_aware(timezone.datetime(year, 6, 1, 9))
    session = study_session_schedule(
        actor=None,
        group=group,
        topic="六月双周学习",
        starts_at=start,
        ends_at=start + timedelta(hours=2, minutes=30),
    )
    Attendance.objects.filter(meeting=session.meeting).update(status=AttendanceStatus.PRESENT)
    login(client, user)
    page = client.get(reverse("study:mine"), {"year": year}).content.decode()
    assert "六月双周学习" in page
    total = re.search(r'data-testid="record-total">([^<]*)<', page)
    assert total is not None and "2.5" in total.group(1)
