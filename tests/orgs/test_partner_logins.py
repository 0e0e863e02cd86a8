"""Linking a partner's contact to a login: the people who manage partner units do it from the
unit's page; the login then acts for the unit (its order board, ordering); unlinking ends it.
Refusals say why and change nothing; every link and unlink is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.orgs.models import PartnerContact
from mofan.orgs.services import partner_contact_add, partner_contact_link_user
from tests.cobuild.orders_world import World, advance, build, make_user, place
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(tree: Tree, roles: dict[str, Any]) -> World:
    return build(tree, roles)


def _contact(w: World) -> PartnerContact:
    return partner_contact_add(actor=None, partner=w.school, name="孙老师", position="德育主任")


def _messages(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_link_from_the_partner_page_lets_the_login_act_for_the_unit(client: Any, w: World) -> None:
    contact, user = _contact(w), make_user("sunlaoshi")
    order = advance(w, place(w), "dispatched")
    login(client, user)
    assert client.get(reverse("cobuild:order", args=[order.pk])).status_code == 404

    login(client, w.coordinator)
    page = client.get(reverse("orgs:partner_detail", args=[w.school.pk])).content.decode()
    assert reverse("orgs:partner_contact_login", args=[contact.pk]) in page
    response = client.post(
        reverse("orgs:partner_contact_login", args=[contact.pk]),
        {"username": "sunlaoshi"},
        follow=True,
    )
    assert "孙老师 以账号 sunlaoshi 登录，代表本单位办理。" in _messages(response)
    assert "sunlaoshi" in response.content.decode()
    contact.refresh_from_db()
    assert contact.user == user
    event = AuditEvent.objects.get(action="orgs.partner_contact.link_user")
    assert event.actor == w.coordinator and event.changes["login"] == [None, "sunlaoshi"]

    login(client, user)
    board = client.get(reverse("cobuild:orders")).content.decode()
    assert reverse("cobuild:order", args=[order.pk]) in board
    assert client.get(reverse("cobuild:order", args=[order.pk])).status_code == 200
    form = client.get(reverse("cobuild:order_create"))
    assert form.status_code == 200 and "第三十二中学" in form.content.decode()

    login(client, w.coordinator)
    response = client.post(
        reverse("orgs:partner_contact_login", args=[contact.pk]), {"unlink": "1"}, follow=True
    )
    assert "孙老师 不再代表本单位登录。" in _messages(response)
    contact.refresh_from_db()
    assert contact.user is None
    assert AuditEvent.objects.filter(action="orgs.partner_contact.link_user").count() == 2
    login(client, user)
    assert client.get(reverse("cobuild:order", args=[order.pk])).status_code == 404


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody-here", "没有这个用户名的有效账号。"),
        ("teacher", "该账号已是另一位联络人的登录账号。"),
        ("inactive", "没有这个用户名的有效账号。"),
    ],
)
def test_refused_links_change_nothing(w: World, username: str, message: str) -> None:
    contact = _contact(w)
    make_user("inactive").__class__.objects.filter(username="inactive").update(is_active=False)
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        partner_contact_link_user(actor=w.coordinator, contact=contact, username=username)
    assert message in " ".join(refused.value.messages)
    contact.refresh_from_db()
    assert contact.user is None and AuditEvent.objects.count() == before


def test_unlinking_a_contact_without_login_is_refused(w: World) -> None:
    with pytest.raises(DomainError) as refused:
        partner_contact_link_user(actor=w.coordinator, contact=_contact(w), username="")
    assert "该联络人没有可解除的登录账号。" in " ".join(refused.value.messages)


def test_only_those_who_manage_partner_units(
    client: Any, w: World, tree: Tree, roles: dict[str, Any]
) -> None:
    contact = _contact(w)
    make_user("sunlaoshi")
    with pytest.raises(PermissionDenied):
        partner_contact_link_user(actor=w.team_user, contact=contact, username="sunlaoshi")
    outsider = make_user("b-admin", grants=[(roles["committee_admin"], tree.committee_b, True)])
    login(client, outsider)
    url = reverse("orgs:partner_contact_login", args=[contact.pk])
    assert client.post(url, {"username": "sunlaoshi"}).status_code == 404
    login(client, w.team_user)
    assert client.post(url, {"username": "sunlaoshi"}).status_code in {403, 404}
    login(client, w.contact)  # the school's own contact does not hand out logins
    assert client.post(url, {"username": "sunlaoshi"}).status_code in {403, 404}
    contact.refresh_from_db()
    assert contact.user is None
    assert not AuditEvent.objects.filter(action="orgs.partner_contact.link_user").exists()
