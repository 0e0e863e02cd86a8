"""The record of a held meeting: quorum, host and recorder, minutes, resolutions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from mofan.core import access, richtext
from mofan.core.audit import audit_record
from mofan.core.errors import DomainError
from mofan.core.paths import subtree_q
from mofan.members.models import Member, MemberStatus
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Resolution,
)
from mofan.orglife.services.meetings import (
    _meeting_for_update,
    _require_editable,
)
from mofan.orgs.models import OrgKind


@dataclass(frozen=True)
class Quorum:
    voting: int  # full members expected (probationary members do not vote)
    present: int  # full members present

    @property
    def reached(self) -> bool:
        return self.present * 2 > self.voting


def quorum(*, meeting: Meeting) -> Quorum:
    """支部党员大会: valid with more than half of the full members present."""
    rows = meeting.attendances.filter(member__status=MemberStatus.FULL)
    return Quorum(rows.count(), rows.filter(status=AttendanceStatus.PRESENT).count())


# Leaves the host or recorder as it is (minutes saved on their own).
UNCHANGED: Any = object()


def may_host(meeting: Meeting, person: Member) -> bool:
    """A meeting's host or recorder is one of its attendees or a current member of its
    branch (for a party group's meeting, of the group's branch). A meeting above the branches
    (a committee's study session) takes them from its attendees."""
    if meeting.attendances.filter(member=person).exists():
        return True
    if person.archived_at is not None or meeting.org.kind not in {OrgKind.BRANCH, OrgKind.GROUP}:
        return False
    branch = meeting.org
    if branch.kind == OrgKind.GROUP:
        branch = branch.get_parent() or branch
    return Member.objects.filter(subtree_q(branch.path, "org"), pk=person.pk).exists()


@transaction.atomic
def minutes_save(
    *,
    actor: Any,
    meeting: Meeting,
    minutes: str,
    host: Member | None = UNCHANGED,
    recorder: Member | None = UNCHANGED,
) -> Meeting:
    """Minutes in rich text, sanitised on save (no scripts, no event handlers, no frames),
    with who chaired the meeting (主持人) and who took the minutes (记录人); either may be
    left blank, and is left as it is when not given."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    _require_editable(meeting)
    people = {"host": host, "recorder": recorder}
    refusals = {
        "host": _("The host must be an attendee of the meeting or a member of the branch."),
        "recorder": _("The recorder must be an attendee of the meeting or a member of the branch."),
    }
    for field, person in people.items():
        if person is not UNCHANGED and person is not None and not may_host(meeting, person):
            raise DomainError({field: refusals[field]})
    clean = richtext.clean(minutes)
    before_length = len(meeting.minutes)
    before = {
        "host": meeting.host.full_name if meeting.host else None,
        "recorder": meeting.recorder.full_name if meeting.recorder else None,
    }
    meeting.minutes = clean
    fields = ["minutes"]
    changes: dict[str, list[Any]] = {"minutes": [before_length, len(clean)]}
    for field, person in people.items():
        if person is UNCHANGED:
            continue
        setattr(meeting, field, person)
        fields.append(field)
        after = person.full_name if person is not None else None
        if after != before[field]:
            changes[field] = [before[field], after]
    meeting.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="orglife.meeting.minutes",
        target=meeting,
        org=meeting.org,
        changes=changes,
    )
    return meeting


@transaction.atomic
def resolution_record(
    *,
    actor: Any,
    meeting: Meeting,
    text: str,
    votes_for: int,
    votes_against: int,
    abstentions: int,
) -> Resolution:
    """A vote of a quorate 支部党员大会; passed with more than half of the full members for."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if meeting.kind != MeetingKind.GENERAL_ASSEMBLY:
        raise DomainError(_("Only a branch general assembly votes on resolutions."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    _require_editable(meeting)
    text = " ".join((text or "").split())
    if not text:
        raise DomainError({"text": _("Enter the resolution.")})
    count = quorum(meeting=meeting)
    if not count.reached:
        raise DomainError(
            _(
                "No quorum: %(present)d of %(voting)d full members are present; "
                "more than half must be."
            )
            % {"present": count.present, "voting": count.voting}
        )
    if min(votes_for, votes_against, abstentions) < 0 or (
        votes_for + votes_against + abstentions > count.present
    ):
        raise DomainError(
            _("The votes add up to more than the %(n)d full members present.")
            % {"n": count.present}
        )
    resolution = Resolution.objects.create(
        meeting=meeting,
        text=text,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        voting_members=count.voting,
        passed=votes_for * 2 > count.voting,
    )
    audit_record(
        actor=actor,
        action="orglife.resolution.record",
        target=meeting,
        org=meeting.org,
        target_label=text[:255],
        changes={
            "for": [None, votes_for],
            "against": [None, votes_against],
            "abstentions": [None, abstentions],
            "passed": [None, resolution.passed],
        },
    )
    return resolution
