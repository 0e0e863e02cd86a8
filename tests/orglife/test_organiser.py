"""The organiser's side of a meeting: host and recorder, marking it held, leave requests."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document

from mofan.accounts.models import Role
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent, Message
from mofan.members.models import Member
from mofan.orglife import services
from mofan.orglife.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ReviewState,
)
from tests.conftest import Tree, login, make_members, make_user
from tests.orglife.test_services import at, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(tree: Tree, roles: dict[str, Role]) -> Any:
    return make_user("sec", grants=[(roles["branch_secretary"], tree.branch_a1, True)])


def _docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(cells + [p.text for p in document.paragraphs])


# ---- host and recorder ------------------------------------------------------------------


def test_host_and_recorder_set_through_the_minutes_page(
    client: Client, tree: Tree, secretary: Any
) -> None:
    people = make_members(tree.branch_a1, 3)
    meeting = schedule(tree.branch_a1, MeetingKind.PARTY_LESSON, at(2026, 3, 5))
    login(client, secretary)
    form = client.get(f"/orglife/{meeting.pk}/minutes/").content.decode()
    assert "主持人" in form and "记录人" in form and people[1].full_name in form
    response = client.post(
        f"/orglife/{meeting.pk}/minutes/",
        {"minutes": "<p>学习党章</p>", "host": people[0].pk, "recorder": people[1].pk},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.host, meeting.recorder) == (people[0], people[1])
    page = client.get(f"/orglife/{meeting.pk}/").content.decode()
    assert people[0].full_name in page and people[1].full_name in page
    text = _docx_text(client.get(f"/orglife/{meeting.pk}/minutes.docx").content)
    assert f"主 持 人\n{people[0].full_name}" in text
    assert f"记 录 人\n{people[1].full_name}" in text
    assert AuditEvent.objects.filter(action="orglife.meeting.minutes").exists()


def test_a_host_from_outside_the_branch_is_refused(
    client: Client, tree: Tree, secretary: Any
) -> None:
    people = make_members(tree.branch_a1, 2)
    stranger = make_members(tree.branch_b1, 1)[0]
    meeting = schedule(tree.branch_a1, MeetingKind.PARTY_LESSON, at(2026, 3, 5))
    with pytest.raises(DomainError, match="主持人须为本次会议的参会人员或本支部党员"):
        services.minutes_save(
            actor=secretary, meeting=meeting, minutes="", host=stranger, recorder=people[0]
        )
    login(client, secretary)
    response = client.post(
        f"/orglife/{meeting.pk}/minutes/",
        {"minutes": "<p>改</p>", "host": stranger.pk, "recorder": people[0].pk},
    )
    assert response.status_code == 200
    assert "主持人须为本次会议的参会人员或本支部党员" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.host, meeting.recorder, meeting.minutes) == (None, None, "")


def test_host_and_recorder_corrected_after_a_return(
    client: Client, tree: Tree, secretary: Any, roles: dict[str, Role]
) -> None:
    people = make_members(tree.branch_a1, 3)
    meeting = schedule(tree.branch_a1, MeetingKind.PARTY_LESSON, at(2026, 3, 5))
    committee = make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    services.meeting_submit(actor=secretary, meeting=meeting)
    with pytest.raises(DomainError, match="退回后"):
        services.minutes_save(actor=secretary, meeting=meeting, minutes="", host=people[0])
    services.meeting_review(actor=committee, meeting=meeting, approve=False, comment="缺主持人")
    login(client, secretary)
    client.post(
        f"/orglife/{meeting.pk}/minutes/",
        {"minutes": "<p>学习</p>", "host": people[2].pk, "recorder": people[0].pk},
    )
    meeting.refresh_from_db()
    assert (meeting.host, meeting.recorder) == (people[2], people[0])
    assert meeting.review_state == ReviewState.RETURNED
    services.meeting_submit(actor=secretary, meeting=meeting)


def test_saving_the_minutes_alone_keeps_host_and_recorder(tree: Tree, secretary: Any) -> None:
    people = make_members(tree.branch_a1, 2)
    meeting = schedule(
        tree.branch_a1, MeetingKind.PARTY_LESSON, at(2026, 3, 5), host=people[0], recorder=people[1]
    )
    services.minutes_save(actor=secretary, meeting=meeting, minutes="<p>再改</p>")
    meeting.refresh_from_db()
    assert (meeting.host, meeting.recorder) == (people[0], people[1])


# ---- marking a meeting held -------------------------------------------------------------


def _upcoming(tree: Tree, minutes: int) -> Meeting:
    start = timezone.now() + timedelta(minutes=minutes)
    return services.meeting_schedule(
        actor=None,
        org=tree.branch_a1,
        kind=MeetingKind.THEMED_PARTY_DAY,
        topic="主题党日",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


def test_a_meeting_is_not_held_before_it_starts(tree: Tree, secretary: Any) -> None:
    make_members(tree.branch_a1, 2)
    early = _upcoming(tree, 9)
    with pytest.raises(DomainError, match="开始后才能标记为已召开"):
        services.meeting_set_status(actor=secretary, meeting=early, status=MeetingStatus.HELD)
    early.refresh_from_db()
    assert early.status == MeetingStatus.SCHEDULED
    assert not AuditEvent.objects.filter(action="orglife.meeting.held").exists()
    # Cancelling beforehand stays possible; a meeting under way may be marked held.
    started = _upcoming(tree, -5)
    services.meeting_set_status(actor=secretary, meeting=started, status=MeetingStatus.HELD)
    started.refresh_from_db()
    assert started.status == MeetingStatus.HELD
    services.meeting_set_status(actor=secretary, meeting=early, status=MeetingStatus.CANCELLED)


def test_the_status_view_shows_the_refusal(client: Client, tree: Tree, secretary: Any) -> None:
    early = _upcoming(tree, 9)
    login(client, secretary)
    response = client.post(f"/orglife/{early.pk}/status/", {"status": "held"}, follow=True)
    assert "开始后才能标记为已召开" in response.content.decode()
    early.refresh_from_db()
    assert early.status == MeetingStatus.SCHEDULED


# ---- leave requests reach the organiser --------------------------------------------------


def test_a_leave_request_is_sent_to_the_organiser(
    tree: Tree, secretary: Any, roles: dict[str, Role]
) -> None:
    people = make_members(tree.branch_a1, 2)
    member_user = make_user("qingjia")
    Member.objects.filter(pk=people[0].pk).update(user=member_user)
    # Scheduled by a second manager of the branch; the level above is not bothered.
    organiser = make_user("zuzhi", grants=[(roles["branch_secretary"], tree.branch_a1, False)])
    above = make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    start = timezone.now() + timedelta(days=2)
    meeting = services.meeting_schedule(
        actor=organiser,
        org=tree.branch_a1,
        kind=MeetingKind.THEMED_PARTY_DAY,
        topic="主题党日",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    client = login(Client(), member_user)
    response = client.post(f"/orglife/{meeting.pk}/leave/", {"reason": "下乡调研"}, follow=True)
    assert "已提交给会议组织者" in response.content.decode()
    link = f"/orglife/{meeting.pk}/"
    for user in (organiser, secretary):
        message = Message.objects.get(user=user)
        assert message.link == link
        assert people[0].full_name in message.title and "主题党日" in message.title
        assert "下乡调研" in message.body
    assert not Message.objects.filter(user=above).exists()
    assert people[0].full_name in login(Client(), organiser).get("/messages/").content.decode()

    row = Attendance.objects.get(meeting=meeting, member=people[0])
    login(Client(), organiser).post(f"/orglife/attendance/{row.pk}/decide/", {"approve": "1"})
    row.refresh_from_db()
    assert row.status == AttendanceStatus.LEAVE
    told = Message.objects.get(user=member_user)
    assert "已批准" in told.title and "主题党日" in told.title
    assert told.link == "/orglife/mine/"


def test_a_refused_leave_is_told_to_the_member(tree: Tree, secretary: Any) -> None:
    people = make_members(tree.branch_a1, 1)
    member_user = make_user("qingjia")
    Member.objects.filter(pk=people[0].pk).update(user=member_user)
    meeting = _upcoming(tree, 60 * 24)
    row = services.leave_request(user=member_user, meeting=meeting, reason="出差")
    # Scheduled by the system: the branch's managers are told.
    assert Message.objects.filter(user=secretary, link=f"/orglife/{meeting.pk}/").count() == 1
    services.leave_decide(actor=secretary, attendance=row, approve=False)
    told = Message.objects.get(user=member_user)
    assert "未获批准" in told.title
