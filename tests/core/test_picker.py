import pytest
from django.test import Client

from mofan.accounts.models import Role
from mofan.core.widgets import TreePicker
from tests.conftest import Tree, login, make_user

pytestmark = pytest.mark.django_db


def test_a_long_picker_carries_only_the_chosen_option() -> None:
    widget = TreePicker()
    widget.choices = [(i, f"组织{i}") for i in range(1, 301)]
    widget.options_url = "/orgs/picker/?permission=orgs.view"
    html = widget.render("org", 7)
    assert 'data-options-url="/orgs/picker/?permission=orgs.view"' in html
    assert html.count("<option") == 1 and '<option value="7" selected>组织7</option>' in html
    short = TreePicker()
    short.choices = [(1, "<b>甲</b>"), (2, "乙")]
    short.options_url = "/orgs/picker/"
    html = short.render("org", 2)
    assert "data-options-url" not in html and html.count("<option") == 2
    assert "&lt;b&gt;甲&lt;/b&gt;" in html  # escaped


def test_picker_options_are_scoped(tree: Tree, roles: dict[str, Role]) -> None:
    admin_a = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    client = login(Client(), admin_a)
    body = client.get(
        "/orgs/picker/", {"permission": "members.manage", "kinds": "branch"}
    ).content.decode()
    assert "甲第一支部" in body and "甲第二支部" in body
    assert "乙第一支部" not in body and "甲机关党委" not in body
    blank = client.get("/orgs/picker/", {"permission": "orgs.view", "blank": "全部"})
    assert blank.content.decode().startswith('<option value="">全部</option>')
    assert client.get("/orgs/picker/", {"permission": "no.such"}).status_code == 404
    nobody = login(Client(), make_user("n"))
    assert nobody.get("/orgs/picker/", {"permission": "orgs.view"}).content == b""
    assert Client().get("/orgs/picker/", {"permission": "orgs.view"}).status_code == 302
