"""Mock trials (模拟法庭): the case, the nine roles and the attachments of a session."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.cobuild.models import Order, OrderFormat
from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.uploads import check_upload
from mofan.lawedu import permissions as perms
from mofan.lawedu.models import (
    MockTrial,
    ParticipantKind,
    TrialAttachment,
    TrialRole,
    TrialSeat,
)
from mofan.lawedu.services.common import SESSION_STATES, clean

# ── Mock trials (模拟法庭) ──


def _trial_order(actor: Any, order: Order) -> Order:
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("project__org", "partner", "topic")
        .get(pk=order.pk)
    )
    access.require(actor, perms.MANAGE, order.project.org)
    if order.format != OrderFormat.MOCK_TRIAL:
        raise DomainError(_("This session is not a mock trial."))
    if order.state not in SESSION_STATES:
        raise DomainError(_("A mock trial is recorded for a scheduled or delivered session."))
    return order


@transaction.atomic
def mock_trial_save(
    *,
    actor: Any,
    order: Order,
    case_title: str,
    case_summary: str,
    script: str = "",
    outcome: str = "",
) -> MockTrial:
    """Record the mock trial of a 模拟法庭 session, or change what was recorded."""
    order = _trial_order(actor, order)
    case_title = clean(case_title)[:100]
    case_summary = (case_summary or "").strip()
    if not case_title:
        raise DomainError({"case_title": _("Name the case.")})
    if not case_summary:
        raise DomainError({"case_summary": _("Summarise the case.")})
    after = {
        "case_title": case_title,
        "case_summary": case_summary,
        "script": (script or "").strip(),
        "outcome": (outcome or "").strip(),
    }
    trial = MockTrial.objects.filter(order=order).first()
    if trial is None:
        with refuse_duplicates(_("This session already has its mock trial.")):
            trial = MockTrial.objects.create(order=order, created_by=actor, **after)
        before: dict[str, Any] = {}
        action = "lawedu.mock_trial.create"
    else:
        before = {key: getattr(trial, key) for key in after}
        for key, value in after.items():
            setattr(trial, key, value)
        action = "lawedu.mock_trial.update"
    changes = diff(before, after)
    if changes:
        if before:
            trial.save(update_fields=list(after))
        audit_record(
            actor=actor, action=action, target=trial, org=order.project.org, changes=changes
        )
    return trial


@transaction.atomic
def trial_roles_save(
    *, actor: Any, trial: MockTrial, seats: dict[str, dict[str, str]]
) -> list[TrialSeat]:
    """Assign the nine roles at once: for each role, who plays it (a named pupil or parent, or
    a class). A role left empty is not filled; the page shows what is missing."""
    order = _trial_order(actor, trial.order)
    trial = MockTrial.objects.get(pk=trial.pk)
    current = {s.role: s for s in trial.seats.all()}
    before = {role: _seat_label(s.kind, s.name, s.class_name) for role, s in current.items()}
    after: dict[str, str] = {}
    rows = []
    for role in TrialRole.values:
        given = seats.get(role) or {}
        name = clean(given.get("name", ""))[:50]
        class_name = clean(given.get("class_name", ""))[:30]
        kind = given.get("kind") or ParticipantKind.PUPIL
        if kind not in ParticipantKind.values:
            raise DomainError(_("Choose a pupil or a parent."))
        if not name and not class_name:
            continue
        after[role] = _seat_label(kind, name, class_name)
        rows.append(TrialSeat(trial=trial, role=role, kind=kind, name=name, class_name=class_name))
    changes = diff(before, after)
    if not changes:
        return list(current.values())
    TrialSeat.objects.filter(trial=trial).delete()
    created = TrialSeat.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="lawedu.mock_trial.roles",
        target=trial,
        org=order.project.org,
        changes=changes,
    )
    return created


def _seat_label(kind: str, name: str, class_name: str) -> str:
    who = "、".join(part for part in (class_name, name) if part)
    return f"{who}（{ParticipantKind(kind).label}）"


@transaction.atomic
def trial_attach(*, actor: Any, trial: MockTrial, upload: Any) -> TrialAttachment:
    order = _trial_order(actor, trial.order)
    checked = check_upload(upload)
    attachment = TrialAttachment(
        trial=trial,
        name=checked.name,
        content_type=checked.kind.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    attachment.file.save(checked.stored_name, checked.upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="lawedu.mock_trial.attach",
        target=trial,
        org=order.project.org,
        changes={"attachment": [None, checked.name]},
    )
    return attachment


@transaction.atomic
def trial_attachment_remove(*, actor: Any, attachment: TrialAttachment) -> TrialAttachment:
    attachment = TrialAttachment.objects.select_for_update().get(pk=attachment.pk)
    order = _trial_order(actor, attachment.trial.order)
    if attachment.removed_at is not None:
        return attachment
    attachment.removed_at = timezone.now()
    attachment.save(update_fields=["removed_at"])
    audit_record(
        actor=actor,
        action="lawedu.mock_trial.detach",
        target=attachment.trial,
        org=order.project.org,
        changes={"attachment": [attachment.name, None]},
    )
    return attachment
