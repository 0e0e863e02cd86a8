"""Handouts reserved when a team prepares a session: held copies are not available to anyone
else, a refusal changes nothing, cancelling or declining releases them, delivering consumes
them (fewer issued: the rest released; more: taken from what is available)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum

from mofan.cobuild.services import order_cancel, order_deliver, order_prepare
from mofan.core.audit import audit_verify
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.lawedu.models import HandoutReservation, Material, MaterialMovement
from mofan.lawedu.selectors import held_for
from mofan.lawedu.services import handouts_issue, material_adjust, material_create
from tests.conftest import Tree, race
from tests.lawedu.factories import legal_project, person, school, session


def _world(tree: Tree) -> dict[str, Any]:
    project, topic = legal_project(tree.committee_a)
    lawyer = person(project, "张律师")
    partner = school(tree.committee_a)
    return {
        "lawyer": lawyer,
        "orders": [session(project, topic, partner, state="scheduled") for _ in range(2)],
        "book": material_create(
            actor=None, org=tree.committee_a, name="宪法", stock=50, low_stock_at=10
        ),
    }


def _prepare(order: Any, handouts: dict[Material, int]) -> Any:
    return order_prepare(
        actor=None,
        order=order,
        lesson_plan=SimpleUploadedFile("教案.pdf", b"%PDF-1.4\n%plan\n"),
        handouts=handouts,
    )


def _levels(material: Material) -> tuple[int, int, int]:
    material.refresh_from_db()
    return material.stock, material.reserved, material.available


@pytest.mark.django_db
class TestReservations:
    def test_prepare_reserves_and_audits(self, tree: Tree) -> None:
        w = _world(tree)
        book, order = w["book"], w["orders"][0]
        _prepare(order, {book: 30})
        assert _levels(book) == (50, 30, 20)
        assert held_for(order) == {book.pk: 30}
        record = HandoutReservation.objects.get(order=order)
        assert (record.kind, record.quantity, record.reserved_after) == ("reserved", 30, 30)
        event = AuditEvent.objects.filter(action="lawedu.material.reserved").get()
        assert event.changes["reserved"] == [0, 30]
        assert audit_verify().ok

    def test_preparing_again_changes_what_is_held(self, tree: Tree) -> None:
        w = _world(tree)
        book, order = w["book"], w["orders"][0]
        _prepare(order, {book: 30})
        _prepare(order, {book: 12})
        assert _levels(book) == (50, 12, 38)
        assert list(
            HandoutReservation.objects.filter(order=order)
            .order_by("id")
            .values_list("kind", "quantity")
        ) == [("reserved", 30), ("released", -18)]

    def test_over_reserving_is_refused_and_changes_nothing(self, tree: Tree) -> None:
        w = _world(tree)
        book, first, second = w["book"], *w["orders"]
        _prepare(first, {book: 40})
        with pytest.raises(DomainError) as refused:
            _prepare(second, {book: 11})
        assert "可用" in " ".join(refused.value.messages)
        assert "10" in " ".join(refused.value.messages)
        second.refresh_from_db()
        assert second.state == "scheduled" and not second.lesson_plan
        assert _levels(book) == (50, 40, 10)
        assert not HandoutReservation.objects.filter(order=second).exists()

    def test_reserved_copies_cannot_be_issued_or_counted_away(self, tree: Tree) -> None:
        w = _world(tree)
        book, first, second = w["book"], *w["orders"]
        _prepare(first, {book: 45})
        with pytest.raises(DomainError):
            handouts_issue(actor=None, order=second, quantities={book: 6})
        with pytest.raises(DomainError):
            material_adjust(actor=None, material=book, delta=-6, reason="盘点")
        assert _levels(book) == (50, 45, 5)
        with pytest.raises(IntegrityError), transaction.atomic():
            Material.objects.filter(pk=book.pk).update(reserved=51)

    def test_cancelling_releases(self, tree: Tree) -> None:
        w = _world(tree)
        book, order = w["book"], w["orders"][0]
        order = _prepare(order, {book: 30})
        order_cancel(actor=None, order=order, reason="学校停课")
        assert _levels(book) == (50, 0, 50)
        assert held_for(order) == {}
        assert AuditEvent.objects.filter(action="lawedu.material.released").count() == 1

    def test_delivery_consumes_and_releases_the_rest(self, tree: Tree) -> None:
        w = _world(tree)
        book, order = w["book"], w["orders"][0]
        order = _prepare(order, {book: 30})
        order_deliver(
            actor=None, order=order, taught_by=[w["lawyer"]], attendance=40, handouts={book: 25}
        )
        assert _levels(book) == (25, 0, 25)
        assert list(
            HandoutReservation.objects.filter(order=order)
            .order_by("id")
            .values_list("kind", "quantity")
        ) == [("reserved", 30), ("consumed", -25), ("released", -5)]
        issue = MaterialMovement.objects.get(order=order)
        assert (issue.kind, issue.quantity, issue.stock_after) == ("issued", -25, 25)
        assert audit_verify().ok

    def test_delivery_may_issue_more_if_available(self, tree: Tree) -> None:
        w = _world(tree)
        book, first, second = w["book"], *w["orders"]
        _prepare(second, {book: 10})
        first = _prepare(first, {book: 30})
        with pytest.raises(DomainError):  # 30 held + 10 available, 41 asked
            order_deliver(
                actor=None, order=first, taught_by=[w["lawyer"]], attendance=40, handouts={book: 41}
            )
        first.refresh_from_db()
        assert first.state == "prepared"
        assert _levels(book) == (50, 40, 10)
        order_deliver(
            actor=None, order=first, taught_by=[w["lawyer"]], attendance=40, handouts={book: 40}
        )
        assert _levels(book) == (10, 10, 0)
        assert held_for(second) == {book.pk: 10}

    def test_only_the_teams_own_stock(self, tree: Tree) -> None:
        w = _world(tree)
        other = material_create(actor=None, org=tree.committee_b, name="禁毒手册", stock=10)
        with pytest.raises(DomainError):
            _prepare(w["orders"][0], {other: 1})
        assert _levels(other) == (10, 0, 10)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_reservations_for_the_last_stock(tree: Tree) -> None:
    w = _world(tree)
    book = w["book"]
    material_adjust(actor=None, material=book, delta=-44, reason="盘点")  # 6 left
    queue = list(w["orders"])
    lock = threading.Lock()

    def reserve() -> object:
        with lock:
            order = queue.pop()
        return _prepare(order, {book: 5})

    wins, refusals = race(2, reserve)
    assert len(wins) == 1 and len(refusals) == 1, refusals
    assert "可用" in refusals[0]
    assert _levels(book) == (6, 5, 1)
    total = HandoutReservation.objects.filter(material=book).aggregate(n=Sum("quantity"))["n"]
    assert total == 5
    assert audit_verify().ok
