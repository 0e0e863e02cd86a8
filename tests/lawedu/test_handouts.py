"""Handout stock: received, issued at a session, corrected; never below zero; every movement
audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.lawedu.models import Material, MaterialMovement
from mofan.lawedu.services import (
    handouts_issue,
    material_adjust,
    material_create,
    material_receive,
)
from tests.conftest import Tree, make_user
from tests.lawedu.factories import legal_project, person, school, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: Tree) -> dict[str, Any]:
    project, topic = legal_project(tree.committee_a)
    lawyer = person(project, "张律师")
    partner = school(tree.committee_a)
    return {
        "project": project,
        "topic": topic,
        "lawyer": lawyer,
        "school": partner,
        "order": session(project, topic, partner, state="scheduled"),
        "book": material_create(
            actor=None, org=tree.committee_a, name="宪法", stock=50, low_stock_at=10
        ),
        "cards": material_create(
            actor=None, org=tree.committee_a, name="民法典扫码视听卡", unit="张", stock=5
        ),
    }


def _stock(material: Material) -> int:
    material.refresh_from_db()
    return material.stock


def test_opening_stock_is_a_received_movement(world: dict[str, Any]) -> None:
    book = world["book"]
    assert book.stock == 50
    movement = MaterialMovement.objects.get(material=book)
    assert (movement.kind, movement.quantity, movement.stock_after) == ("received", 50, 50)
    assert AuditEvent.objects.filter(action="lawedu.material.received").count() == 2


def test_receive_and_adjust_change_stock_and_are_audited(world: dict[str, Any]) -> None:
    book = world["book"]
    events = AuditEvent.objects.count()
    material_receive(actor=None, material=book, quantity=30, note="印刷厂送到")
    material_adjust(actor=None, material=book, delta=-4, reason="受潮损坏")
    assert _stock(book) == 76
    kinds = list(book.movements.order_by("id").values_list("kind", "quantity", "stock_after"))
    assert kinds == [("received", 50, 50), ("received", 30, 80), ("adjusted", -4, 76)]
    assert AuditEvent.objects.count() == events + 2
    event = AuditEvent.objects.latest("id")
    assert event.action == "lawedu.material.adjusted"
    assert event.changes["stock"] == [80, 76] and event.changes["reason"] == [None, "受潮损坏"]


@pytest.mark.parametrize(
    ("delta", "reason", "message"),
    [
        (-51, "盘点", "库存只有 50 本宪法。"),
        (-3, "  ", "请说明原因。"),
        (0, "盘点", "请填写增加的数量（如 5）或减少的数量（如 -5）。"),
    ],
)
def test_refused_adjustments_change_nothing(
    world: dict[str, Any], delta: int, reason: str, message: str
) -> None:
    book = world["book"]
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        material_adjust(actor=None, material=book, delta=delta, reason=reason)
    assert exc.value.messages == [message]
    assert _stock(book) == 50
    assert book.movements.count() == 1 and AuditEvent.objects.count() == events


def test_issue_at_a_session_takes_from_stock(world: dict[str, Any]) -> None:
    book, cards, order = world["book"], world["cards"], world["order"]
    issued = handouts_issue(actor=None, order=order, quantities={book: 40, cards: 5})
    assert [(m.material.name, m.quantity, m.stock_after) for m in issued] == [
        ("宪法", -40, 10),
        ("民法典扫码视听卡", -5, 0),
    ]
    assert all(m.order_id == order.pk and m.kind == "issued" for m in issued)
    assert (_stock(book), _stock(cards)) == (10, 0)
    book.refresh_from_db()
    assert book.is_low  # 10 at a threshold of 10
    events = AuditEvent.objects.filter(action="lawedu.material.issued")
    assert events.count() == 2
    assert all(e.changes["session"][1].startswith(f"{order.pk} ") for e in events)


def test_an_issue_short_of_one_kind_issues_nothing(world: dict[str, Any]) -> None:
    book, cards, order = world["book"], world["cards"], world["order"]
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        handouts_issue(actor=None, order=order, quantities={book: 10, cards: 6})
    assert exc.value.messages == ["库存只有 5 张民法典扫码视听卡。"]
    assert (_stock(book), _stock(cards)) == (50, 5)
    assert MaterialMovement.objects.filter(kind="issued").count() == 0
    assert AuditEvent.objects.count() == events


def test_issue_needs_a_session_with_a_date(world: dict[str, Any], tree: Tree) -> None:
    ordered = session(world["project"], world["topic"], world["school"], state="ordered")
    with pytest.raises(DomainError) as exc:
        handouts_issue(actor=None, order=ordered, quantities={world["book"]: 1})
    assert exc.value.messages == ["资料在已确定时间的授课中发放。"]
    with pytest.raises(DomainError):
        handouts_issue(actor=None, order=world["order"], quantities={world["book"]: 0})
    assert _stock(world["book"]) == 50


def test_issue_by_someone_outside_the_keeper_is_refused(
    world: dict[str, Any], tree: Tree, roles: Any
) -> None:
    outsider = make_user("b", grants=[(roles["committee_admin"], tree.committee_b, True)])
    with pytest.raises(PermissionDenied):
        handouts_issue(actor=outsider, order=world["order"], quantities={world["book"]: 1})
    insider = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    handouts_issue(actor=insider, order=world["order"], quantities={world["book"]: 1})
    assert _stock(world["book"]) == 49


def test_database_refuses_a_negative_stock(world: dict[str, Any]) -> None:
    """Even code that forgets the condition cannot take the stock below zero."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Material.objects.filter(pk=world["cards"].pk).update(stock=-1)
    assert _stock(world["cards"]) == 5


def test_duplicate_name_refused(world: dict[str, Any], tree: Tree) -> None:
    with pytest.raises(DomainError) as exc:
        material_create(actor=None, org=tree.committee_a, name=" 宪法 ")
    assert exc.value.message_dict == {"name": ["该组织已有同名资料。"]}
