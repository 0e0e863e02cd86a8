"""Writes of service orders: 点单 → 派单 → 接单 → 服务 → 评单, each step declared once in
`workflows.ORDER`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.cobuild import extensions
from mofan.cobuild import permissions as perms
from mofan.cobuild.models import (
    Demand,
    MenuTopic,
    Order,
    OrderPhoto,
    ProjectMember,
)
from mofan.cobuild.services.common import clean
from mofan.cobuild.services.projects import current_team
from mofan.cobuild.workflows import ORDER
from mofan.core import access
from mofan.core.audit import diff
from mofan.core.errors import DomainError
from mofan.core.uploads import check_upload
from mofan.orgs.models import Organisation, PartnerUnit

# ── Orders: 点单 → 派单 → 接单 → 服务 → 评单, declared once (`workflows.ORDER`) ──


def _when(actor: Any, at: datetime | None) -> datetime:
    """The moment of a step: now; the system alone (demo, imports) may record an earlier one."""
    if at is not None and actor is None:
        return at
    return timezone.now()


@transaction.atomic
def order_place(
    *,
    actor: Any,
    topic: MenuTopic,
    partner: PartnerUnit,
    format: str,
    audience: str,
    audience_size: int,
    venue: str,
    preferred_dates: str = "",
    notes: str = "",
    demand: Demand | None = None,
    at: datetime | None = None,
) -> Order:
    """点单: a partner's contact orders a topic from a project's menu (staff who look after
    the partner may order for it). The coordinators are told."""
    access.require_partner_or(actor, partner, perms.MANAGE)
    # Read afresh: the topic or its project may have left the menu since the form was shown.
    topic = MenuTopic.objects.select_related("project__org").get(pk=topic.pk)
    project = topic.project
    errors: dict[str, str] = {}
    if project.archived_at is not None or topic.archived_at is not None:
        errors["topic"] = _("This topic is no longer on the menu.")
    if format not in project.formats:
        errors["format"] = _("The project does not offer this format.")
    audience, venue = clean(audience), clean(venue)
    if not audience:
        errors["audience"] = _("Say who will attend.")
    if not audience_size or audience_size < 1:
        errors["audience_size"] = _("Give the number of people expected.")
    if not venue:
        errors["venue"] = _("Enter the venue.")
    if demand is not None and demand.partner_id != partner.pk:
        errors["demand"] = _("The demand belongs to another partner unit.")
    if errors:
        raise DomainError(errors)
    if partner.archived_at is not None:
        raise DomainError(_("The partner unit is archived."))
    when = _when(actor, at)
    order = Order.objects.create(
        project=project,
        topic=topic,
        partner=partner,
        format=format,
        audience=audience[:100],
        audience_size=audience_size,
        venue=venue[:200],
        preferred_dates=clean(preferred_dates)[:200],
        notes=(notes or "").strip(),
        demand=demand,
        ordered_by=actor if actor is not None else None,
        ordered_at=when,
    )
    return ORDER.started(
        actor,
        order,
        "place",
        at=when,
        changes=diff(
            {},
            {
                "topic": topic.title,
                "format": order.get_format_display(),
                "audience": audience,
                "audience_size": audience_size,
            },
        ),
    )


@transaction.atomic
def order_dispatch(
    *, actor: Any, order: Order, team: Organisation, note: str = "", at: datetime | None = None
) -> Order:
    """派单: a coordinator gives the order to one of the project's team organisations. Of two
    coordinators dispatching at once, the second is told the order has moved on."""
    order = ORDER.begin(actor, order, "dispatch")
    if not order.project.team_orgs.filter(pk=team.pk).exists():
        raise DomainError({"team": _("Choose one of the project's team organisations.")})
    before = order.team.name if order.team else None
    order.team, order.dispatched_at = team, _when(actor, at)
    order.decline_reason = ""
    return ORDER.finish(
        actor,
        order,
        "dispatch",
        fields=["team", "dispatched_at", "decline_reason"],
        changes={"team": [before, team.name]},
        note=clean(note),
        at=order.dispatched_at,
    )


@transaction.atomic
def order_accept(*, actor: Any, order: Order, at: datetime | None = None) -> Order:
    """接单: the team takes the order on."""
    order = ORDER.begin(actor, order, "accept")
    order.accepted_at = _when(actor, at)
    return ORDER.finish(actor, order, "accept", fields=["accepted_at"], at=order.accepted_at)


@transaction.atomic
def order_decline(*, actor: Any, order: Order, reason: str, at: datetime | None = None) -> Order:
    """The team declines, saying why; the coordinator dispatches it again."""
    order = ORDER.begin(actor, order, "decline")
    reason = clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    order.decline_reason = reason[:500]
    # What other apps held for the session goes back (lawedu's handouts).
    extensions.take("decline", actor=actor, order=order)
    return ORDER.finish(
        actor,
        order,
        "decline",
        fields=["decline_reason"],
        changes={"reason": [None, reason]},
        note=reason,
        at=_when(actor, at),
    )


@transaction.atomic
def order_schedule(
    *, actor: Any, order: Order, scheduled_at: datetime, at: datetime | None = None
) -> Order:
    """The team fixes (or moves) the session's date and time; the partner is told."""
    order = ORDER.begin(actor, order, "schedule")
    when = _when(actor, at)
    if scheduled_at <= when:
        raise DomainError({"scheduled_at": _("The session is scheduled in the future.")})
    before = order.scheduled_at
    order.scheduled_at = scheduled_at
    return ORDER.finish(
        actor,
        order,
        "schedule",
        fields=["scheduled_at"],
        changes={"scheduled_at": [before, scheduled_at]},
        at=when,
    )


