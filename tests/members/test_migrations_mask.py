"""The data migration re-masks the ID numbers stored the old way (first six shown)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from mofan.members import services
from mofan.members.models import Member
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_old_masks_are_redone_and_others_left_alone(tree: Tree) -> None:
    old = services.member_create(
        actor=None, full_name="王建", org=tree.branch_a1, id_number="620111198504225630"
    )
    other = services.member_create(actor=None, full_name="李四", org=tree.branch_a1)
    Member.objects.filter(pk=old.pk).update(id_number_masked="620111********5630")
    import_module("mofan.members.migrations.0005_mask_id_first_and_last_four").remask(apps, None)
    assert Member.objects.get(pk=old.pk).id_number_masked == "6201**********5630"
    assert Member.objects.get(pk=other.pk).id_number_masked == ""
