"""Study services: every rule, and each refusal leaves everything as it was."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.accounts.models import Role
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.members.models import Member
from mofan.members.rules import shift_years
from mofan.members.services import member_create
from mofan.orglife.models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingStatus
from mofan.orglife.services import attendance_record, meeting_schedule, meeting_set_status
from mofan.orgs.models import Organisation
from mofan.study import selectors, services
from mofan.study.models import (
    Speech,
    StudyGroup,
    StudyGroupMembership,
    StudyKind,
    StudyPlan,
    StudySession,
)
from mofan.study.rules import YOUTH_GROUP_MAX_AGE
from tests.conftest import Tree, make_members, make_user

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, tzinfo=TZ)


def person(org: Organisation, name: str, born: date | None) -> Member:
    return member_create(actor=None, full_name=name, org=org, birth_date=born)


def group_of(org: Organisation, kind: str, members: list[Member], name: str = "") -> StudyGroup:
    return services.study_group_create(
        actor=None, org=org, kind=kind, name=name or f"{org.name}{kind}", members=members
    )


def session_of(
    group: StudyGroup, when: datetime, hours: float = 2, actor: Any = None
) -> StudySession:
    return services.study_session_schedule(
        actor=actor,
        group=group,
        topic="学习党的二十届四中全会精神",
        starts_at=when,
        ends_at=when + timedelta(hours=hours),
        place="三楼会议室",
        materials="全会公报",
    )


def state() -> tuple[int, ...]:
    return (
        StudyGroup.objects.count(),
        StudyGroupMembership.objects.filter(left_on__isnull=True).count(),
        StudySession.objects.count(),
        Meeting.objects.count(),
        Speech.objects.count(),
        StudyPlan.objects.count(),
        AuditEvent.objects.count(),
    )


def messages_of(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return " ".join(exc.value.messages)


def test_a_group_takes_members_from_its_organisation(tree: Tree) -> None:
    people = make_members(tree.branch_a1, 3) + make_members(tree.branch_a2, 1)
    group = group_of(tree.committee_a, StudyKind.CENTRAL_GROUP, people)
    assert group.memberships.filter(left_on__isnull=True).count() == 4
    assert AuditEvent.objects.filter(action="study.group.create").count() == 1
    assert AuditEvent.objects.filter(action="study.group.add_members").count() == 1
    # adding someone already in the group changes nothing
    assert services.study_group_add_members(actor=None, group=group, members=people[:1]) == 0

    outsider = make_members(tree.branch_b1, 1)[0]
    before = state()
    with pytest.raises(DomainError) as exc:
        services.study_group_add_members(actor=None, group=group, members=[outsider])
    assert messages_of(exc) == _("Not members of %(org)s: %(names)s.") % {
        "org": tree.committee_a.name,
        "names": outsider.full_name,
    }
    assert state() == before


def test_group_needs_a_name_and_a_level_that_holds_study(tree: Tree) -> None:
    before = state()
    with pytest.raises(DomainError) as exc:
        services.study_group_create(
            actor=None, org=tree.group_a1, kind=StudyKind.BIWEEKLY, name="小组学习"
        )
    assert messages_of(exc) == _(
        "Study groups belong to a branch or an organisation above branches."
    )
    with pytest.raises(DomainError) as exc:
        services.study_group_create(
            actor=None, org=tree.branch_a1, kind=StudyKind.BIWEEKLY, name="  "
        )
    assert messages_of(exc) == _("Enter the name of the study group.")
    group_of(tree.branch_a1, StudyKind.BIWEEKLY, [], name="双周学习")
    before = state()
    with pytest.raises(DomainError) as exc:
        group_of(tree.branch_a1, StudyKind.BIWEEKLY, [], name="双周学习")
    assert messages_of(exc) == _("This organisation already has a study group of this name.")
    assert state() == before


def test_youth_group_members_are_forty_or_younger(tree: Tree) -> None:
    today = timezone.localdate()
    forty = person(tree.branch_a1, "四十岁", shift_years(today, YOUTH_GROUP_MAX_AGE))
    turns_41_today = person(tree.branch_a1, "今天四十一", shift_years(today, 41))
    older = person(tree.branch_a1, "四十五岁", shift_years(today, 45))
    unknown = person(tree.branch_a1, "未填生日", None)
    group = group_of(tree.committee_a, StudyKind.YOUTH_GROUP, [forty], name="青年理论学习小组")
    assert group.memberships.get().member == forty

    before = state()
    with pytest.raises(DomainError) as exc:
        services.study_group_add_members(actor=None, group=group, members=[turns_41_today, older])
    assert exc.value.message_dict["members"] == [
        _("A youth theory study group takes members aged %(age)d or younger; %(names)s are older.")
        % {"age": 40, "names": "今天四十一、四十五岁"}
    ]
    with pytest.raises(DomainError) as exc:
        services.study_group_add_members(actor=None, group=group, members=[unknown])
    assert "未填生日" in messages_of(exc)
    assert state() == before  # all or none: nobody was added
    # the same people join any other kind of group
    other = group_of(tree.committee_a, StudyKind.SECTION_CHIEF_LECTURE, [older, unknown])
    assert other.memberships.count() == 2


def test_leaving_a_group(tree: Tree) -> None:
    people = make_members(tree.branch_a1, 2)
    group = group_of(tree.branch_a1, StudyKind.BIWEEKLY, people)
    services.study_group_remove_member(actor=None, group=group, member=people[0])
    before = state()
    with pytest.raises(DomainError) as exc:
        services.study_group_remove_member(actor=None, group=group, member=people[0])
    assert messages_of(exc) == _("This member is not in the study group.")
    assert state() == before
    session = session_of(group, timezone.now() + timedelta(days=1))
    assert [a.member for a in session.meeting.attendances.all()] == [people[1]]
    # rejoining is a new membership; the old one is kept
    services.study_group_add_members(actor=None, group=group, members=[people[0]])
    assert group.memberships.filter(member=people[0]).count() == 2


def test_a_session_is_a_study_meeting_of_the_groups_members(tree: Tree, roles: Any) -> None:
    branch_people = make_members(tree.branch_a1, 4)
    group = group_of(tree.committee_a, StudyKind.CENTRAL_GROUP, branch_people[:2])
    secretary = make_user("admin", grants=[(roles["committee_admin"], tree.committee_a, True)])
    session = session_of(group, timezone.now() + timedelta(days=2), actor=secretary)
    meeting = session.meeting
    assert meeting.kind == MeetingKind.STUDY_SESSION and meeting.org == tree.committee_a
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.created_by == secretary
    assert {a.member for a in meeting.attendances.all()} == set(branch_people[:2])
    assert session.materials == "全会公报" and meeting.study == session
    assert AuditEvent.objects.filter(action="study.session.schedule", actor=secretary).exists()
    assert AuditEvent.objects.filter(action="orglife.meeting.schedule").exists()
    # entered after the fact by a person: a late entry, as for any meeting
    late = session_of(group, at(timezone.localdate().year - 1, 3, 5), actor=secretary)
    assert late.meeting.status == MeetingStatus.HELD and late.meeting.is_late_entry

    empty = group_of(tree.branch_a2, StudyKind.BIWEEKLY, [])
    before = state()
    with pytest.raises(DomainError) as exc:
        session_of(empty, timezone.now() + timedelta(days=2))
    assert messages_of(exc) == _("The study group has no members yet; add them first.")
    with pytest.raises(DomainError) as exc:
        services.study_session_schedule(
            actor=None,
            group=group,
            topic="倒着的时间",
            starts_at=timezone.now() + timedelta(days=1),
            ends_at=timezone.now(),
        )
    assert messages_of(exc) == _("The meeting must end after it starts.")
    assert state() == before


def test_speeches_come_from_attendees_and_are_sanitised(tree: Tree) -> None:
    people = make_members(tree.branch_a1, 3)
    group = group_of(tree.branch_a1, StudyKind.BIWEEKLY, people[:2])
    session = session_of(group, timezone.now() - timedelta(days=1))
    speech = services.speech_add(
        actor=None,
        session=session,
        speaker=people[0],
        title="  学习体会  ",
        text='<p onclick="x()">坚持<strong>学思用贯通</strong></p><script>alert(1)</script>',
    )
    assert speech.title == "学习体会"
    assert speech.text == "<p>坚持<strong>学思用贯通</strong></p>"
    assert AuditEvent.objects.filter(action="study.speech.add").count() == 1

    before = state()
    with pytest.raises(DomainError) as exc:
        services.speech_add(actor=None, session=session, speaker=people[2], title="不在名单")
    assert exc.value.message_dict["speaker"] == [
        _("The speaker must be one of the session's attendees.")
    ]
    attendance_record(
        actor=None,
        meeting=session.meeting,
        member=people[1],
        status=AttendanceStatus.LEAVE,
        leave_reason="出差",
    )
    before = state()
    with pytest.raises(DomainError) as exc:
        services.speech_add(actor=None, session=session, speaker=people[1], title="请假的人")
    assert exc.value.message_dict["speaker"] == [
        _("%(name)s is recorded as %(status)s at this session.")
        % {"name": people[1].full_name, "status": AttendanceStatus.LEAVE.label}
    ]
    with pytest.raises(DomainError) as exc:
        services.speech_add(actor=None, session=session, speaker=people[0], title=" ")
    assert messages_of(exc) == _("Enter the title of the speech.")
    assert state() == before


def test_no_speech_at_a_cancelled_session(tree: Tree) -> None:
    people = make_members(tree.branch_a1, 1)
    group = group_of(tree.branch_a1, StudyKind.BIWEEKLY, people)
    session = session_of(group, timezone.now() + timedelta(days=3))
    meeting_set_status(actor=None, meeting=session.meeting, status=MeetingStatus.CANCELLED)
    before = state()
    with pytest.raises(DomainError) as exc:
        services.speech_add(actor=None, session=session, speaker=people[0], title="发言")
    assert messages_of(exc) == _("The meeting was cancelled.")
    assert state() == before


def test_one_study_plan_a_year(tree: Tree) -> None:
    year = timezone.localdate().year
    plan = services.study_plan_create(
        actor=None, org=tree.committee_a, year=year, title="年度学习计划", content="一、学习内容"
    )
    before = state()
    with pytest.raises(DomainError) as exc:
        services.study_plan_create(actor=None, org=tree.committee_a, year=year, title="第二份")
    assert exc.value.message_dict["year"] == [
        _("%(org)s already has a study plan for %(year)d.")
        % {"org": tree.committee_a.name, "year": year}
    ]
    with pytest.raises(DomainError) as exc:
        services.study_plan_create(actor=None, org=tree.committee_a, year=year + 2, title="远")
    assert messages_of(exc) == _("Enter a year from 2000 to next year.")
    assert state() == before
    # another year, or another organisation, is fine
    services.study_plan_create(actor=None, org=tree.committee_a, year=year + 1, title="明年")
    services.study_plan_create(actor=None, org=tree.branch_a1, year=year, title="支部计划")

    services.study_plan_update(actor=None, plan=plan, title="年度学习计划", content="一、学习内容")
    assert AuditEvent.objects.filter(action="study.plan.update").count() == 0  # nothing changed
    services.study_plan_update(actor=None, plan=plan, title="修订后的计划", content="二、安排")
    plan.refresh_from_db()
    assert (plan.title, plan.content) == ("修订后的计划", "二、安排")
    event = AuditEvent.objects.get(action="study.plan.update")
    assert event.changes["title"] == ["年度学习计划", "修订后的计划"]


def test_out_of_scope_actor_is_refused_and_nothing_changes(tree: Tree, roles: Any) -> None:
    people = make_members(tree.branch_a1, 2)
    group = group_of(tree.branch_a1, StudyKind.BIWEEKLY, people[:1])
    session = session_of(group, timezone.now() + timedelta(days=1))
    plan = services.study_plan_create(actor=None, org=tree.branch_a1, year=2026, title="计划")
    outsider = make_user("b-admin", grants=[(roles["committee_admin"], tree.committee_b, True)])
    before = state()
    attempts = [
        lambda: services.study_group_create(
            actor=outsider, org=tree.branch_a1, kind=StudyKind.BIWEEKLY, name="越权"
        ),
        lambda: services.study_group_add_members(actor=outsider, group=group, members=people),
        lambda: services.study_group_remove_member(actor=outsider, group=group, member=people[0]),
        lambda: session_of(group, timezone.now() + timedelta(days=2), actor=outsider),
        lambda: services.speech_add(
            actor=outsider, session=session, speaker=people[0], title="越权"
        ),
        lambda: services.study_plan_create(
            actor=outsider, org=tree.branch_a1, year=2027, title="越权"
        ),
        lambda: services.study_plan_update(actor=outsider, plan=plan, title="越权", content=""),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert state() == before


def test_a_member_without_orglife_rights_cannot_schedule(tree: Tree) -> None:
    """A study session is a meeting: scheduling it also needs the meeting code."""
    people = make_members(tree.branch_a1, 1)
    group = group_of(tree.branch_a1, StudyKind.BIWEEKLY, people)
    only_study = Role.objects.create(code="study_only", name="学习", permissions=["study.manage"])
    actor = make_user("s", grants=[(only_study, tree.branch_a1, True)])
    before = state()
    with pytest.raises(PermissionDenied):
        session_of(group, timezone.now() + timedelta(days=1), actor=actor)
    assert state() == before


def test_hours_count_sessions_attended_per_kind(tree: Tree, django_assert_num_queries: Any) -> None:
    year = timezone.localdate().year - 1
    people = make_members(tree.branch_a1, 3)
    central = group_of(tree.committee_a, StudyKind.CENTRAL_GROUP, people[:2])
    biweekly = group_of(tree.branch_a1, StudyKind.BIWEEKLY, people)
    s1 = session_of(central, at(year, 3, 1), hours=3)
    s2 = session_of(central, at(year, 4, 1), hours=1.5)
    s3 = session_of(biweekly, at(year, 5, 1), hours=2)
    s4 = session_of(biweekly, at(year, 6, 1), hours=2)  # cancelled below
    s5 = session_of(biweekly, at(year - 1, 12, 20), hours=2)  # the year before
    s6 = session_of(biweekly, at(year + 1, 1, 2), hours=2)  # the year after
    ordinary = meeting_schedule(  # not a study session: never counts
        actor=None,
        org=tree.branch_a1,
        kind=MeetingKind.THEMED_PARTY_DAY,
        topic="主题党日",
        starts_at=at(year, 5, 10),
        ends_at=at(year, 5, 10, 12),
    )
    Attendance.objects.filter(meeting=s4.meeting).update(status=AttendanceStatus.PRESENT)
    Meeting.objects.filter(pk=s4.meeting.pk).update(status=MeetingStatus.CANCELLED)

    def present(session_meeting: Meeting, member: Member) -> None:
        attendance_record(
            actor=None, meeting=session_meeting, member=member, status=AttendanceStatus.PRESENT
        )

    for meeting, member in [
        (s1.meeting, people[0]),
        (s2.meeting, people[0]),
        (s1.meeting, people[1]),
        (s3.meeting, people[0]),
        (s3.meeting, people[2]),
        (s5.meeting, people[0]),
        (s6.meeting, people[0]),
        (ordinary, people[0]),
    ]:
        present(meeting, member)
    attendance_record(
        actor=None, meeting=s2.meeting, member=people[1], status=AttendanceStatus.ABSENT
    )

    with django_assert_num_queries(1):
        hours = selectors.study_hours(year=year, members=[p.pk for p in people])
    assert hours == {
        people[0].pk: {StudyKind.CENTRAL_GROUP: Decimal("4.5"), StudyKind.BIWEEKLY: Decimal("2.0")},
        people[1].pk: {StudyKind.CENTRAL_GROUP: Decimal("3.0")},
        people[2].pk: {StudyKind.BIWEEKLY: Decimal("2.0")},
    }
    assert selectors.study_hours(year=year, group=biweekly) == {
        people[0].pk: {StudyKind.BIWEEKLY: Decimal("2.0")},
        people[2].pk: {StudyKind.BIWEEKLY: Decimal("2.0")},
    }
    record = selectors.study_record(member=people[0], year=year)
    assert record.total == Decimal("6.5")
    assert [s.meeting for s in record.sessions] == [s3.meeting, s2.meeting, s1.meeting]


def test_hours_take_one_query_however_many_members(
    tree: Tree, django_assert_num_queries: Any
) -> None:
    year = timezone.localdate().year - 1
    people = make_members(tree.branch_a1, 12)
    group = group_of(tree.branch_a1, StudyKind.BIWEEKLY, people)
    for month in (2, 3, 4):
        session = session_of(group, at(year, month, 3))
        Attendance.objects.filter(meeting=session.meeting).update(status=AttendanceStatus.PRESENT)
    with django_assert_num_queries(1):
        hours = selectors.study_hours(
            year=year, members=Member.objects.filter(org=tree.branch_a1).values("pk")
        )
    assert len(hours) == 12
    assert {h[StudyKind.BIWEEKLY] for h in hours.values()} == {Decimal("6.0")}
