"""Yearly processes: 民主评议党员, 谈心谈话, 双重组织生活."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.core.errors import DomainError
from mofan.core.models import Message
from mofan.members.models import Member, MemberStatus
from mofan.members.services import member_create
from mofan.orglife import selectors, services
from mofan.orglife.models import (
    AppraisalEntry,
    AppraisalGrade,
    AppraisalState,
    Attendance,
    HeartTalk,
    MeetingKind,
    PeerRating,
    TalkPairing,
)
from tests.conftest import Tree, make_members, make_user, seat
from tests.orglife.test_services import at, schedule

pytestmark = pytest.mark.django_db
E, Q, B, U = (
    AppraisalGrade.EXCELLENT,
    AppraisalGrade.QUALIFIED,
    AppraisalGrade.BASICALLY_QUALIFIED,
    AppraisalGrade.UNQUALIFIED,
)


@pytest.fixture
def secretary(tree: Tree, roles: dict[str, Role]) -> Any:
    return make_user("sec", grants=[(roles["branch_secretary"], tree.branch_a1, True)])


def test_appraisal_grades_with_the_third_rule(tree: Tree, secretary: Any) -> None:
    full = make_members(tree.branch_a1, 6)
    probationary = member_create(
        actor=None, full_name="预备甲", org=tree.branch_a1, status=MemberStatus.PROBATIONARY
    )
    voter = make_user("voter")
    Member.objects.filter(pk=full[0].pk).update(user=voter)
    appraisal = services.appraisal_open(actor=secretary, org=tree.branch_a1, year=2026)
    entries = {e.member_id: e for e in appraisal.entries.all()}
    assert len(entries) == 7 and entries[probationary.pk].probationary
    assert Message.objects.filter(user=voter, link="/orglife/mine/appraisal/").exists()
    with pytest.raises(DomainError) as exc:
        services.appraisal_open(actor=secretary, org=tree.branch_a1, year=2026)
    assert "2026" in " ".join(exc.value.messages)

    # The member writes a self-assessment and assesses the others, not themself, and not the
    # probationary member.
    services.self_assessment_save(user=voter, entry=entries[full[0].pk], text="认真学习。")
    with pytest.raises(DomainError):
        services.self_assessment_save(user=voter, entry=entries[full[1].pk], text="代写")
    services.peer_rate(user=voter, entry=entries[full[1].pk], grade=E)
    services.peer_rate(user=voter, entry=entries[full[1].pk], grade=Q)  # changes their mind
    assert PeerRating.objects.get().grade == Q
    for entry, message in [
        (entries[full[0].pk], "别人"),
        (entries[probationary.pk], "不评定等次"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.peer_rate(user=voter, entry=entry, grade=E)
        assert message in " ".join(exc.value.messages)
    assert PeerRating.objects.count() == 1
    mine = selectors.my_appraisals(user=voter)
    assert len(mine) == 1 and len(mine[0].peers) == 5  # the other full members
    assert {p.member_id: g for p, g in mine[0].peers}[full[1].pk] == Q

    services.appraisal_propose(actor=secretary, entry=entries[full[2].pk], grade=E)
    with pytest.raises(DomainError):
        services.appraisal_propose(actor=secretary, entry=entries[probationary.pk], grade=Q)

    # Three of six rated excellent is more than a third: refused, nothing decided.
    grades = {entries[m.pk].pk: (E if i < 3 else Q) for i, m in enumerate(full)}
    with pytest.raises(DomainError) as exc:
        services.appraisal_conclude(actor=secretary, appraisal=appraisal, grades=grades)
    assert "3" in " ".join(exc.value.messages) and "2" in " ".join(exc.value.messages)
    assert not AppraisalEntry.objects.exclude(grade="").exists()
    # A full member without a grade: refused, named.
    del grades[entries[full[5].pk].pk]
    with pytest.raises(DomainError) as exc:
        services.appraisal_conclude(actor=secretary, appraisal=appraisal, grades=grades)
    assert full[5].full_name in " ".join(exc.value.messages)
    # A grade for the probationary member: refused.
    grades = {entries[m.pk].pk: (E if i < 2 else Q) for i, m in enumerate(full)}
    with pytest.raises(DomainError):
        services.appraisal_conclude(
            actor=secretary, appraisal=appraisal, grades={**grades, entries[probationary.pk].pk: Q}
        )
    grades[entries[full[5].pk].pk] = B
    services.appraisal_conclude(actor=secretary, appraisal=appraisal, grades=grades)
    appraisal.refresh_from_db()
    assert appraisal.state == AppraisalState.CLOSED
    assert sorted(AppraisalEntry.objects.values_list("grade", flat=True)) == sorted(
        ["", E, E, Q, Q, Q, B]
    )
    # Concluded: nothing more changes.
    with pytest.raises(DomainError):
        services.peer_rate(user=voter, entry=entries[full[2].pk], grade=U)
    with pytest.raises(DomainError):
        services.self_assessment_save(user=voter, entry=entries[full[0].pk], text="再改")
    assert selectors.my_appraisals(user=voter) == []


def test_appraisal_is_a_branch_matter_in_scope(tree: Tree, secretary: Any) -> None:
    make_members(tree.branch_b1, 2)
    with pytest.raises(PermissionDenied):
        services.appraisal_open(actor=secretary, org=tree.branch_b1, year=2026)
    with pytest.raises(DomainError):
        services.appraisal_open(actor=None, org=tree.committee_a, year=2026)
    with pytest.raises(DomainError) as exc:
        services.appraisal_open(actor=None, org=tree.branch_a2, year=2026)
    assert "没有党员" in " ".join(exc.value.messages)


def test_talks_pairing_and_coverage(tree: Tree, secretary: Any) -> None:
    people = make_members(tree.branch_a1, 5)
    seat(tree.branch_a1, {"secretary": people[0], "deputy_secretary": people[1]}, date(2025, 1, 1))
    today = timezone.localdate()

    def talk(a: Member, b: Member, on: date | None = None) -> HeartTalk:
        return services.heart_talk_record(
            actor=secretary,
            org=tree.branch_a1,
            initiator=a,
            counterpart=b,
            talked_on=on or today,
            summary="交流思想和工作",
        )

    assert talk(people[0], people[1]).pairing == TalkPairing.COMMITTEE_COMMITTEE
    assert talk(people[0], people[2]).pairing == TalkPairing.COMMITTEE_MEMBER
    assert talk(people[3], people[2]).pairing == TalkPairing.MEMBER_MEMBER
    talk(people[3], people[4], on=date(today.year - 1, 6, 1))  # last year: does not count
    coverage = selectors.talk_coverage(org=tree.branch_a1, year=today.year)
    assert (coverage.committee_pairs, coverage.committee_pairs_done) == (1, 1)
    assert (coverage.members, coverage.with_committee_done) == (3, 1)
    assert sorted(coverage.missing_with_committee) == sorted(
        [people[3].full_name, people[4].full_name]
    )
    assert coverage.missing_with_member == [people[4].full_name]

    before = HeartTalk.objects.count()
    outsider = make_members(tree.branch_a2, 1)[0]
    for a, b, on, field in [
        (people[0], people[0], today, "counterpart"),
        (people[0], outsider, today, "counterpart"),
        (people[0], people[1], today + timedelta(days=1), "talked_on"),
    ]:
        with pytest.raises(DomainError) as exc:
            talk(a, b, on)
        assert field in exc.value.message_dict
    with pytest.raises(DomainError) as exc:
        services.heart_talk_record(
            actor=secretary,
            org=tree.branch_a1,
            initiator=people[0],
            counterpart=people[1],
            talked_on=today,
            summary="  ",
        )
    assert "summary" in exc.value.message_dict
    assert HeartTalk.objects.count() == before


def test_dual_life_counts_own_branch_and_group_only(tree: Tree, roles: dict[str, Role]) -> None:
    cadre, _other = make_members(tree.branch_a1, 2)
    Member.objects.filter(pk=cadre.pk).update(is_leading_cadre=True, group=tree.group_a1)
    cadre.refresh_from_db()
    year = 2026
    lesson = schedule(tree.branch_a1, MeetingKind.PARTY_LESSON, at(year, 3, 5))
    group_meeting = schedule(tree.group_a1, MeetingKind.GROUP_MEETING, at(year, 4, 5))
    schedule(tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, at(year - 1, 12, 5))  # last year
    Attendance.objects.filter(meeting=lesson, member=cadre).update(status="present")
    Attendance.objects.filter(meeting=group_meeting, member=cadre).update(
        status="leave", leave_reason="出差"
    )
    viewer = make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    rows = selectors.dual_life(actor=viewer, under=None, year=year)
    assert [
        (r.member.pk, r.expected, r.present, r.leave, r.absent, r.unrecorded) for r in rows
    ] == [(cadre.pk, 2, 1, 1, 0, 0)]
    third = schedule(tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, at(year, 5, 5))
    schedule(tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, at(year, 6, 5))  # nothing recorded
    Attendance.objects.filter(meeting=third, member=cadre).update(status="absent")
    rows = selectors.dual_life(actor=viewer, under=tree.branch_a1, year=year)
    assert [(r.expected, r.present, r.leave, r.absent, r.unrecorded) for r in rows] == [
        (4, 1, 1, 1, 1)
    ]
    outsider = make_user("yi", grants=[(roles["committee_admin"], tree.committee_b, True)])
    assert selectors.dual_life(actor=outsider, under=None, year=year) == []
