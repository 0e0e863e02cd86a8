"""Legal education's part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py): on side A's committee, a delivered 模拟法庭 session with
its trial and an attachment, a handout, an appointment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.lawedu.models import (
    Appointment,
    Material,
    MaterialMovement,
    MockTrial,
    TrialAttachment,
    TrialSeat,
)
from mofan.lawedu.services import (
    appointment_create,
    handouts_issue,
    material_create,
    mock_trial_save,
    trial_attach,
)
from tests.conftest import Post, Tree, World
from tests.lawedu.factories import legal_project, person, school, session

# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {}
# Views whose objects belong to no organisation: a holder anywhere is a holder.
SYSTEM_WIDE: set[str] = set()
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("lawedu:materials", "work_committee_admin", 12),
    ("lawedu:appointments", "work_committee_admin", 12),
]


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    org = tree.committee_a
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
    world.update(
        {
            "_lawedu_order_id": order.pk,  # "order_id" is co-building's own (an open order)
            "trial_attachment_id": attachment.pk,
            "material_id": material.pk,
            "appointment_id": appointment.pk,
        }
    )


def snapshot() -> tuple[Any, ...]:
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


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    material, order = world["material_id"], world["_lawedu_order_id"]
    return [
        Post(reverse("lawedu:material", args=[material]), {"step": "receive", "quantity": 5}),
        Post(
            reverse("lawedu:material", args=[material]),
            {"step": "adjust", "delta": -5, "reason": "越权"},
        ),
        Post(reverse("lawedu:order_handouts", args=[order]), {f"qty_{material}": 1}),
        Post(
            reverse("lawedu:mock_trial", args=[order]),
            {"step": "case", "case_title": "篡改", "case_summary": "篡改"},
        ),
        Post(
            reverse("lawedu:mock_trial", args=[order]),
            {"step": "remove", "attachment": world["trial_attachment_id"]},
        ),
        Post(
            reverse("lawedu:appointment", args=[world["appointment_id"]]),
            {"ended_on": timezone.localdate().isoformat(), "reason": "越权"},
        ),
        Post(
            reverse("lawedu:material_create"),
            {
                "org": world["org_id"],
                "name": "越权资料",
                "unit": "本",
                "stock": 1,
                "low_stock_at": 0,
            },
            answers=frozenset({200}),
            form_error="org",
        ),
    ]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    """A project with a delivered session, two handouts (one low) with an issue, and two
    appointments of one person (hours counted)."""
    org, tag = rows["branch"], rows["tag"]
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
