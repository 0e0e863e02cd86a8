"""Co-building's part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py): an agreement of side A's committee with volunteering's
community, and a service project with a delivered order (lesson plan, photo), an open order
and a demand of that community."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.cobuild import services as cb
from mofan.cobuild.models import (
    Agreement,
    Demand,
    MenuTopic,
    Order,
    OrderEvent,
    ProjectMember,
    ServiceProject,
)
from mofan.orgs.services import partner_create
from tests.conftest import Post, Tree, World, png_bytes

# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {"which": lambda world: "lesson_plan"}  # a stored file of an order
# Views whose objects belong to no organisation: a holder anywhere is a holder.
SYSTEM_WIDE: set[str] = set()
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("cobuild:agreements", "work_committee_admin", 12),
    ("cobuild:agreement_create", "work_committee_admin", 12),
    ("cobuild:project_create", "work_committee_admin", 12),
    ("cobuild:orders", "work_committee_admin", 14),
    ("cobuild:projects", "work_committee_admin", 12),
    ("cobuild:demands", "work_committee_admin", 12),
    ("cobuild:order_statistics", "work_committee_admin", 20),
]


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    community = world["_community"]
    start = timezone.now() + timedelta(days=3)
    agreement = cb.agreement_create(
        actor=None,
        org=tree.committee_a,
        title="共建协议",
        signed_on=start.date() - timedelta(days=10),
        ends_on=start.date() + timedelta(days=365),
        party_orgs=[tree.committee_a],
        party_partners=[community],
        scan=SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n"),
    )
    project = cb.project_create(
        actor=None,
        org=tree.committee_a,
        name="模法师",
        formats=["lecture", "mock_trial"],
        team_orgs=[tree.branch_a1],
    )
    lecturer = cb.project_member_add(actor=None, project=project, member=world["_members"][2])
    topic = cb.topic_add(actor=None, project=project, title="模拟法庭", lecturers=[lecturer])
    now = timezone.now()
    order = cb.order_place(
        actor=None,
        topic=topic,
        partner=community,
        format="mock_trial",
        audience="初二",
        audience_size=60,
        venue="礼堂",
        at=now - timedelta(days=9),
    )
    cb.order_dispatch(actor=None, order=order, team=tree.branch_a1, at=now - timedelta(days=8))
    cb.order_accept(actor=None, order=order, at=now - timedelta(days=7))
    cb.order_schedule(
        actor=None, order=order, scheduled_at=now - timedelta(days=2), at=now - timedelta(days=6)
    )
    cb.order_prepare(
        actor=None,
        order=order,
        lesson_plan=SimpleUploadedFile("教案.pdf", b"%PDF-1.4\n"),
        at=now - timedelta(days=5),
    )
    cb.order_deliver(
        actor=None,
        order=order,
        taught_by=[lecturer],
        attendance=58,
        photos=[SimpleUploadedFile("p.png", png_bytes())],
        at=now - timedelta(days=1),
    )
    open_order = cb.order_place(
        actor=None,
        topic=topic,
        partner=community,
        format="lecture",
        audience="初一",
        audience_size=40,
        venue="教室",
    )
    demand = cb.demand_post(actor=None, partner=community, title="禁毒讲座")
    world.update(
        {
            "agreement_id": agreement.pk,
            "project_id": project.pk,
            "order_id": open_order.pk,
            "order_photo_id": order.photos.get().pk,
            "demand_id": demand.pk,
            "_delivered_order_id": order.pk,
            "_topic_id": topic.pk,
            "_person_id": lecturer.pk,
        }
    )


def snapshot() -> tuple[Any, ...]:
    return (
        Agreement.objects.filter(ended_at__isnull=True).count(),
        sorted(Order.objects.values_list("pk", "state", "team_id", "rating")),
        sorted(Demand.objects.values_list("pk", "state")),
        sorted(ServiceProject.objects.values_list("pk", "name", "org_id", "archived_at")),
        sorted(ProjectMember.objects.values_list("pk", "left_at")),
        sorted(MenuTopic.objects.values_list("pk", "title", "archived_at")),
        OrderEvent.objects.count(),
    )


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    order, project = world["order_id"], reverse("cobuild:project", args=[world["project_id"]])
    return [
        Post(
            reverse("cobuild:agreement", args=[world["agreement_id"]]),
            {"step": "end", "reason": "越权"},
        ),
        Post(
            reverse("cobuild:order_step", args=[order]),
            {"step": "dispatch", "team": tree.branch_b1.pk},
        ),
        Post(reverse("cobuild:order_step", args=[order]), {"step": "cancel", "reason": "越权"}),
        Post(
            reverse("cobuild:order_step", args=[world["_delivered_order_id"]]),
            {"step": "confirm", "rating": "1"},
        ),
        Post(reverse("cobuild:demand", args=[world["demand_id"]]), {"step": "close"}),
        Post(project, {"step": "topic", "title": "越权课题"}),
        Post(project, {"step": "member", "name": "越权", "unit": "乙"}),
        Post(
            reverse("cobuild:project_edit", args=[world["project_id"]]),
            {"org": tree.committee_b.pk, "name": "越权", "formats": ["lecture"]},
        ),
        Post(project, {"step": "archive", "reason": "越权"}),
        Post(project, {"step": "member_end", "person": world["_person_id"]}),
        Post(project, {"step": "topic_edit", "topic": world["_topic_id"], "edit-title": "越权"}),
        Post(project, {"step": "topic_retire", "topic": world["_topic_id"]}),
    ]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    """An agreement with volunteering's community, and a service project of the branch with a
    delivered, rated order and a demand."""
    branch, people, tag = rows["branch"], rows["people"], rows["tag"]
    cb.agreement_create(
        actor=None,
        org=branch,
        title=f"协议{tag}",
        signed_on=timezone.localdate() - timedelta(days=3),
        ends_on=timezone.localdate() + timedelta(days=300),
        party_orgs=[branch],
        party_partners=[rows["community"]],
    )
    project = cb.project_create(actor=None, org=branch, name=f"项目{tag}", formats=["lecture"])
    lecturer = cb.project_member_add(actor=None, project=project, member=people[0])
    topic = cb.topic_add(actor=None, project=project, title="普法", lecturers=[lecturer])
    school = partner_create(actor=None, org=branch, name=f"学校{tag}", kind="school")
    now = timezone.now()
    order = cb.order_place(
        actor=None,
        topic=topic,
        partner=school,
        format="lecture",
        audience="初一",
        audience_size=40,
        venue="教室",
        at=now - timedelta(days=6),
    )
    cb.order_dispatch(actor=None, order=order, team=branch, at=now - timedelta(days=5))
    cb.order_accept(actor=None, order=order, at=now - timedelta(days=5))
    cb.order_schedule(
        actor=None, order=order, scheduled_at=now - timedelta(days=1), at=now - timedelta(days=4)
    )
    plan = SimpleUploadedFile("教案.pdf", b"%PDF-1.4\n")
    cb.order_prepare(actor=None, order=order, lesson_plan=plan, at=now - timedelta(days=3))
    cb.order_deliver(actor=None, order=order, taught_by=[lecturer], attendance=38)
    cb.order_confirm(actor=None, order=order, rating=4)
    cb.demand_post(actor=None, partner=school, title=f"需求{tag}")
