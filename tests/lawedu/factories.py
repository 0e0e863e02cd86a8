"""Legal-education test data: a 模法师 project with its team, and ordered sessions walked
through the order table by the system (actor=None) to the state a test needs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mofan.cobuild.models import Order, OrderFormat, ProjectKind, ProjectMember, ServiceProject
from mofan.cobuild.services import (
    order_accept,
    order_confirm,
    order_deliver,
    order_dispatch,
    order_place,
    order_prepare,
    order_schedule,
    project_create,
    project_member_add,
    topic_add,
)
from mofan.orgs.models import Organisation, PartnerUnit
from mofan.orgs.services import partner_create


def legal_project(org: Organisation, name: str = "模法师") -> tuple[ServiceProject, Any]:
    project = project_create(
        actor=None,
        org=org,
        name=name,
        kind=ProjectKind.LEGAL_EDUCATION,
        formats=[OrderFormat.MOCK_TRIAL, OrderFormat.LECTURE],
    )
    topic = topic_add(actor=None, project=project, title="模拟法庭")
    return project, topic


def person(project: ServiceProject, name: str, unit: str = "雷诺律师事务所") -> ProjectMember:
    return project_member_add(actor=None, project=project, name=name, unit=unit, role="律师")


def school(org: Organisation, name: str = "第三十二中学") -> PartnerUnit:
    return partner_create(actor=None, org=org, name=name, kind="school")


def session(
    project: ServiceProject,
    topic: Any,
    partner: PartnerUnit,
    *,
    state: str = "delivered",
    at: datetime | None = None,
    taught_by: list[ProjectMember] | None = None,
    format: str = OrderFormat.MOCK_TRIAL,
) -> Order:
    """An order walked to `state` (scheduled, prepared, delivered or confirmed); the session
    takes place at `at` (an hour ago by default)."""
    at = at or timezone.now() - timedelta(hours=1)
    order = order_place(
        actor=None,
        topic=topic,
        partner=partner,
        format=format,
        audience="初二(3)班",
        audience_size=40,
        venue="学校报告厅",
        at=at - timedelta(days=10),
    )
    if state == "ordered":
        return order
    order = order_dispatch(actor=None, order=order, team=project.org, at=at - timedelta(days=9))
    order = order_accept(actor=None, order=order, at=at - timedelta(days=8))
    order = order_schedule(
        actor=None, order=order, scheduled_at=at - timedelta(minutes=5), at=at - timedelta(days=7)
    )
    if state == "scheduled":
        return order
    order = order_prepare(
        actor=None,
        order=order,
        lesson_plan=SimpleUploadedFile("教案.pdf", b"%PDF-1.4\n%plan\n"),
        at=at - timedelta(days=2),
    )
    if state == "prepared":
        return order
    teachers = taught_by or list(project.team.all()[:1])
    order = order_deliver(actor=None, order=order, taught_by=teachers, attendance=40, at=at)
    if state == "delivered":
        return order
    return order_confirm(actor=None, order=order, rating=5, at=at + timedelta(days=1))


def walk_world(org: Organisation) -> dict[str, Any]:
    """For the authorization walk: one of each legal-education object on side A (`org`), a
    delivered 模拟法庭 session with its trial and an attachment, a handout, an appointment."""
    from mofan.lawedu.services import (
        appointment_create,
        material_create,
        mock_trial_save,
        trial_attach,
    )

    project, topic = legal_project(org, "模法师（巡查）")
    lawyer = person(project, "巡查律师")
    partner = school(org, "巡查中学")
    order = session(project, topic, partner, taught_by=[lawyer])
    trial = mock_trial_save(actor=None, order=order, case_title="案", case_summary="案情")
    attachment = trial_attach(
        actor=None, trial=trial, upload=SimpleUploadedFile("剧本.pdf", b"%PDF-1.4\n%walk\n")
    )
    material = material_create(actor=None, org=org, name="宪法（巡查）", stock=10)
    appointment = appointment_create(
        actor=None, person=lawyer, partner=partner, starts_on=timezone.localdate()
    )
    return {
        "_lawedu_order_id": order.pk,  # "order_id" is the orders' own (an open order)
        "trial_attachment_id": attachment.pk,
        "material_id": material.pk,
        "appointment_id": appointment.pk,
    }


def walk_snapshot() -> tuple[Any, ...]:
    """What the walk compares before and after: any legal-education write shows here."""
    from django.db.models import Sum

    from mofan.lawedu.models import (
        Appointment,
        Material,
        MaterialMovement,
        MockTrial,
        TrialAttachment,
        TrialSeat,
    )

    return (
        Material.objects.count(),
        Material.objects.aggregate(n=Sum("stock"))["n"],
        MaterialMovement.objects.count(),
        sorted(MockTrial.objects.values_list("case_title", "case_summary")),
        TrialSeat.objects.count(),
        TrialAttachment.objects.filter(removed_at__isnull=True).count(),
        Appointment.objects.count(),
        Appointment.objects.filter(ended_on__isnull=False).count(),
    )


def walk_posts(world: dict[str, Any], reverse: Any) -> list[tuple[str, dict[str, Any]]]:
    """Well-formed POSTs to side A's legal-education objects (an outsider must get 404)."""
    return [
        (
            reverse("lawedu:material", args=[world["material_id"]]),
            {"step": "receive", "quantity": 5},
        ),
        (
            reverse("lawedu:material", args=[world["material_id"]]),
            {"step": "adjust", "delta": -5, "reason": "越权"},
        ),
        (
            reverse("lawedu:order_handouts", args=[world["_lawedu_order_id"]]),
            {f"qty_{world['material_id']}": 1},
        ),
        (
            reverse("lawedu:mock_trial", args=[world["_lawedu_order_id"]]),
            {"step": "case", "case_title": "篡改", "case_summary": "篡改"},
        ),
        (
            reverse("lawedu:mock_trial", args=[world["_lawedu_order_id"]]),
            {"step": "remove", "attachment": world["trial_attachment_id"]},
        ),
        (
            reverse("lawedu:appointment", args=[world["appointment_id"]]),
            {"ended_on": timezone.localdate().isoformat(), "reason": "越权"},
        ),
    ]


def grow(org: Organisation, tag: str) -> None:
    """For the query-count test: per call, a project with a delivered session, two handouts
    (one low) with an issue, and two appointments of one person (hours counted)."""
    from mofan.lawedu.services import appointment_create, handouts_issue, material_create

    project, topic = legal_project(org, f"模法师{tag}")
    lawyer = person(project, f"律师{tag}")
    partner = school(org, f"中学{tag}")
    other = school(org, f"假期班{tag}")
    order = session(project, topic, partner, taught_by=[lawyer])
    book = material_create(actor=None, org=org, name=f"宪法{tag}", stock=30)
    cards = material_create(actor=None, org=org, name=f"禁毒手册{tag}", stock=5)
    handouts_issue(actor=None, order=order, quantities={book: 3, cards: 1})
    start = timezone.localdate() - timedelta(days=30)
    for unit in (partner, other):
        appointment_create(actor=None, person=lawyer, partner=unit, starts_on=start)
