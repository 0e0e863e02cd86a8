"""Sign-ins that fail, sign-outs and idle timeouts are in the audit log, next to the successful
sign-ins, and the chain stays intact."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mofan.accounts import captcha
from mofan.accounts.middleware import LAST_ACTIVITY
from mofan.accounts.models import Role
from mofan.accounts.services import user_reset_password
from mofan.core.audit import audit_verify
from mofan.core.models import AuditEvent
from tests.conftest import PASSWORD, Tree, make_user

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str = PASSWORD) -> None:
    """As a person fills the form in: with the picture code once one is shown."""
    answer = client.session.get(captcha.SESSION_KEY, "")
    client.post(
        LOGIN,
        {"username": username, "password": password, "captcha": answer},
        REMOTE_ADDR="10.1.2.3",
    )


def session_events() -> list[tuple[str, str, str, str | None]]:
    return list(
        AuditEvent.objects.filter(action__startswith="accounts.session.")
        .order_by("id")
        .values_list("action", "actor_label", "target_label", "ip")
    )


def test_a_wrong_password_is_audited_under_the_name_typed(tree: Tree) -> None:
    user = make_user("lisi")
    sign_in(Client(), "lisi", "wrong-Password-1")
    sign_in(Client(), "nobody", "wrong-Password-1")
    assert session_events() == [
        ("accounts.session.refuse", "system", "lisi", "10.1.2.3"),
        ("accounts.session.refuse", "system", "nobody", "10.1.2.3"),
    ]
    first, second = AuditEvent.objects.filter(action="accounts.session.refuse").order_by("id")
    assert (first.target_type, first.target_id) == ("accounts.user", str(user.pk))
    assert first.changes == {"reason": [None, "bad credentials"]}
    assert (second.target_type, second.target_id) == ("", "")
    assert audit_verify().ok


def test_a_sign_in_refused_by_the_lockout_is_audited(tree: Tree) -> None:
    make_user("wangwu")
    client = Client()
    for _attempt in range(5):
        sign_in(client, "wangwu", "Wrong-pass-1")
    sign_in(client, "wangwu")  # right password, but locked
    reasons = [
        event.changes["reason"][1]
        for event in AuditEvent.objects.filter(action="accounts.session.refuse").order_by("id")
    ]
    # the fifth failure already locks the account
    assert reasons == ["bad credentials"] * 4 + ["locked", "locked"]
    assert not AuditEvent.objects.filter(action="accounts.session.open").exists()


def test_signing_out_is_audited(tree: Tree) -> None:
    user = make_user("zhangsan")
    client = Client()
    sign_in(client, "zhangsan")
    client.post("/accounts/logout/", REMOTE_ADDR="10.1.2.3")
    assert session_events() == [
        ("accounts.session.open", "zhangsan", "zhangsan", "10.1.2.3"),
        ("accounts.session.sign_out", "zhangsan", "zhangsan", "10.1.2.3"),
    ]
    event = AuditEvent.objects.get(action="accounts.session.sign_out")
    tracked = user.tracked_sessions.get()
    assert event.actor == user and tracked.end_reason == "signed out"
    assert event.changes["session"][1] == timezone.localtime(tracked.ended_at).isoformat()
    assert audit_verify().ok


def test_an_idle_timeout_is_audited(tree: Tree) -> None:
    user = make_user("zhaoliu")
    client = Client()
    sign_in(client, "zhaoliu")
    session = client.session
    session[LAST_ACTIVITY] = (timezone.now() - timedelta(minutes=31)).isoformat()
    session.save()
    client.get("/", REMOTE_ADDR="10.1.2.3")
    assert session_events() == [
        ("accounts.session.open", "zhaoliu", "zhaoliu", "10.1.2.3"),
        ("accounts.session.time_out", "zhaoliu", "zhaoliu", "10.1.2.3"),
    ]
    assert AuditEvent.objects.get(action="accounts.session.time_out").actor == user
    client.get("/")  # already signed out: nothing more
    assert len(session_events()) == 2
    assert audit_verify().ok


def test_ending_sessions_on_a_password_reset_is_the_reset_event(
    tree: Tree, roles: dict[str, Role]
) -> None:
    admin = make_user("sys", grants=[(roles["system_admin"], tree.root, True)])
    user = make_user("chenqi")
    sign_in(Client(), "chenqi")
    user_reset_password(actor=admin, user=user, password="Temp-pass-2026")
    assert user.tracked_sessions.get().end_reason == "password reset"
    assert [action for action, *_rest in session_events()] == ["accounts.session.open"]
