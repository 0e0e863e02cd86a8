"""三员分立 holds for every account: nobody is a superuser, Django's admin is not served, and no
built-in role or demo login can read a password hash, change a permission flag or set another
person's password without the forced change at the next sign-in."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver

from mofan.accounts import services
from mofan.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from mofan.accounts.models import User
from mofan.accounts.roles import BUILTIN_ROLES
from mofan.core import access
from tests.conftest import Tree, login, make_user
from tests.test_authorization_walk import _url, mofan_patterns, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

HASH_MARKS = ("argon2$", "pbkdf2_", "bcrypt$", "md5$", "sha1$")
FLAG_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions", "user_set")


def assert_nothing_exposed(page: str, where: str) -> None:
    for mark in HASH_MARKS:
        assert mark not in page, (where, mark)
    for field in FLAG_FIELDS:
        assert f'name="{field}"' not in page, (where, field)


def test_django_admin_is_not_served() -> None:
    from django.conf import settings

    assert "admin" not in get_resolver().app_dict
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    assert Client().get("/sysadmin/").status_code == 404


def test_every_get_page_of_every_builtin_role_hides_hashes_and_flags(
    client: Any, tree: Tree, roles: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    objects = request.getfixturevalue("world")  # the authorization walk's objects
    checked = 0
    for code in BUILTIN_ROLES:
        holder = make_user(f"holder-{code}", grants=[(roles[code], tree.root, True)])
        held = access.permissions_held(holder)
        login(client, holder)
        for name, pattern in mofan_patterns():
            view = pattern.callback.view_class
            if not hasattr(view, "get"):
                continue
            if view.permission not in held and view.permission not in {
                access.PUBLIC,
                access.AUTHENTICATED,
            }:
                continue
            response = client.get(_url(name, pattern, objects))
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            assert_nothing_exposed(response.content.decode(), f"{code} {name}")
            checked += 1
    assert checked > 100
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()


def test_demo_makes_no_superuser_and_its_logins_see_no_hash(roles: dict[str, Any]) -> None:
    call_command("demo", stdout=io.StringIO())
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()
    plain = [(name, p) for name, p in mofan_patterns() if not p.pattern.converters]
    everyone = list(User.objects.values_list("pk", flat=True))
    for username, *_rest in DEMO_LOGINS:
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert client.get("/sysadmin/").status_code == 404, username
        for name, pattern in plain:
            if not hasattr(pattern.callback.view_class, "get"):
                continue
            response = client.get(_url(name, pattern, {}))
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                assert_nothing_exposed(response.content.decode(), f"{username} {name}")
        if username == "gongwei":  # the demo's grant request waits for this approver
            page = client.get("/accounts/grant-requests/").content.decode()
            assert "dangyuan" in page and "支部委员" in page and "secadmin" in page
        if username == "sysadmin":  # every account's own page, where its password is reset
            for pk in everyone:
                page = client.get(f"/accounts/users/{pk}/")
                assert page.status_code == 200
                assert_nothing_exposed(page.content.decode(), f"user {pk}")


def test_init_deployment_makes_no_superuser(roles: dict[str, Any]) -> None:
    call_command("init_deployment", root="新工委", stdout=io.StringIO())
    assert User.objects.count() == 4
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(must_change_password=False).exists()


def test_a_reset_by_another_person_always_forces_a_change(tree: Tree, roles: dict) -> None:
    admin = make_user("sys", grants=[(roles["system_admin"], tree.root, True)])
    clerk = make_user("clerk", grants=[(roles["member"], tree.branch_a1, False)])
    assert not clerk.must_change_password
    services.user_reset_password(actor=admin, user=clerk, password="Temp-pass-2026")
    clerk.refresh_from_db()
    assert clerk.must_change_password and clerk.check_password("Temp-pass-2026")
