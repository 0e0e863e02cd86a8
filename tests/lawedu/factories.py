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
