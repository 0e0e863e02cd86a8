"""等保 2.0 level 3 sign-in controls: address throttling, picture code, session limits,
absolute session lifetime, password history."""

import itertools
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mofan.accounts import captcha, services
from mofan.accounts.middleware import SIGNED_IN_AT
from mofan.accounts.models import LoginRecord, PasswordHistory, User, UserSession
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from tests.conftest import PASSWORD, Tree, make_user

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def post_login(client: Client, username: str, password: str, *, ip: str = "10.9.9.9", **extra: Any):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=ip)


def solve(client: Client) -> str:
    """What a person reads off the picture: the answer kept in the session."""
    return str(client.session[captcha.SESSION_KEY])


# Address throttling ---------------------------------------------------------------------


def test_forty_usernames_from_one_address_are_stopped(tree: Tree, settings: Any) -> None:
    settings.MOFAN_LOGIN_CAPTCHA_AFTER = 1000  # the address limit alone, not the picture code
    make_user("gongwei")
    client = Client()
    statuses = [post_login(client, f"guess{n}", "Wrong-pass-1").status_code for n in range(40)]
    limit = settings.MOFAN_LOGIN_IP_FAILURE_LIMIT
    assert statuses[:limit] == [200] * limit
    assert set(statuses[limit:]) == {429}
    # even the right password of a real account is refused from that address now
    response = post_login(Client(), "gongwei", PASSWORD)
    assert response.status_code == 429
    assert "此网络地址登录失败次数过多" in response.content.decode()
    assert not UserSession.objects.exists()
    # only the tries that reached the password check count; the refused ones are logged
    assert AccessAttempt.objects.filter(ip_address="10.9.9.9").count() == limit
    assert LoginRecord.objects.filter(reason="address blocked").count() == 40 - limit + 1
    # another address is not affected, and the account itself was never locked
    assert post_login(Client(), "gongwei", PASSWORD, ip="10.9.9.10").status_code == 302


