from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.orglife import selectors, services
from mofan.orglife.models import (
    Attendance,
    AttendanceStatus,
    FrequencyRule,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from mofan.orglife.rules import window_of, windows_in_year
from mofan.orgs.models import Organisation
from mofan.orgs.services import seat_assign
from tests.conftest import Tree, make_members, make_user, seat

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(y: int, m: int, d: int, h: int = 15) -> datetime:
    return datetime(y, m, d, h, tzinfo=TZ)


def schedule(org: Organisation, kind: str, when: datetime, **extra: object) -> Meeting:
    return services.meeting_schedule(
        actor=None,
        org=org,
        kind=kind,
        topic="学习",
        starts_at=when,
        ends_at=when + timedelta(hours=2),
        **extra,
    )


def test_windows_at_their_edges() -> None:
    assert window_of("quarter", date(2026, 3, 31)).ends == date(2026, 4, 1)
    assert window_of("quarter", date(2026, 4, 1)).starts == date(2026, 4, 1)
    assert window_of("month", date(2026, 12, 31)).ends == date(2027, 1, 1)
    assert window_of("year", date(2026, 6, 1)).label == "2026年"
    assert [w.label for w in windows_in_year("quarter", 2026)] == [
        "2026年第1季度",
        "2026年第2季度",
        "2026年第3季度",
        "2026年第4季度",
    ]


def test_schedule_invites_who_should_come(tree: Tree) -> None:
    people = make_members(tree.branch_a1, 4)
    seat_assign(
        actor=None,
        org=tree.branch_a1,
        position="secretary",
        holder=people[0],
        starts_on=date(2024, 1, 1),
    )
    future = timezone.now() + timedelta(days=3)
    assembly = schedule(tree.branch_a1, MeetingKind.GENERAL_ASSEMBLY, future)
    assert assembly.attendances.count() == 4 and assembly.status == MeetingStatus.SCHEDULED
    committee = schedule(tree.branch_a1, MeetingKind.COMMITTEE_MEETING, future)
    assert [a.member for a in committee.attendances.all()] == [people[0]]
    with pytest.raises(DomainError) as exc:
        schedule(tree.branch_a1, MeetingKind.GROUP_MEETING, future)
    assert "不举行这类会议" in " ".join(exc.value.messages)
    past = schedule(tree.branch_a1, MeetingKind.PARTY_LESSON, at(2026, 1, 10))
    assert past.status == MeetingStatus.HELD and not past.is_late_entry  # history loaded
    secretary = make_user(
        "s", grants=[(Role.objects.get(code="branch_secretary"), tree.branch_a1, True)]
    )
    late = services.meeting_schedule(
        actor=secretary,
        org=tree.branch_a1,
        kind=MeetingKind.PARTY_LESSON,
        topic="补记党课",
        starts_at=at(2026, 2, 10),
        ends_at=at(2026, 2, 10, 17),
    )
    assert late.is_late_entry and late.status == MeetingStatus.HELD  # 补录


def test_attendance_is_idempotent_and_audited(tree: Tree) -> None:
    person = make_members(tree.branch_a1, 2)[0]
    meeting = schedule(
        tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, timezone.now() + timedelta(days=1)
    )
    events = AuditEvent.objects.count()
    attendance, changed = services.attendance_record(
        actor=None, meeting=meeting, member=person, status=AttendanceStatus.PRESENT
    )
    assert changed and attendance.checked_in_at is not None
    again, changed = services.attendance_record(
        actor=None, meeting=meeting, member=person, status=AttendanceStatus.PRESENT
    )
    assert not changed and again.checked_in_at == attendance.checked_in_at
    assert AuditEvent.objects.count() == events + 1
    with pytest.raises(DomainError) as exc:
        services.attendance_record(
            actor=None, meeting=meeting, member=person, status=AttendanceStatus.LEAVE
        )
    assert "请填写请假原因" in " ".join(exc.value.messages)
    services.attendance_record(
        actor=None,
        meeting=meeting,
        member=person,
        status=AttendanceStatus.LEAVE,
        leave_reason="出差",
    )
    assert Attendance.objects.get(meeting=meeting, member=person).leave_reason == "出差"


def test_status_transitions(tree: Tree, roles: dict[str, Role]) -> None:
    make_members(tree.branch_a1, 1)
    meeting = schedule(
        tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, timezone.now() + timedelta(days=1)
    )
    services.meeting_set_status(actor=None, meeting=meeting, status=MeetingStatus.CANCELLED)
    with pytest.raises(DomainError) as exc:
        services.meeting_set_status(actor=None, meeting=meeting, status=MeetingStatus.HELD)
    assert "已取消的会议不能改为已召开" in " ".join(exc.value.messages)
    outsider = make_user("o", grants=[(roles["branch_secretary"], tree.branch_b1, True)])
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(
            actor=outsider,
            org=tree.branch_a1,
            kind=MeetingKind.THEMED_PARTY_DAY,
            topic="越权",
            starts_at=at(2026, 1, 1),
            ends_at=at(2026, 1, 1, 17),
        )
    assert not Meeting.objects.filter(topic="越权").exists()


def test_compliance_counts_held_meetings_by_the_rule_in_force(
    tree: Tree, roles: dict[str, Role]
) -> None:
    make_members(tree.branch_a1, 3)
    Organisation.objects.filter(pk__in=[tree.branch_a1.pk, tree.branch_a2.pk]).update(
        established_on=date(2025, 1, 1)
    )
    Organisation.objects.filter(pk=tree.branch_b1.pk).update(established_on=date(2026, 5, 15))
    for month in (1, 2, 4, 7):
        schedule(tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, at(2026, month, 20))
    schedule(tree.branch_a1, MeetingKind.GENERAL_ASSEMBLY, at(2026, 3, 31, 20))  # Q1 edge
    schedule(tree.branch_a1, MeetingKind.GENERAL_ASSEMBLY, at(2026, 4, 1, 9))  # Q2
    cancelled = schedule(tree.branch_a1, MeetingKind.PARTY_LESSON, at(2026, 2, 2))
    Meeting.objects.filter(pk=cancelled.pk).update(status=MeetingStatus.CANCELLED)
    FrequencyRule.objects.create(
        kind=MeetingKind.THEMED_PARTY_DAY, period="month", count=2, effective_from=date(2026, 7, 1)
    )  # changed mid-year
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    today = date(2026, 8, 10)
    rows = {
        r.org.name: r for r in selectors.compliance(actor=admin, under=None, year=2026, today=today)
    }
    a1 = rows["甲第一支部"]
    party_days = a1.cells[MeetingKind.THEMED_PARTY_DAY]
    assert [(c.window.starts.month, c.required, c.held) for c in party_days[:8]] == [
        (1, 1, 1),
        (2, 1, 1),
        (3, 1, 0),
        (4, 1, 1),
        (5, 1, 0),
        (6, 1, 0),
        (7, 2, 1),
        (8, 2, 0),
    ]
    assert [c.status(today) for c in party_days[:8]] == [
        "met",
        "met",
        "overdue",
        "met",
        "overdue",
        "overdue",
        "overdue",
        "due",
    ]
    assemblies = a1.cells[MeetingKind.GENERAL_ASSEMBLY]
    assert [c.held for c in assemblies] == [1, 1, 0, 0]
    assert a1.summary(MeetingKind.PARTY_LESSON, today) == (0, 3, 2)  # cancelled never counts
    assert MeetingKind.COMMITTEE_MEETING not in a1.cells  # no 支委会, none owed
    b1 = rows["乙第一支部"]  # created 15 May: owes nothing before June
    assert b1.cells[MeetingKind.THEMED_PARTY_DAY][0].window.starts == date(2026, 6, 1)
    assert [c.window.starts for c in b1.cells[MeetingKind.GENERAL_ASSEMBLY]] == [
        date(2026, 7, 1),
        date(2026, 10, 1),
    ]
    group = rows["甲一党小组"]
    assert list(group.cells) == [MeetingKind.GROUP_MEETING]
    scoped = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    assert {
        r.org.name for r in selectors.compliance(actor=scoped, under=None, year=2026, today=today)
    } == {"甲第一支部", "甲第二支部", "甲一党小组"}


def test_minutes_quorum_votes_and_word(tree: Tree) -> None:
    import io

    from docx import Document

    from mofan.members.models import MemberStatus
    from mofan.orglife.documents import minutes_docx
    from tests.conftest import make_members as members_of

    full = members_of(tree.branch_a1, 4)
    members_of(tree.branch_a1, 1, status=MemberStatus.PROBATIONARY)
    meeting = schedule(
        tree.branch_a1,
        MeetingKind.GENERAL_ASSEMBLY,
        timezone.now() + timedelta(hours=1),
        place="党员活动室",
    )
    for person in full[:2]:
        services.attendance_record(
            actor=None, meeting=meeting, member=person, status=AttendanceStatus.PRESENT
        )
    assert services.quorum(meeting=meeting).reached is False  # 2 of 4: not more than half
    with pytest.raises(DomainError) as exc:
        services.resolution_record(
            actor=None,
            meeting=meeting,
            text="接收预备党员",
            votes_for=2,
            votes_against=0,
            abstentions=0,
        )
    assert "未达到法定人数" in " ".join(exc.value.messages)
    services.attendance_record(
        actor=None, meeting=meeting, member=full[2], status=AttendanceStatus.PRESENT
    )
    services.attendance_record(
        actor=None,
        meeting=meeting,
        member=full[3],
        status=AttendanceStatus.LEAVE,
        leave_reason="病假",
    )
    with pytest.raises(DomainError) as exc:
        services.resolution_record(
            actor=None,
            meeting=meeting,
            text="接收预备党员",
            votes_for=3,
            votes_against=1,
            abstentions=0,
        )
    assert "超过了到会的 3 名正式党员" in " ".join(exc.value.messages)
    passed = services.resolution_record(
        actor=None,
        meeting=meeting,
        text="同意张三按期转正",
        votes_for=3,
        votes_against=0,
        abstentions=0,
    )
    failed = services.resolution_record(
        actor=None, meeting=meeting, text="另一项决议", votes_for=2, votes_against=1, abstentions=0
    )
    assert passed.passed and not failed.passed  # more than half of the 4 with a vote
    services.minutes_save(
        actor=None,
        meeting=meeting,
        minutes=(
            '<p onclick="x()">书记传达了会议精神。</p><script>alert(1)</script>'
            '<iframe src="http://evil"></iframe><ul><li>讨论发展对象</li></ul>'
        ),
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>书记传达了会议精神。</p><ul><li>讨论发展对象</li></ul>"
    document = Document(io.BytesIO(minutes_docx(meeting)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert document.paragraphs[0].text == "甲第一支部支部党员大会记录"
    assert cells["地　　点"] == "党员活动室"
    assert cells["应到人数"] == "5人"
    assert cells["实到人数"].startswith("3人：")
    assert cells["请假人员"] == f"1人：{full[3].full_name}"
    assert "书记传达了会议精神。" in text and "讨论发展对象" in text
    assert "同意张三按期转正（应到有表决权党员4人，赞成3票，反对0票，弃权0票，通过）" in text
    title_font = document.paragraphs[0].runs[0]._element.rPr.rFonts
    assert (
        title_font.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "方正小标宋简体"
    )


def test_months_table_and_overdue_alerts(tree: Tree, roles: dict[str, Role]) -> None:
    from django.test import Client

    from mofan.core.models import Message
    from mofan.orglife.tasks import alert_overdue
    from tests.conftest import login

    Organisation.objects.filter(pk=tree.branch_a1.pk).update(established_on=date(2025, 1, 1))
    make_members(tree.branch_a1, 3)
    schedule(tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, at(2026, 1, 20))
    schedule(tree.branch_a1, MeetingKind.GENERAL_ASSEMBLY, at(2026, 2, 20))
    schedule(tree.branch_a1, MeetingKind.PARTY_LESSON, at(2026, 3, 5))
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    today = date(2026, 4, 1)
    row = next(
        r
        for r in selectors.compliance(actor=admin, under=None, year=2026, today=today)
        if r.org.pk == tree.branch_a1.pk
    )
    assert [selectors.month_status(row, m, 2026, today) for m in (1, 2, 3, 4, 5)] == [
        "met",
        "overdue",
        "overdue",
        "due",
        "due",
    ]
    page = login(Client(), admin).get("/orglife/compliance/", {"year": 2026, "view": "months"})
    assert page.status_code == 200 and 'data-testid="month-row"' in page.content.decode()
    secretary = make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    assert alert_overdue(today=today) == 1  # March: no 主题党日 (Q1 was met by 2 Feb and 5 Mar)
    message = Message.objects.get(user=secretary)
    assert message.title == "甲第一支部：2026年3月未开主题党日"
    assert alert_overdue(today=today) == 0  # once


def test_attendees_are_notified_and_reminded(
    tree: Tree, django_capture_on_commit_callbacks: object
) -> None:
    from mofan.core.models import Message
    from mofan.members.models import Member
    from mofan.orglife.tasks import remind_tomorrow

    people = make_members(tree.branch_a1, 2)
    user = make_user("tongzhi")
    Member.objects.filter(pk=people[0].pk).update(user=user)
    tomorrow = timezone.localtime() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        meeting = schedule(tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, tomorrow, place="会议室")
    notice = Message.objects.get(user=user)
    assert notice.title.startswith("会议通知：学习")
    assert remind_tomorrow(today=timezone.localdate()) == 1
    assert remind_tomorrow(today=timezone.localdate()) == 0  # once
    assert Message.objects.filter(user=user, title__startswith="明天开会").count() == 1
    services.meeting_set_status(actor=None, meeting=meeting, status=MeetingStatus.CANCELLED)
    assert remind_tomorrow(today=timezone.localdate()) == 0  # a cancelled meeting: no reminder


def test_a_branch_with_a_committee_owes_committee_meetings_while_it_has_one(
    tree: Tree, roles: dict[str, Role]
) -> None:
    from mofan.orgs.models import CommitteeSeat, SeatPosition
    from mofan.orgs.services import seat_end

    people = make_members(tree.branch_a1, 4)
    Organisation.objects.filter(pk=tree.branch_a1.pk).update(established_on=date(2025, 1, 1))
    positions = (SeatPosition.SECRETARY, SeatPosition.ORGANISATION, SeatPosition.PUBLICITY)
    seat(tree.branch_a1, dict(zip(positions, people, strict=False)), date(2025, 1, 1))
    for month in (1, 2):
        schedule(tree.branch_a1, MeetingKind.COMMITTEE_MEETING, at(2026, month, 10))
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    today = date(2026, 3, 15)

    def committee_cells() -> list[tuple[int, str]] | None:
        rows = selectors.compliance(actor=admin, under=None, year=2026, today=today)
        a1 = next(r for r in rows if r.org.pk == tree.branch_a1.pk)
        cells = a1.cells.get(MeetingKind.COMMITTEE_MEETING)
        return None if cells is None else [(c.held, c.status(today)) for c in cells[:3]]

    assert committee_cells() == [(1, "met"), (1, "met"), (0, "due")]
    ending = CommitteeSeat.objects.filter(org=tree.branch_a1).first()
    assert ending is not None
    seat_end(actor=None, seat=ending, ends_on=date(2026, 3, 1))  # two seats left: no committee
    assert committee_cells() is None
