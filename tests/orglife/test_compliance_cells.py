"""Compliance cells shared between organisations that met alike stay each one's own answer."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from mofan.accounts.models import Role
from mofan.orglife import selectors
from mofan.orglife.models import MeetingKind
from mofan.orgs.models import Organisation
from tests.conftest import Tree, make_user
from tests.orglife.test_services import at, schedule

pytestmark = pytest.mark.django_db


def test_alike_branches_share_cells_and_the_others_keep_their_own(
    tree: Tree, roles: dict[str, Role]
) -> None:
    Organisation.objects.update(established_on=date(2020, 1, 1))
    Organisation.objects.filter(pk=tree.branch_b1.pk).update(established_on=date(2026, 5, 15))
    for branch in (tree.branch_a1, tree.branch_a2, tree.branch_b1):
        schedule(branch, MeetingKind.THEMED_PARTY_DAY, at(2026, 6, 1, 7))  # 07:00 on the 1st
    schedule(tree.branch_a2, MeetingKind.THEMED_PARTY_DAY, at(2026, 7, 31, 23))
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    today = date(2026, 12, 31)
    rows = {
        r.org.pk: r for r in selectors.compliance(actor=admin, under=None, year=2026, today=today)
    }

    def held(org: Organisation) -> list[tuple[int, int]]:
        cells = rows[org.pk].cells[MeetingKind.THEMED_PARTY_DAY]
        return [(c.window.starts.month, c.held) for c in cells if c.held]

    # Local months: 07:00 on 1 June is June (23:00 UTC on 31 May), 23:00 on 31 July is July.
    assert held(tree.branch_a1) == [(6, 1)]
    assert held(tree.branch_a2) == [(6, 1), (7, 1)]
    assert held(tree.branch_b1) == [(6, 1)]
    a1 = rows[tree.branch_a1.pk].cells[MeetingKind.THEMED_PARTY_DAY]
    b1 = rows[tree.branch_b1.pk].cells[MeetingKind.THEMED_PARTY_DAY]
    assert len(a1) == 12 and len(b1) == 7  # b1 owes from June, the first month it existed
    # Organisations that met alike share their cells, which cannot be changed through one.
    a1_group = rows[tree.branch_a1.pk].cells[MeetingKind.PARTY_LESSON]
    a2_group = rows[tree.branch_a2.pk].cells[MeetingKind.PARTY_LESSON]
    assert a1_group == a2_group and a1_group is not a2_group
    with pytest.raises(dataclasses.FrozenInstanceError):
        a1[0].held = 5  # type: ignore[misc]
