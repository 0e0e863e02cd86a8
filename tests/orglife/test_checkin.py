"""QR check-in: signed short-lived tokens, the meeting's window, idempotence, concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.core import checkin
from mofan.core.errors import DomainError
from mofan.members.models import Member
from mofan.orglife import services
from mofan.orglife.models import Attendance, AttendanceStatus, Meeting, MeetingKind
from tests.conftest import Tree, login, make_members, make_user


def meeting_now(tree: Tree, **shift: int) -> Meeting:
    start = timezone.now() + timedelta(**shift) if shift else timezone.now() - timedelta(minutes=5)
    return services.meeting_schedule(
        actor=None,
        org=tree.branch_a1,
        kind=MeetingKind.THEMED_PARTY_DAY,
        topic="主题党日",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


@pytest.mark.django_db
def test_tokens_expire_and_cannot_be_forged() -> None:
    token = checkin.make_token("orglife.meeting", 7, now=1_000_000)
    assert checkin.read_token(token, kind="orglife.meeting", now=1_000_000 + 29) == 7
    assert checkin.read_token(token, kind="orglife.meeting", now=1_000_000 + 31) == 7
    with pytest.raises(DomainError, match="已过期"):
        checkin.read_token(token, kind="orglife.meeting", now=1_000_000 + 61)
    with pytest.raises(DomainError, match="无效"):
        checkin.read_token(token, kind="volunteer.activity", now=1_000_000)
    forged = signing.dumps(["orglife.meeting", 8, checkin.current_slot()], salt="other")
    with pytest.raises(DomainError, match="无效"):
        checkin.read_token(forged, kind="orglife.meeting")
    with pytest.raises(DomainError, match="无效"):
        checkin.read_token(token[:-2] + "xx", kind="orglife.meeting", now=1_000_000)
    assert "<svg" in checkin.qr_svg("https://example.org/orglife/check-in/abc/")


@pytest.mark.django_db
def test_self_check_in_through_the_code(tree: Tree, roles: dict[str, Role]) -> None:
    person = make_members(tree.branch_a1, 2)[0]
    user = make_user("dangyuan")
    Member.objects.filter(pk=person.pk).update(user=user)
    meeting = meeting_now(tree)
    secretary = make_user("s", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    screen = login(Client(), secretary).get(f"/orglife/{meeting.pk}/check-in-code/")
    assert screen.status_code == 200 and b"<svg" in screen.content
    token = checkin.make_token("orglife.meeting", meeting.pk)
    client = login(Client(), user)
    assert "签到" in client.get(f"/orglife/check-in/{token}/").content.decode()
    first = client.post(f"/orglife/check-in/{token}/").content.decode()
    assert "签到成功" in first
    second = client.post(f"/orglife/check-in/{token}/").content.decode()
    assert "已签到" in second and "签到成功" not in second
    row = Attendance.objects.get(meeting=meeting, member=person)
    assert row.status == AttendanceStatus.PRESENT
    stranger = login(Client(), make_user("lu")).post(f"/orglife/check-in/{token}/")
    assert "尚未关联党员档案" in stranger.content.decode()
    expired = signing.dumps(
        ["orglife.meeting", meeting.pk, checkin.current_slot() - 5], salt=checkin.SALT
    )
    assert "已过期" in client.post(f"/orglife/check-in/{expired}/").content.decode()


@pytest.mark.django_db
def test_check_in_only_within_the_window(tree: Tree) -> None:
    person = make_members(tree.branch_a1, 1)[0]
    user = make_user("u")
    Member.objects.filter(pk=person.pk).update(user=user)
    later = meeting_now(tree, days=1)
    with pytest.raises(DomainError, match="会议开始前半小时"):
        services.attendance_self_check_in(user=user, meeting=later)
    soon = meeting_now(tree, minutes=20)
    _row, counted = services.attendance_self_check_in(user=user, meeting=soon)
    assert counted


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_check_in(tree: Tree) -> None:
    person = make_members(tree.branch_a1, 1)[0]
    user = make_user("u")
    Member.objects.filter(pk=person.pk).update(user=user)
    meeting = meeting_now(tree)
    barrier = threading.Barrier(4)
    counted: list[bool] = []

    def run() -> None:
        try:
            barrier.wait()
            _row, ok = services.attendance_self_check_in(user=user, meeting=meeting)
            counted.append(ok)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(counted) == [False, False, False, True]
    assert Attendance.objects.filter(meeting=meeting, status="present").count() == 1
    from mofan.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="orglife.attendance.check_in").count() == 1


@pytest.mark.django_db
def test_leave_request_and_decision(tree: Tree, roles: dict[str, Role]) -> None:
    people = make_members(tree.branch_a1, 2)
    user = make_user("qingjia")
    Member.objects.filter(pk=people[0].pk).update(user=user)
    meeting = meeting_now(tree, days=2)
    client = login(Client(), user)
    assert "主题党日" in client.get("/orglife/mine/").content.decode()
    with pytest.raises(DomainError, match="请填写请假原因"):
        services.leave_request(user=user, meeting=meeting, reason=" ")
    client.post(f"/orglife/{meeting.pk}/leave/", {"reason": "下乡调研"})
    row = Attendance.objects.get(meeting=meeting, member=people[0])
    assert (row.status, row.leave_reason) == (AttendanceStatus.LEAVE_REQUESTED, "下乡调研")
    secretary = make_user("s", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    outsider = make_user("o", grants=[(roles["branch_secretary"], tree.branch_b1, True)])
    assert (
        login(Client(), outsider)
        .post(f"/orglife/attendance/{row.pk}/decide/", {"approve": "1"})
        .status_code
        == 404
    )
    login(Client(), secretary).post(f"/orglife/attendance/{row.pk}/decide/", {"approve": "1"})
    row.refresh_from_db()
    assert row.status == AttendanceStatus.LEAVE
    with pytest.raises(DomainError, match="已登记为"):
        services.leave_request(user=user, meeting=meeting, reason="再请")
    with pytest.raises(DomainError, match="没有待审批"):
        services.leave_decide(actor=secretary, attendance=row, approve=False)
    past = meeting_now(tree)  # under way: ends in the future but leave still allowed until end
    services.leave_request(user=user, meeting=past, reason="临时有事")
    stranger = make_user("x")
    with pytest.raises(DomainError, match="尚未关联党员档案"):
        services.leave_request(user=stranger, meeting=meeting, reason="无关")


@pytest.mark.django_db
def test_calendar_feed_is_private_and_revocable(tree: Tree) -> None:
    import icalendar

    from mofan.orglife.models import CalendarFeed

    person = make_members(tree.branch_a1, 1)[0]
    user = make_user("rili")
    Member.objects.filter(pk=person.pk).update(user=user)
    meeting = meeting_now(tree, days=3)
    Meeting.objects.filter(pk=meeting.pk).update(topic="学习, 讨论; 总结")
    client = login(Client(), user)
    client.post("/orglife/mine/calendar/")
    token = CalendarFeed.objects.get(user=user).token
    response = Client().get(f"/orglife/calendar/{token}.ics")  # no sign-in: the token is the key
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == "主题党日：学习, 讨论; 总结"
    assert events[0].decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)
    client.post("/orglife/mine/calendar/")  # renewed: the old address stops working
    assert Client().get(f"/orglife/calendar/{token}.ics").status_code == 404
    assert Client().get("/orglife/calendar/nonsense.ics").status_code == 404
