"""Concurrent issues of one handout: real threads with their own connections (SQLite
immediate transactions; PostgreSQL row locks). The stock never goes below zero, the winners
are exactly as many as the stock allows, and stock equals the sum of the movements."""

from __future__ import annotations

import threading

import pytest
from django.db.models import Sum

from mofan.core.audit import audit_verify
from mofan.lawedu.models import MaterialMovement
from mofan.lawedu.services import handouts_issue, material_create
from tests.conftest import Tree, race
from tests.lawedu.factories import legal_project, person, school, session

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_issues_never_drive_stock_below_zero(tree: Tree) -> None:
    project, topic = legal_project(tree.committee_a)
    person(project, "张律师")
    partner = school(tree.committee_a)
    orders = [session(project, topic, partner, state="scheduled") for _ in range(8)]
    book = material_create(actor=None, org=tree.committee_a, name="禁毒手册", stock=10)
    queue = list(orders)
    lock = threading.Lock()

    def issue() -> object:
        with lock:
            order = queue.pop()
        return handouts_issue(actor=None, order=order, quantities={book: 3})

    wins, refusals = race(8, issue)
    assert len(wins) == 3 and len(refusals) == 5
    assert all(r.startswith("库存只有") for r in refusals), refusals
    book.refresh_from_db()
    assert book.stock == 1
    total = MaterialMovement.objects.filter(material=book).aggregate(n=Sum("quantity"))["n"]
    assert total == book.stock
    assert sorted(
        MaterialMovement.objects.filter(material=book, kind="issued").values_list(
            "stock_after", flat=True
        )
    ) == [1, 4, 7]
    assert audit_verify().ok
