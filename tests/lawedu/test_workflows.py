"""法治教育 has no state field of its own (its choices are kinds, roles and titles, not places
in a process): what it does to a session is taken through the co-building order's declared
steps, which it joins (`cobuild.extensions`). Each joined step, taken through its service,
lands in the step's target with the order's audit entry and the handouts' records; refused
from another state, it changes neither the order nor the stock."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.cobuild import extensions, services
from mofan.cobuild.models import Order, OrderState
from mofan.cobuild.workflows import ORDER
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.lawedu.models import HandoutReservation, Material
from mofan.lawedu.services import material_create
from tests.conftest import Tree
from tests.core.test_workflows import STATE_FIELDS
from tests.lawedu.factories import legal_project, person, school, session

pytestmark = pytest.mark.django_db


def test_lawedu_has_no_state_field_to_declare() -> None:
    for model in apps.get_app_config("lawedu").get_models():
        for field in model._meta.get_fields():
            assert not (getattr(field, "choices", None) and field.name in STATE_FIELDS), field


def test_the_steps_it_joins_are_declared_order_steps() -> None:
    joined = {"prepare", "deliver", "decline", "cancel"}
    assert {name for name in joined if extensions.for_step(name)} == joined
    assert all(ORDER[name].sources for name in joined)


def _world(tree: Tree, state: str) -> dict[str, Any]:
    project, topic = legal_project(tree.committee_a)
    lawyer = person(project, "张律师")
    order = session(project, topic, school(tree.committee_a), state=state)
    book = material_create(actor=None, org=tree.committee_a, name="宪法", stock=50)
    return {"lawyer": lawyer, "order": order, "book": book}


def _levels(book: Material) -> tuple[int, int]:
    book.refresh_from_db()
    return book.stock, book.reserved


def _plan() -> SimpleUploadedFile:
    return SimpleUploadedFile("教案.pdf", b"%PDF-1.4\n%plan\n")


def test_prepare_then_cancel_reserves_and_releases(tree: Tree) -> None:
    w = _world(tree, "scheduled")
    order, book = w["order"], w["book"]
    services.order_prepare(actor=None, order=order, lesson_plan=_plan(), handouts={book: 20})
    assert Order.objects.get(pk=order.pk).state == ORDER["prepare"].target
    assert _levels(book) == (50, 20)
    assert AuditEvent.objects.filter(action="cobuild.order.prepare").count() == 1
    services.order_cancel(actor=None, order=order, reason="停课")
    assert Order.objects.get(pk=order.pk).state == ORDER["cancel"].target
    assert _levels(book) == (50, 0)
    records = HandoutReservation.objects.filter(order=order).order_by("id")
    kinds = list(records.values_list("kind", flat=True))
    assert kinds == ["reserved", "released"]


def test_deliver_issues_what_was_given_out(tree: Tree) -> None:
    w = _world(tree, "scheduled")
    order, book = w["order"], w["book"]
    services.order_prepare(actor=None, order=order, lesson_plan=_plan(), handouts={book: 20})
    services.order_deliver(
        actor=None, order=order, taught_by=[w["lawyer"]], attendance=30, handouts={book: 15}
    )
    assert Order.objects.get(pk=order.pk).state == ORDER["deliver"].target
    assert _levels(book) == (35, 0)


def test_a_joined_step_refused_by_state_changes_no_stock(tree: Tree) -> None:
    w = _world(tree, "delivered")
    order, book = w["order"], w["book"]
    assert OrderState.DELIVERED not in ORDER["prepare"].sources
    with pytest.raises(DomainError):
        services.order_prepare(actor=None, order=order, lesson_plan=_plan(), handouts={book: 5})
    assert Order.objects.get(pk=order.pk).state == OrderState.DELIVERED
    assert _levels(book) == (50, 0)
    assert not HandoutReservation.objects.filter(order=order).exists()
