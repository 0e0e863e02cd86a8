"""Pages of volunteering that the browser tests do not walk through."""

from __future__ import annotations

from typing import Any

import pytest

from mofan.volunteer.models import HoursRule
from tests.conftest import Tree, login, make_user
from tests.volunteer.conftest import World

pytestmark = pytest.mark.django_db


def test_rules_page_adds_a_dated_rule(client: Any, tree: Tree, world: World, roles: Any) -> None:
    HoursRule.objects.get_or_create(
        effective_from="2021-02-01",
        defaults={"star_hours": [100, 300, 600, 1000, 1500]},
    )
    login(client, make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)]))
    page = client.get("/volunteer/rules/").content.decode()
    assert "2021年2月1日" in page and "60%" in page and "100 / 300 / 600 / 1000 / 1500" in page
    response = client.post(
        "/volunteer/rules/",
        {
            "effective_from": "2027-01-01",
            "presence_threshold": "50",
            "star_hours": "50，150，300，600，1000",
            "open_claims_per_member": "2",
            "registration_hours_target": "50",
        },
    )
    assert response.status_code == 302
    rule = HoursRule.objects.get(effective_from="2027-01-01")
    assert str(rule.presence_threshold) == "0.50" and rule.star_hours == [50, 150, 300, 600, 1000]
    assert rule.registration_hours_target == 50
    bad = client.post(
        "/volunteer/rules/",
        {
            "effective_from": "2027-01-01",
            "presence_threshold": "50",
            "star_hours": "a,b",
            "open_claims_per_member": "2",
        },
    )
    assert bad.status_code == 200 and "逗号" in bad.content.decode()
    # A committee administrator below the root may not change the deployment's rules.
    login(client, world.organiser)
    response = client.post(
        "/volunteer/rules/",
        {
            "effective_from": "2028-01-01",
            "presence_threshold": "70",
            "star_hours": "1,2,3,4,5",
            "open_claims_per_member": "2",
        },
    )
    assert response.status_code == 403
    assert not HoursRule.objects.filter(effective_from="2028-01-01").exists()
