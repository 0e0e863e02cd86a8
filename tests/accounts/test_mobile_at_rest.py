"""Login mobile numbers and partner contacts' telephones are encrypted at rest, found by keyed
hash (sign-in by mobile keeps working), and shown masked to those without the need."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from mofan.accounts import services
from mofan.accounts.models import Role, User
from mofan.core.errors import DomainError
from mofan.orgs.models import PartnerContact
from mofan.orgs.services import partner_contact_add, partner_create
from tests.conftest import PASSWORD, Tree, login, make_user

pytestmark = pytest.mark.django_db


def _raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
        return repr(cursor.fetchall())


def test_a_login_mobile_is_stored_encrypted_and_still_signs_in(tree: Tree) -> None:
    make_user("zhangsan", mobile="13912345678")
    assert "13912345678" not in _raw_rows("accounts_user")
    user = User.objects.get(username="zhangsan")
    assert user.mobile == "13912345678" and user.masked_mobile == "139****5678"
    response = Client().post(
        reverse("accounts:login"),
        {"username": "13912345678", "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302 and response.url == "/"


def test_one_account_per_mobile_number(tree: Tree, roles: dict[str, Role]) -> None:
    sysadmin = make_user("sys", grants=[(roles["system_admin"], tree.root, True)])
    make_user("zhangsan", mobile="13912345678")
    other = make_user("lisi")
    with pytest.raises(DomainError) as exc:
        services.user_update(
            actor=sysadmin, user=other, full_name="李四", mobile="13912345678", is_active=True
        )
    assert exc.value.message_dict == {"mobile": ["该手机号已绑定其他账号。"]}
    other.refresh_from_db()
    assert other.mobile is None and other.full_name == "lisi"
    services.user_update(
        actor=sysadmin, user=other, full_name="李四", mobile="13700001111", is_active=True
    )
    other.refresh_from_db()
    assert other.mobile == "13700001111"


def test_the_user_list_shows_masks_and_finds_a_whole_number(
    tree: Tree, roles: dict[str, Role]
) -> None:
    sysadmin = make_user("sys", grants=[(roles["system_admin"], tree.root, True)])
    make_user("zhangsan", mobile="13912345678")
    client = login(Client(), sysadmin)
    page = client.get(reverse("accounts:users")).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    found = client.get(reverse("accounts:users"), {"q": "13912345678"}).content.decode()
    assert "zhangsan" in found and "sys</a>" not in found


def test_a_partner_contact_phone_is_encrypted_and_masked_for_viewers(
    tree: Tree, roles: dict[str, Role]
) -> None:
    partner = partner_create(actor=None, org=tree.committee_a, name="第三十二中学", kind="school")
    partner_contact_add(
        actor=None, partner=partner, name="孙老师", position="德育主任", phone="0931-8123456"
    )
    assert "8123456" not in _raw_rows("orgs_partnercontact")
    assert PartnerContact.objects.get().phone == "0931-8123456"
    url = reverse("orgs:partner_detail", args=[partner.pk])
    manager = make_user("gw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    assert "0931-8123456" in login(Client(), manager).get(url).content.decode()
    viewer = make_user("zb", grants=[(roles["branch_secretary"], tree.committee_a, True)])
    page: Any = login(Client(), viewer).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "093*****3456" in text and "0931-8123456" not in text
