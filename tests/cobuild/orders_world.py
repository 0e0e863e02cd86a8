"""A small world for order tests: a project of 甲机关党委 served by 甲第一支部, its team and
menu, two schools with a contact each, and the people who act on orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mofan.cobuild import services
from mofan.cobuild.demo import PHOTO as PNG  # a real (tiny) PNG
from mofan.cobuild.models import MenuTopic, Order, OrderFormat, ProjectMember, ServiceProject
from mofan.orgs.models import PartnerContact, PartnerUnit
from mofan.orgs.services import partner_contact_add, partner_create
from tests.conftest import Tree, make_members


def pdf(name: str = "教案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%order\n", content_type="application/pdf")


def png(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@dataclass
class World:
    project: ServiceProject
    topic: MenuTopic
    lecturer: ProjectMember
    lawyer: ProjectMember
    school: PartnerUnit
    other_school: PartnerUnit
    contact: Any  # the school's contact person
    other_contact: Any
    coordinator: Any  # 甲机关党委 administrator
    team_user: Any  # 甲第一支部 secretary
    tree: Tree


def make_user(username: str, *, grants: list[tuple[Any, Any, bool]] = ()) -> Any:  # type: ignore[assignment]
    """A user without a password (hashing one costs more than the rest of a test)."""
    from mofan.accounts.models import User
    from mofan.accounts.services import grant_create

    user = User.objects.create_user(username=username, password=None, full_name=username)
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    for role, org, subtree in grants:
        grant_create(actor=None, user=user, role=role, org=org, include_subtree=subtree)
    return user


def link_contact(contact: PartnerContact, user: Any) -> None:
    PartnerContact.objects.filter(pk=contact.pk).update(user=user)


def build(tree: Tree, roles: dict[str, Any], suffix: str = "") -> World:
    coordinator = make_user(
        f"coord{suffix}", grants=[(roles["committee_admin"], tree.committee_a, True)]
    )
    team_user = make_user(
        f"team{suffix}", grants=[(roles["branch_secretary"], tree.branch_a1, True)]
    )
    project = services.project_create(
        actor=None,
        org=tree.committee_a,
        name="模法师",
        kind="legal_education",
        formats=[OrderFormat.LECTURE, OrderFormat.MOCK_TRIAL],
        team_orgs=[tree.branch_a1],
    )
    member = make_members(tree.branch_a1, 1)[0]
    lecturer = services.project_member_add(actor=None, project=project, member=member, role="主讲")
    lawyer = services.project_member_add(
        actor=None, project=project, name="王律师", unit="雷诺律师事务所", role="律师"
    )
    topic = services.topic_add(
        actor=None, project=project, title="模拟法庭", lecturers=[lecturer, lawyer]
    )
    school = partner_create(actor=None, org=tree.committee_a, name="第三十二中学", kind="school")
    other = partner_create(actor=None, org=tree.committee_a, name="第十中学", kind="school")
    contact = make_user(f"teacher{suffix}")
    link_contact(partner_contact_add(actor=None, partner=school, name="赵老师"), contact)
    other_contact = make_user(f"other{suffix}")
    link_contact(partner_contact_add(actor=None, partner=other, name="钱老师"), other_contact)
    return World(
        project,
        topic,
        lecturer,
        lawyer,
        school,
        other,
        contact,
        other_contact,
        coordinator,
        team_user,
        tree,
    )


def place(w: World, partner: PartnerUnit | None = None, actor: Any = None) -> Order:
    return services.order_place(
        actor=actor,
        topic=w.topic,
        partner=partner or w.school,
        format=OrderFormat.MOCK_TRIAL,
        audience="初二年级",
        audience_size=80,
        venue="学校礼堂",
        preferred_dates="下月第一周",
        at=timezone.now() - timedelta(days=7),
    )


def advance(w: World, order: Order, state: str) -> Order:
    """Bring an order to `state` through the services (as the system, with past times)."""
    now = timezone.now()
    if state == "ordered":
        return order
    if state == "cancelled":
        return services.order_cancel(actor=None, order=order, reason="学校调课")
    order = services.order_dispatch(
        actor=None, order=order, team=w.tree.branch_a1, at=now - timedelta(days=6)
    )
    if state == "dispatched":
        return order
    if state == "declined":
        return services.order_decline(actor=None, order=order, reason="人手不足")
    order = services.order_accept(actor=None, order=order, at=now - timedelta(days=5))
    if state == "accepted":
        return order
    order = services.order_schedule(
        actor=None,
        order=order,
        scheduled_at=now - timedelta(days=1),
        at=now - timedelta(days=4),
    )
    if state == "scheduled":
        return order
    order = services.order_prepare(
        actor=None, order=order, lesson_plan=pdf(), at=now - timedelta(days=3)
    )
    if state == "prepared":
        return order
    order = services.order_deliver(
        actor=None, order=order, taught_by=[w.lecturer], attendance=76, at=now - timedelta(hours=20)
    )
    if state == "delivered":
        return order
    return services.order_confirm(actor=None, order=order, rating=5, comment="生动")
