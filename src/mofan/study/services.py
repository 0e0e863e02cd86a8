"""Writes of theory study. A study session is an orglife meeting of kind study; scheduling,
attendance, check-in, leave and minutes are orglife's, the study app adds the group, the
materials, the speeches and the yearly plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access, richtext
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.members.models import Member
from mofan.orglife.models import Attendance, AttendanceStatus, MeetingKind, MeetingStatus
from mofan.orglife.services import meeting_schedule
from mofan.orgs.models import Organisation
from mofan.study import permissions as perms
from mofan.study.models import (
    Speech,
    StudyGroup,
    StudyGroupMembership,
    StudyKind,
    StudyPlan,
    StudySession,
)
from mofan.study.rules import GROUP_ORG_KINDS, YOUTH_GROUP_MAX_AGE, too_old_for_youth_group


def _words(text: str) -> str:
    return " ".join((text or "").split())


def _belongs(member: Member, org: Organisation) -> bool:
    """A group's members come from its organisation's subtree, or from its organ (a 党组's
    centre group draws on the organ's branches, which sit beside it in the tree)."""
    if member.org.path.startswith(org.path):
        return True
    return org.organ_id is not None and member.organ_id == org.organ_id


def _check_members(group: StudyGroup, members: Sequence[Member], day: date) -> None:
    strangers = [m.full_name for m in members if m.archived_at or not _belongs(m, group.org)]
    if strangers:
        raise DomainError(
            {
                "members": _("Not members of %(org)s: %(names)s.")
                % {"org": group.org.name, "names": "、".join(strangers)}
            }
        )
    if group.kind != StudyKind.YOUTH_GROUP:
        return
    unknown = [m.full_name for m in members if m.birth_date is None]
    if unknown:
        raise DomainError(
            {
                "members": _(
                    "A youth theory study group takes members aged %(age)d or younger; "
                    "enter the date of birth of %(names)s first."
                )
                % {"age": YOUTH_GROUP_MAX_AGE, "names": "、".join(unknown)}
            }
        )
    too_old = [m.full_name for m in members if too_old_for_youth_group(m.birth_date, day)]
    if too_old:
        raise DomainError(
            {
                "members": _(
                    "A youth theory study group takes members aged %(age)d or younger; "
                    "%(names)s are older."
                )
                % {"age": YOUTH_GROUP_MAX_AGE, "names": "、".join(too_old)}
            }
        )


@transaction.atomic
def study_group_create(
    *,
    actor: Any,
    org: Organisation,
    kind: str,
    name: str,
    members: Sequence[Member] = (),
) -> StudyGroup:
    access.require(actor, perms.MANAGE, org)
    if kind not in StudyKind.values:
        raise DomainError({"kind": _("Choose the kind of study group.")})
    if org.is_archived or org.kind not in GROUP_ORG_KINDS:
        raise DomainError(
            {"org": _("Study groups belong to a branch or an organisation above branches.")}
        )
    name = _words(name)
    if not name:
        raise DomainError({"name": _("Enter the name of the study group.")})
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    duplicate = _("This organisation already has a study group of this name.")
    if StudyGroup.objects.filter(org=org, name=name, archived_at__isnull=True).exists():
        raise DomainError({"name": duplicate})
    with refuse_duplicates(duplicate, "name"):
        group = StudyGroup.objects.create(
            org=org, kind=kind, name=name, created_by=actor if actor is not None else None
        )
    audit_record(
        actor=actor,
        action="study.group.create",
        target=group,
        org=org,
        changes=diff({}, {"kind": StudyKind(kind).label, "name": name}),
    )
    if members:
        study_group_add_members(actor=actor, group=group, members=members)
    return group


@transaction.atomic
def study_group_add_members(
    *,
    actor: Any,
    group: StudyGroup,
    members: Sequence[Member],
    joined_on: date | None = None,
) -> int:
    """Add members to a group, all or none. Members already in it are skipped; the number
    added is returned."""
    access.require(actor, perms.MANAGE, group.org)
    group = StudyGroup.objects.select_for_update().select_related("org").get(pk=group.pk)
    if group.archived_at is not None:
        raise DomainError(_("The study group is archived."))
    if not members:
        raise DomainError({"members": _("Choose at least one member.")})
    joined_on = joined_on or timezone.localdate()
    people = list(
        Member.objects.select_related("org").filter(pk__in={m.pk for m in members}).order_by("pk")
    )
    _check_members(group, people, joined_on)
    already = set(
        group.memberships.filter(left_on__isnull=True).values_list("member_id", flat=True)
    )
    new = [m for m in people if m.pk not in already]
    if not new:
        return 0
    with refuse_duplicates(_("These members are already in the study group.")):
        StudyGroupMembership.objects.bulk_create(
            [StudyGroupMembership(group=group, member=m, joined_on=joined_on) for m in new]
        )
    audit_record(
        actor=actor,
        action="study.group.add_members",
        target=group,
        org=group.org,
        changes={"members": [None, [m.full_name for m in new]], "joined_on": [None, joined_on]},
    )
    return len(new)


@transaction.atomic
def study_group_remove_member(
    *, actor: Any, group: StudyGroup, member: Member, left_on: date | None = None
) -> StudyGroupMembership:
    access.require(actor, perms.MANAGE, group.org)
    membership = (
        StudyGroupMembership.objects.select_for_update()
        .select_related("member")
        .filter(group=group, member=member, left_on__isnull=True)
        .first()
    )
    if membership is None:
        raise DomainError(_("This member is not in the study group."))
    left_on = left_on or timezone.localdate()
    if left_on < membership.joined_on:
        raise DomainError(_("A member cannot leave before joining."))
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    audit_record(
        actor=actor,
        action="study.group.remove_member",
        target=group,
        org=group.org,
        target_label=f"{group} · {member}",
        changes={"member": [None, member.full_name], "left_on": [None, left_on]},
    )
    return membership


@transaction.atomic
def study_session_schedule(
    *,
    actor: Any,
    group: StudyGroup,
    topic: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    materials: str = "",
    host: Member | None = None,
) -> StudySession:
    """Schedule a study session: an orglife meeting of the group's organisation, its current
    members invited, with what is to be studied."""
    access.require(actor, perms.MANAGE, group.org)
    group = StudyGroup.objects.select_for_update().select_related("org").get(pk=group.pk)
    if group.archived_at is not None:
        raise DomainError(_("The study group is archived."))
    attendees = [
        row.member
        for row in group.memberships.filter(
            left_on__isnull=True, member__archived_at__isnull=True
        ).select_related("member", "member__org")
    ]
    if not attendees:
        raise DomainError(_("The study group has no members yet; add them first."))
    meeting = meeting_schedule(
        actor=actor,
        org=group.org,
        kind=MeetingKind.STUDY_SESSION,
        topic=topic,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        host=host,
        attendees=attendees,
    )
    materials = (materials or "").strip()
    session = StudySession.objects.create(meeting=meeting, group=group, materials=materials)
    audit_record(
        actor=actor,
        action="study.session.schedule",
        target=session,
        org=group.org,
        changes=diff(
            {},
            {
                "group": group.name,
                "topic": meeting.topic,
                "starts_at": starts_at,
                "materials": materials[:200],
            },
        ),
    )
    return session


@transaction.atomic
def speech_add(
    *, actor: Any, session: StudySession, speaker: Member, title: str, text: str = ""
) -> Speech:
    """交流研讨发言 by one of the session's attendees, sanitised like minutes."""
    access.require(actor, perms.MANAGE, session.group.org)
    session = (
        StudySession.objects.select_for_update()
        .select_related("meeting", "group__org")
        .get(pk=session.pk)
    )
    if session.meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    attendance = Attendance.objects.filter(meeting=session.meeting, member=speaker).first()
    if attendance is None:
        raise DomainError({"speaker": _("The speaker must be one of the session's attendees.")})
    if attendance.status in {AttendanceStatus.ABSENT, AttendanceStatus.LEAVE}:
        raise DomainError(
            {
                "speaker": _("%(name)s is recorded as %(status)s at this session.")
                % {
                    "name": speaker.full_name,
                    "status": AttendanceStatus(attendance.status).label,
                }
            }
        )
    title = _words(title)
    if not title:
        raise DomainError({"title": _("Enter the title of the speech.")})
    clean = richtext.clean(text)
    speech = Speech.objects.create(
        session=session,
        speaker=speaker,
        title=title,
        text=clean,
        created_by=actor if actor is not None else None,
    )
    audit_record(
        actor=actor,
        action="study.speech.add",
        target=speech,
        org=session.group.org,
        changes=diff({}, {"session": str(session), "speaker": speaker.full_name, "title": title}),
    )
    return speech


def _plan_fields(year: int, title: str, content: str) -> tuple[str, str]:
    today = timezone.localdate()
    if not 2000 <= year <= today.year + 1:
        raise DomainError({"year": _("Enter a year from 2000 to next year.")})
    title = _words(title)
    if not title:
        raise DomainError({"title": _("Enter the title of the plan.")})
    return title, (content or "").strip()


@transaction.atomic
def study_plan_create(
    *, actor: Any, org: Organisation, year: int, title: str, content: str = ""
) -> StudyPlan:
    access.require(actor, perms.MANAGE, org)
    if org.is_archived or org.kind not in GROUP_ORG_KINDS:
        raise DomainError(
            {"org": _("Study plans belong to a branch or an organisation above branches.")}
        )
    title, content = _plan_fields(year, title, content)
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    duplicate = _("%(org)s already has a study plan for %(year)d.") % {
        "org": org.name,
        "year": year,
    }
    if StudyPlan.objects.filter(org=org, year=year, archived_at__isnull=True).exists():
        raise DomainError({"year": duplicate})
    with refuse_duplicates(duplicate, "year"):
        plan = StudyPlan.objects.create(
            org=org,
            year=year,
            title=title,
            content=content,
            created_by=actor if actor is not None else None,
        )
    audit_record(
        actor=actor,
        action="study.plan.create",
        target=plan,
        org=org,
        changes=diff({}, {"year": year, "title": title, "content": len(content)}),
    )
    return plan


@transaction.atomic
def study_plan_update(*, actor: Any, plan: StudyPlan, title: str, content: str) -> StudyPlan:
    access.require(actor, perms.MANAGE, plan.org)
    plan = StudyPlan.objects.select_for_update().select_related("org").get(pk=plan.pk)
    if plan.archived_at is not None:
        raise DomainError(_("The study plan is archived."))
    title, content = _plan_fields(plan.year, title, content)
    before = {"title": plan.title, "content": plan.content}
    after = {"title": title, "content": content}
    changes = diff(before, after)
    if not changes:
        return plan
    plan.title, plan.content = title, content
    plan.save(update_fields=["title", "content", "updated_at"])
    if "content" in changes:
        changes["content"] = [len(before["content"]), len(content)]
    audit_record(
        actor=actor, action="study.plan.update", target=plan, org=plan.org, changes=changes
    )
    return plan