def test_the_client_address_behind_the_proxy_is_the_real_one(tree: Tree, settings: Any) -> None:
    settings.MOFAN_LOGIN_CAPTCHA_AFTER = 1000
    settings.MOFAN_BEHIND_PROXY = True
    limit = settings.MOFAN_LOGIN_IP_FAILURE_LIMIT
    client = Client()
    for n in range(limit):
        client.post(
            LOGIN,
            {"username": f"guess{n}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP="203.0.113.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    make_user("colleague")
    # a colleague behind the same nginx but at another address signs in
    response = client.post(
        LOGIN,
        {"username": "colleague", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="203.0.113.8",
    )
    assert response.status_code == 302


# Picture code ---------------------------------------------------------------------------


def test_picture_code_after_three_failures(tree: Tree) -> None:
    make_user("lisi")
    client = Client()
    for _ in range(2):
        page = post_login(client, "lisi", "Wrong-pass-1").content.decode()
        assert 'data-testid="captcha"' not in page
    page = post_login(client, "lisi", "Wrong-pass-1").content.decode()
    assert 'data-testid="captcha"' in page and "<svg" in page
    assert "换一张" in page

    # without the code, even the right password is not checked
    response = post_login(client, "lisi", PASSWORD, captcha="")
    page = response.content.decode()
    assert response.status_code == 200 and "验证码与图片不符" in page
    assert not UserSession.objects.exists()
    # a wrong code: refused with the message, and a new picture
    before = solve(client)
    wrong = "00000" if before != "00000" else "11111"
    page = post_login(client, "lisi", PASSWORD, captcha=wrong).content.decode()
    assert "验证码与图片不符" in page
    assert not UserSession.objects.exists()
    assert LoginRecord.objects.filter(reason="wrong captcha").count() == 2
    # the failures for the code do not count toward the lockout
    assert AccessAttempt.objects.get(username="lisi").failures_since_start == 3
    # the right code (typed in full-width digits on a phone keyboard) lets the right password in
    answer = solve(client)
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in answer)
    response = post_login(client, "lisi", PASSWORD, captcha=full_width)
    assert response.status_code == 302 and response.url == "/"
    assert UserSession.objects.filter(user__username="lisi").count() == 1


def test_a_picture_code_is_good_for_one_try(tree: Tree) -> None:
    make_user("lisi")
    client = Client()
    for _ in range(3):
        post_login(client, "lisi", "Wrong-pass-1")
    answer = solve(client)
    post_login(client, "lisi", "Wrong-pass-1", captcha=answer)  # used up here
    page = post_login(client, "lisi", PASSWORD, captcha=answer).content.decode()
    assert "验证码与图片不符" in page
    assert not UserSession.objects.exists()


def test_refreshing_the_picture_changes_nothing_else(tree: Tree) -> None:
    make_user("lisi")
    client = Client()
    for _ in range(3):
        post_login(client, "lisi", "Wrong-pass-1")
    response = post_login(client, "lisi", "", refresh_captcha="1")
    page = response.content.decode()
    assert response.status_code == 200 and 'value="lisi"' in page and "<svg" in page
    assert "验证码与图片不符" not in page
    assert AccessAttempt.objects.get(username="lisi").failures_since_start == 3
    assert LoginRecord.objects.count() == 3


def test_failures_from_one_address_ask_for_the_code_on_any_account(tree: Tree) -> None:
    client = Client()
    for name in ("a1", "a2", "a3"):
        post_login(client, name, "Wrong-pass-1")
    page = Client().get(LOGIN, REMOTE_ADDR="10.9.9.9").content.decode()
    assert 'data-testid="captcha"' in page
    assert 'data-testid="captcha"' not in Client().get(LOGIN).content.decode()


def test_the_picture_draws_the_digits() -> None:
    svg = captcha.render_svg("80000")
    # 8 has seven strokes, 0 six; plus four noise curves
    assert svg.count("<path") == 7 + 4 * 6 + 4
    assert "80000" not in svg


# Concurrent sessions and the absolute lifetime -------------------------------------------


def test_a_fourth_sign_in_ends_the_oldest_session(tree: Tree, settings: Any) -> None:
    assert settings.MOFAN_MAX_SESSIONS_PER_USER == 3
    user = make_user("duoduan")
    clients = [Client() for _ in range(4)]
    for client in clients[:3]:
        assert post_login(client, "duoduan", PASSWORD).status_code == 302
    assert all(client.get("/").status_code == 200 for client in clients[:3])
    assert not AuditEvent.objects.filter(action="accounts.session.end_by_limit").exists()

    assert post_login(clients[3], "duoduan", PASSWORD).status_code == 302
    assert clients[0].get("/").status_code == 302  # the oldest was signed out
    assert all(client.get("/").status_code == 200 for client in clients[1:])
    tracked = list(UserSession.objects.filter(user=user).order_by("id"))
    assert [(t.ended_at is None, t.end_reason) for t in tracked] == [
        (False, "session limit"),
        (True, ""),
        (True, ""),
        (True, ""),
    ]
    event = AuditEvent.objects.get(action="accounts.session.end_by_limit")
    assert event.changes == {"open_sessions": [4, 3]}


def test_stale_sessions_are_closed_not_counted(tree: Tree) -> None:
    user = make_user("jiu")
    old = Client()
    post_login(old, "jiu", PASSWORD)
    UserSession.objects.filter(user=user).update(last_seen=timezone.now() - timedelta(hours=2))
    for _ in range(3):
        post_login(Client(), "jiu", PASSWORD)
    reasons = list(
        UserSession.objects.filter(user=user).order_by("id").values_list("end_reason", flat=True)
    )
    assert reasons == ["idle timeout", "", "", ""]
    assert old.get("/").status_code == 302  # and it is gone from the session store
    assert not AuditEvent.objects.filter(action="accounts.session.end_by_limit").exists()


def test_a_session_ends_after_twelve_hours_however_active(tree: Tree) -> None:
    user = make_user("changshi")
    client = Client()
    post_login(client, "changshi", PASSWORD)
    session = client.session
    session[SIGNED_IN_AT] = (timezone.now() - timedelta(hours=11, minutes=59)).isoformat()
    session.save()
    assert client.get("/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = (timezone.now() - timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    page = client.get(response.url).content.decode()
    assert "每次登录最长 12 小时" in page
    assert client.get("/").status_code == 302
    assert UserSession.objects.get(user=user).end_reason == "session lifetime"


def test_a_force_logged_in_session_counts_from_its_first_request(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user("direct"))
    assert client.get("/").status_code == 200
    started = timezone.datetime.fromisoformat(client.session[SIGNED_IN_AT])
    assert abs((timezone.now() - started).total_seconds()) < 60


# Password history -----------------------------------------------------------------------


def change(client: Client, old: str, new: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password": new, "new_password_again": new},
    )


def test_the_last_five_passwords_cannot_be_chosen_again(tree: Tree) -> None:
    user = services.user_create(
        actor=None,
        username="huanmima",
        full_name="换密码",
        password="Mima-0-2026",
        must_change_password=False,
    )
    client = Client()
    client.force_login(user)
    passwords = ["Mima-0-2026"] + [f"Mima-{n}-2026" for n in range(1, 6)]
    for old, new in itertools.pairwise(passwords):
        assert change(client, old, new).status_code == 302
    # now Mima-5 is current and Mima-1 … Mima-4 are the four before it
    for reused in passwords[2:5]:
        response = change(client, "Mima-5-2026", reused)
        assert response.status_code == 200
        assert "不能与最近 5 次使用过的密码相同" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Mima-5-2026")
    assert PasswordHistory.objects.filter(user=user).count() == 5
    # Mima-0 is six passwords back: allowed again
    assert change(client, "Mima-5-2026", "Mima-0-2026").status_code == 302


def test_an_administrator_reset_cannot_reuse_a_recent_password(
    tree: Tree, roles: dict[str, Any]
) -> None:
    sysadmin = make_user("sys", grants=[(roles["system_admin"], tree.root, True)])
    target = make_user("target")  # PASSWORD is its current one, from before the history
    with pytest.raises(DomainError) as exc:
        services.user_reset_password(actor=sysadmin, user=target, password=PASSWORD)
    assert "不能与最近 5 次使用过的密码相同" in " ".join(exc.value.messages)
    target.refresh_from_db()
    assert not target.must_change_password
    services.user_reset_password(actor=sysadmin, user=target, password="Linshi-mima-1")
    with pytest.raises(DomainError):
        services.user_reset_password(actor=sysadmin, user=target, password="Linshi-mima-1")
    assert list(
        User.objects.filter(pk=target.pk).values_list("must_change_password", flat=True)
    ) == [True]


def test_the_online_list_follows_a_session_through_a_password_change(tree: Tree) -> None:
    user = make_user("gaimi", must_change_password=True)
    client = Client()
    post_login(client, "gaimi", PASSWORD)
    change(client, PASSWORD, "Xin-mima-2026")
    tracked = UserSession.objects.get(user=user)
    assert tracked.session_key == client.session.session_key  # the new key
    services.session_end(actor=None, tracked=tracked)
    assert client.get("/").status_code == 302  # the forced logout reached the session