def _store(field: Any, upload: Any) -> tuple[str, str]:
    checked = check_upload(upload)
    field.save(checked.stored_name, checked.upload, save=False)
    return checked.name, checked.kind.content_type


@transaction.atomic
def order_prepare(
    *,
    actor: Any,
    order: Order,
    lesson_plan: Any = None,
    slides: Any = None,
    handouts: dict[Any, int] | None = None,
    at: datetime | None = None,
) -> Order:
    """The team uploads the lesson plan (required once) and the slides; uploading again
    replaces them. `handouts` (handout → copies) is given to the apps that join the step
    (`extensions`: lawedu reserves them of the team's stock, replacing what the session held)."""
    order = ORDER.begin(actor, order, "prepare")
    if not lesson_plan and not order.lesson_plan:
        raise DomainError({"lesson_plan": _("Upload the lesson plan.")})
    fields, changes = ["prepared_at"], {}
    if lesson_plan:
        order.lesson_plan_name, order.lesson_plan_type = _store(order.lesson_plan, lesson_plan)
        fields += ["lesson_plan", "lesson_plan_name", "lesson_plan_type"]
        changes["lesson_plan"] = [None, order.lesson_plan_name]
    if slides:
        order.slides_name, order.slides_type = _store(order.slides, slides)
        fields += ["slides", "slides_name", "slides_type"]
        changes["slides"] = [None, order.slides_name]
    changes.update(extensions.take("prepare", actor=actor, order=order, handouts=handouts))
    order.prepared_at = _when(actor, at)
    return ORDER.finish(
        actor, order, "prepare", fields=fields, changes=changes, at=order.prepared_at
    )


@transaction.atomic
def order_deliver(
    *,
    actor: Any,
    order: Order,
    taught_by: list[ProjectMember],
    attendance: int,
    photos: list[Any] | None = None,
    handouts: dict[Any, int] | None = None,
    at: datetime | None = None,
) -> Order:
    """服务: the team reports the session: who taught, how many attended, photos, and the
    handouts given out (`handouts`, handout → copies, for the apps that join the step: lawedu
    consumes the reservation and releases what it held beyond that). The partner is asked to
    confirm and rate it."""
    order = ORDER.begin(actor, order, "deliver")
    when = _when(actor, at)
    if not taught_by:
        raise DomainError({"taught_by": _("Say who taught.")})
    if not current_team(order.project_id, taught_by):
        raise DomainError({"taught_by": _("Lecturers come from the project's team.")})
    if attendance is None or attendance < 1:
        raise DomainError({"attendance": _("Give the number of people who attended.")})
    if order.scheduled_at is not None and when < order.scheduled_at:
        raise DomainError(_("A session is reported after its scheduled time."))
    checked = [check_upload(p) for p in photos or []]
    added = extensions.take("deliver", actor=actor, order=order, handouts=handouts)
    order.delivered_at, order.attendance = when, attendance
    order.taught_by.set(taught_by)
    for c in checked:
        photo = OrderPhoto(
            order=order,
            name=c.name,
            content_type=c.kind.content_type,
            size=c.size,
            uploaded_by=actor,
        )
        photo.file.save(c.stored_name, c.upload, save=False)
        photo.save()
    return ORDER.finish(
        actor,
        order,
        "deliver",
        fields=["delivered_at", "attendance"],
        at=when,
        changes={
            "attendance": [None, attendance],
            "taught_by": [None, "、".join(p.name for p in taught_by)],
            "photos": [None, len(checked)],
            **added,
        },
    )


@transaction.atomic
def order_confirm(
    *, actor: Any, order: Order, rating: int, comment: str = "", at: datetime | None = None
) -> Order:
    """评单: the partner's contact confirms the session took place and rates it 1–5."""
    order = ORDER.begin(actor, order, "confirm")
    if rating not in {1, 2, 3, 4, 5}:
        raise DomainError({"rating": _("Rate from 1 to 5.")})
    order.rating, order.comment = rating, (comment or "").strip()[:2000]
    order.confirmed_at = _when(actor, at)
    return ORDER.finish(
        actor,
        order,
        "confirm",
        fields=["rating", "comment", "confirmed_at"],
        changes={"rating": [None, rating]},
        note=order.comment,
        at=order.confirmed_at,
    )


@transaction.atomic
def order_cancel(*, actor: Any, order: Order, reason: str, at: datetime | None = None) -> Order:
    """Either side cancels an order not yet delivered, saying why."""
    order = ORDER.begin(actor, order, "cancel")
    reason = clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    order.cancel_reason, order.cancelled_at = reason[:500], _when(actor, at)
    extensions.take("cancel", actor=actor, order=order)
    return ORDER.finish(
        actor,
        order,
        "cancel",
        fields=["cancel_reason", "cancelled_at"],
        changes={"reason": [None, reason]},
        note=reason,
        at=order.cancelled_at,
    )
