"""The multiple organisation picker on the agreement and project forms: a long list is not
written into the page (mofan.js fetches it after load), the chosen ones stay in the page, and
the server still refuses an organisation outside the user's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mofan.cobuild.models import Agreement
from mofan.core.widgets import TreeMultiPicker
from tests.conftest import Tree, login, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client: Any, tree: Tree, roles: dict[str, Any]) -> Any:
    user = make_user("jia-admin", grants=[(roles["committee_admin"], tree.committee_a, True)])
    login(client, user)
    return user


def _select(page: str, name: str) -> str:
    start = page.index(f'<select name="{name}"')
    return page[start : page.index("</select>", start)]


def test_short_lists_are_inline_and_long_ones_fetched(
    client: Any, admin: Any, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = client.get(reverse("cobuild:agreement_create")).content.decode()
    select = _select(page, "party_orgs")
    assert "multiple" in select and "data-multipicker" in select
    assert tree.branch_a1.name in select and "data-options-url" not in select

    monkeypatch.setattr(TreeMultiPicker, "inline_limit", 1)
    page = client.get(reverse("cobuild:agreement_create")).content.decode()
    select = _select(page, "party_orgs")
    assert "data-options-url" in select and "<option" not in select
    url = select.split('data-options-url="')[1].split('"')[0].replace("&amp;", "&")
    options = client.get(url).content.decode()
    assert tree.branch_a1.name in options and tree.committee_b.name not in options

    data = {
        "org": tree.committee_a.pk,
        "title": "五方协议",
        "signed_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "party_orgs": [tree.committee_a.pk, tree.branch_a1.pk, tree.committee_b.pk],
    }
    response = client.post(reverse("cobuild:agreement_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["party_orgs"]
    select = _select(response.content.decode(), "party_orgs")
    # The chosen ones in scope are kept in the page when the form comes back.
    assert f'value="{tree.branch_a1.pk}" selected' in select
    assert not Agreement.objects.exists()
    data["party_orgs"] = [tree.committee_a.pk, tree.branch_a1.pk]
    response = client.post(reverse("cobuild:agreement_create"), data)
    assert response.status_code == 302
    assert set(Agreement.objects.get().parties.values_list("org_id", flat=True)) == {
        tree.committee_a.pk,
        tree.branch_a1.pk,
    }


def test_the_project_form_team_picker(
    client: Any, admin: Any, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TreeMultiPicker, "inline_limit", 1)
    page = client.get(reverse("cobuild:project_create")).content.decode()
    select = _select(page, "team_orgs")
    assert "multiple" in select and "data-options-url" in select
