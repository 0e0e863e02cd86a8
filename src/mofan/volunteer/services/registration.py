"""在职党员进社区报到: registration with a community, its tasks and the yearly evaluation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core.audit import audit_record
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.members.models import Member
from mofan.orgs.models import PartnerKind, PartnerUnit
from mofan.volunteer.models import (
    CommunityRegistration,
    EvaluationGrade,
    RegistrationEvaluation,
    RegistrationState,
    RegistrationTask,
    TaskState,
)
from mofan.volunteer.policies import require_acts_for_community
from mofan.volunteer.selectors.registration import registration_year_hours
from mofan.volunteer.services.common import clean, contacts_of, own_member, tell
from mofan.volunteer.workflows import REGISTRATION, TASK


@transaction.atomic
def registration_submit(*, user: Any, community: PartnerUnit) -> CommunityRegistration:
    """The member registers with the community where they live (one at a time: a new one
    ends the previous)."""
    member = own_member(user)
    Member.objects.select_for_update().filter(pk=member.pk).first()
    if community.kind not in {PartnerKind.COMMUNITY, PartnerKind.SUBDISTRICT}:
        raise DomainError({"community": _("Register with a community.")})
    if community.archived_at is not None:
        raise DomainError({"community": _("This community is no longer a partner.")})
    current = (
        CommunityRegistration.objects.filter(
            member=member, state__in=[RegistrationState.PENDING, RegistrationState.CONFIRMED]
        )
        .select_related("community")
        .first()
    )
    if current is not None and current.community_id == community.pk:
        raise DomainError(_("You have already registered with this community."))
    if current is not None:
        # The member's row lock above serialises their registrations: no second lock here.
        current.member = member
        current.decided_at = timezone.now()
        REGISTRATION.finish(user, current, "end", fields=["decided_at"])
    with refuse_duplicates(_("You have already registered with this community.")):
        registration = CommunityRegistration.objects.create(member=member, community=community)
    REGISTRATION.started(
        user,
        registration,
        "submit",
        changes={"community": [current.community.name if current else None, community.name]},
    )
    tell(
        contacts_of(community),
        _("A party member registers with the community: %(name)s") % {"name": member.full_name},
        reverse("volunteer:mine"),
    )
    return registration


@transaction.atomic
def registration_decide(
    *, actor: Any, registration: CommunityRegistration, approve: bool, note: str = ""
) -> CommunityRegistration:
    """The community (or staff looking after it) confirms the member lives there, or not."""
    name = "confirm" if approve else "decline"
    registration = REGISTRATION.begin(
        actor, registration, name, first=lambda r: require_acts_for_community(actor, r.community)
    )
    note = clean(note)[:200]
    if not approve and not note:
        raise DomainError({"note": _("Give the reason.")})
    registration.decided_at, registration.decided_by = timezone.now(), actor
    registration.note = note
    REGISTRATION.finish(
        actor,
        registration,
        name,
        fields=["decided_at", "decided_by", "note"],
        changes={
            "state": [None, RegistrationState(REGISTRATION[name].target).label],
            "note": [None, note],
        },
    )
    if registration.member.user_id:
        tell(
            [registration.member.user_id],
            (_("Registered with %(community)s") if approve else _("Not confirmed by %(community)s"))
            % {"community": registration.community.name},
            reverse("volunteer:mine"),
            note,
        )
    return registration


# ---- Community tasks and the yearly evaluation -------------------------------------------------


def _task_begin(actor: Any, task: RegistrationTask, name: str) -> RegistrationTask:
    """Lock the task for a step of the community's: who asks is checked before the state, as
    it always was."""
    return TASK.begin(
        actor,
        task,
        name,
        first=lambda t: require_acts_for_community(actor, t.registration.community),
    )


@transaction.atomic
def registration_task_assign(
    *,
    actor: Any,
    registration: CommunityRegistration,
    title: str,
    detail: str = "",
    due_on: date | None = None,
) -> RegistrationTask:
    """The community gives a registered member a task (a post to fill, a service to do)."""
    registration = REGISTRATION.lock(registration)
    require_acts_for_community(actor, registration.community)
    if registration.state != RegistrationState.CONFIRMED:
        raise DomainError(_("Tasks go to members whose registration the community confirmed."))
    title = clean(title)[:100]
    if not title:
        raise DomainError({"title": _("Say what the task is.")})
    if due_on is not None and due_on < timezone.localdate():
        raise DomainError({"due_on": _("The due date has passed.")})
    task = RegistrationTask.objects.create(
        registration=registration,
        title=title,
        detail=(detail or "").strip()[:2000],
        due_on=due_on,
        assigned_by=actor,
    )
    TASK.started(
        actor,
        task,
        "assign",
        changes={"title": [None, title], "member": [None, registration.member.full_name]},
    )
    if registration.member.user_id:
        tell(
            [registration.member.user_id],
            _("%(community)s asks you: %(task)s")
            % {"community": registration.community.name, "task": title},
            reverse("volunteer:mine"),
            task.detail,
        )
    return task


@transaction.atomic
def registration_task_report(
    *, user: Any, task: RegistrationTask, hours: Decimal, report: str
) -> RegistrationTask:
    """The member reports the task done, with the hours it took."""
    member = own_member(user)

    def given_to_member(locked: RegistrationTask) -> None:
        if locked.registration.member_id != member.pk:
            raise DomainError(_("This task was given to someone else."))

    task = TASK.begin(user, task, "report", first=given_to_member)
    if not Decimal("0.5") <= hours <= Decimal(24):
        raise DomainError({"hours": _("Between 0.5 and 24 hours.")})
    report = (report or "").strip()[:2000]
    if not report:
        raise DomainError({"report": _("Say briefly what you did.")})
    task.hours, task.report, task.reported_at = hours, report, timezone.now()
    task.note = ""
    TASK.finish(
        user,
        task,
        "report",
        fields=["hours", "report", "reported_at", "note"],
        changes={"hours": [None, str(hours)], "report": [None, report]},
    )
    tell(
        contacts_of(task.registration.community),
        _("%(name)s reports a task done: %(task)s")
        % {"name": member.full_name, "task": task.title},
        reverse("volunteer:community", args=[task.registration.community_id]),
    )
    return task


@transaction.atomic
def registration_task_decide(
    *, actor: Any, task: RegistrationTask, confirm: bool, note: str = ""
) -> RegistrationTask:
    """The community confirms the reported hours (they count), or returns the task with a
    reason (the member reports again)."""
    name = "confirm" if confirm else "return"
    task = _task_begin(actor, task, name)
    note = clean(note)[:200]
    if not confirm and not note:
        raise DomainError({"note": _("Give the reason.")})
    task.note = note
    task.confirmed_at = timezone.now() if confirm else None
    TASK.finish(
        actor,
        task,
        name,
        fields=["note", "confirmed_at"],
        changes={"state": [None, TaskState(TASK[name].target).label], "note": [None, note]},
    )
    member = task.registration.member
    if member.user_id:
        tell(
            [member.user_id],
            (_("Task confirmed: %(task)s") if confirm else _("Task returned: %(task)s"))
            % {"task": task.title},
            reverse("volunteer:mine"),
            note,
        )
    return task


@transaction.atomic
def registration_task_cancel(*, actor: Any, task: RegistrationTask, note: str) -> RegistrationTask:
    task = _task_begin(actor, task, "cancel")
    note = clean(note)[:200]
    if not note:
        raise DomainError({"note": _("Give the reason.")})
    task.note = note
    return TASK.finish(
        actor,
        task,
        "cancel",
        fields=["note"],
        changes={"state": [None, TaskState.CANCELLED.label], "note": [None, note]},
    )


@transaction.atomic
def registration_evaluate(
    *,
    actor: Any,
    registration: CommunityRegistration,
    year: int,
    grade: str,
    comment: str = "",
) -> RegistrationEvaluation:
    """The community's evaluation of a registered member for a year (once a year; the hours
    the community saw that year are kept with the grade)."""
    registration = REGISTRATION.lock(registration)
    require_acts_for_community(actor, registration.community)
    if registration.state != RegistrationState.CONFIRMED:
        raise DomainError(_("Only members registered with the community are evaluated."))
    this_year = timezone.localdate().year
    if not registration.decided_at or not (registration.decided_at.year <= year <= this_year):
        raise DomainError({"year": _("Evaluate a year of the registration, up to this one.")})
    if grade not in EvaluationGrade.values:
        raise DomainError({"grade": _("Choose a grade.")})
    comment = (comment or "").strip()[:1000]
    if grade == EvaluationGrade.POOR and not comment:
        raise DomainError({"comment": _("Say why when the grade is poor.")})
    if RegistrationEvaluation.objects.filter(registration=registration, year=year).exists():
        raise DomainError(_("This member has already been evaluated for that year."))
    hours = registration_year_hours(registrations=[registration], year=year)[registration.pk]
    with refuse_duplicates(_("This member has already been evaluated for that year.")):
        evaluation = RegistrationEvaluation.objects.create(
            registration=registration,
            year=year,
            grade=grade,
            hours=hours,
            comment=comment,
            evaluated_by=actor,
        )
    audit_record(
        actor=actor,
        action="volunteer.registration.evaluate",
        target=evaluation,
        org=registration.member.org,
        changes={
            "year": [None, year],
            "grade": [None, EvaluationGrade(grade).label],
            "hours": [None, str(hours)],
        },
    )
    if registration.member.user_id:
        tell(
            [registration.member.user_id],
            _("%(community)s evaluated your year %(year)s: %(grade)s")
            % {
                "community": registration.community.name,
                "year": year,
                "grade": EvaluationGrade(grade).label,
            },
            reverse("volunteer:mine"),
            comment,
        )
    return evaluation
