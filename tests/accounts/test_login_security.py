from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mofan.accounts import captcha, services
from mofan.accounts.middleware import LAST_ACTIVITY
from mofan.accounts.models import LoginRecord, Role, User, UserSession
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from tests.conftest import PASSWORD, Tree, login, make_user

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """The login form as a person fills it in, picture code included when one is shown."""
    return client.post(
        LOGIN,
        {
            "username": username,
            "password": password,
            "captcha": client.session.get(captcha.SESSION_KEY, ""),
        },
        HTTP_USER_AGENT="pytest-browser",
        REMOTE_ADDR="10.1.2.3",
    )


def test_login_by_username_and_by_mobile_is_logged(tree: Tree) -> None:
    make_user("zhangsan", mobile="13912345678")
    response = sign_in(Client(), "zhangsan")
    assert response.status_code == 302 and response.url == "/"
    response = sign_in(Client(), "13912345678")
    assert response.status_code == 302 and response.url == "/"
    records = list(LoginRecord.objects.order_by("id").values_list("username", "success", "ip"))
    assert records == [("zhangsan", True, "10.1.2.3"), ("zhangsan", True, "10.1.2.3")]
    assert UserSession.objects.filter(user__username="zhangsan", ended_at__isnull=True).count() == 2


def test_wrong_password_is_refused_and_logged(tree: Tree) -> None:
    make_user("lisi")
    response = sign_in(Client(), "lisi", "wrong-Password-1")
    assert response.status_code == 200
    assert "用户名、手机号或密码错误" in response.content.decode()
    record = LoginRecord.objects.get()
    assert (record.username, record.success, record.reason) == ("lisi", False, "bad credentials")


def test_lockout_after_five_failures_and_unlock(tree: Tree, roles: dict[str, Role]) -> None:
    make_user("wangwu", mobile="13800000000")
    client = Client()
    for attempt in range(5):
        # mixing username and mobile still counts against one account
        sign_in(client, "wangwu" if attempt % 2 else "13800000000", "Wrong-pass-1")
    response = sign_in(client, "wangwu")  # right password, but locked
    assert response.status_code == 429
    assert "账号已锁定 10 分钟" in response.content.decode()
    assert not UserSession.objects.filter(user__username="wangwu").exists()

    security = make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    admin_client = login(Client(), security)
    page = admin_client.get(reverse("accounts:sessions")).content.decode()
    assert "wangwu" in page
    admin_client.post(reverse("accounts:unlock"), {"username": "wangwu"})
    assert AuditEvent.objects.filter(action="accounts.user.unlock").count() == 1
    assert sign_in(Client(), "wangwu").status_code == 302
    with pytest.raises(DomainError) as exc:
        services.account_unlock(actor=security, username="wangwu")
    assert "该账号未被锁定" in " ".join(exc.value.messages)


def test_idle_timeout_signs_out(tree: Tree) -> None:
    user = make_user("zhaoliu")
    client = Client()
    sign_in(client, "zhaoliu")
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY] = (timezone.now() - timedelta(minutes=31)).isoformat()
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert client.get("/").status_code == 302  # the session is gone
    tracked = UserSession.objects.get(user=user)
    assert tracked.end_reason == "idle timeout"


def test_activity_within_the_window_keeps_the_session(tree: Tree) -> None:
    make_user("active")
    client = Client()
    sign_in(client, "active")
    session = client.session
    session[LAST_ACTIVITY] = (timezone.now() - timedelta(minutes=29)).isoformat()
    session.save()
    assert client.get("/").status_code == 200


def test_forced_password_change(tree: Tree) -> None:
    make_user("newbie", must_change_password=True)
    client = Client()
    response = sign_in(client, "newbie")
    assert response.url == reverse("accounts:password_change")
    assert client.get("/").url == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": "simple", "new_password_again": "simple"},
    )
    assert "密码至少 8 位" in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password": "Xin-mima-2026",
            "new_password_again": "Xin-mima-2026",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    user = User.objects.get(username="newbie")
    assert not user.must_change_password and user.check_password("Xin-mima-2026")


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("abcdefgh", False),
        ("abcdEFGH", False),
        ("Dangjian26", True),
        ("hong#qi77", True),
        ("aB1#", False),
        ("ABCD1234", False),
        ("Zh0ngwen密码", True),
    ],
)
def test_password_policy(tree: Tree, password: str, ok: bool) -> None:
    if ok:
        user = services.user_create(
            actor=None, username=f"u{len(password)}x", full_name="用户", password=password
        )
        assert user.must_change_password
    else:
        with pytest.raises(DomainError) as exc:
            services.user_create(actor=None, username="weak", full_name="用户", password=password)
        assert "三类" in " ".join(exc.value.messages)
        assert not User.objects.filter(username="weak").exists()


def test_reset_password_forces_a_change_and_ends_sessions(
    tree: Tree, roles: dict[str, Role]
) -> None:
    target = make_user("target")
    client = Client()
    sign_in(client, "target")
    sysadmin = make_user("sys", grants=[(roles["system_admin"], tree.root, True)])
    services.user_reset_password(actor=sysadmin, user=target, password="Temp-pass-99")
    assert client.get("/").status_code == 302  # signed out
    target.refresh_from_db()
    assert target.must_change_password
    assert UserSession.objects.get(user=target).end_reason == "password reset"


def test_security_admin_ends_a_session(tree: Tree, roles: dict[str, Role]) -> None:
    make_user("victim")
    victim_client = Client()
    sign_in(victim_client, "victim")
    security = make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    admin_client = login(Client(), security)
    tracked = UserSession.objects.get(user__username="victim")
    page = admin_client.get(reverse("accounts:sessions")).content.decode()
    assert "victim" in page
    response = admin_client.post(reverse("accounts:session_end", args=[tracked.pk]))
    assert response.status_code == 302
    assert victim_client.get("/").status_code == 302
    tracked.refresh_from_db()
    assert tracked.ended_at is not None
    assert AuditEvent.objects.filter(action="accounts.session.end").count() == 1


def test_mobile_and_username_validation(tree: Tree) -> None:
    with pytest.raises(DomainError) as exc:
        services.user_create(
            actor=None,
            username="ok_name",
            full_name="用户",
            password="Good-pass-1",
            mobile="2391234567",
        )
    assert "11 位手机号" in " ".join(exc.value.messages)
    with pytest.raises(DomainError):
        services.user_create(actor=None, username="<b>", full_name="用户", password="Good-pass-1")
    services.user_create(
        actor=None,
        username="first",
        full_name="用户",
        password="Good-pass-1",
        mobile="139 1234 0000",
    )
    with pytest.raises(DomainError) as exc:
        services.user_create(
            actor=None,
            username="second",
            full_name="用户",
            password="Good-pass-1",
            mobile="13912340000",
        )
    assert "已绑定其他账号" in " ".join(exc.value.messages)


def test_system_admin_manages_accounts(tree: Tree, roles: dict[str, Role]) -> None:
    sysadmin = make_user("sys", grants=[(roles["system_admin"], tree.root, True)])
    admin_client = login(Client(), sysadmin)
    response = admin_client.post(
        reverse("accounts:user_create"),
        {
            "username": "wang",
            "full_name": "王五",
            "mobile": "13700001111",
            "password": "Chushi-mima-1",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="wang")
    assert created.must_change_password and created.mobile == "13700001111"
    event = AuditEvent.objects.filter(action="accounts.user.create").get()
    assert event.changes["mobile"] == [None, "137****1111"]  # masked in the log
    response = admin_client.post(
        reverse("accounts:user_create"),
        {"username": "wang", "full_name": "王五", "password": "Chushi-mima-1"},
    )
    assert "该用户名已被使用" in response.content.decode()

    victim_client = Client()
    sign_in(victim_client, "wang", "Chushi-mima-1")
    admin_client.post(
        reverse("accounts:user_edit", args=[created.pk]),
        {"full_name": "王五", "mobile": "", "is_active": ""},
    )
    created.refresh_from_db()
    assert not created.is_active
    assert victim_client.get("/").status_code == 302  # signed out at once
    with pytest.raises(DomainError) as exc:
        services.user_update(
            actor=sysadmin, user=sysadmin, full_name="x", mobile="", is_active=False
        )
    assert "不能停用自己的账号" in " ".join(exc.value.messages)
    assert sign_in(Client(), "wang", "Chushi-mima-1").status_code == 200  # disabled: refused


def test_password_expires_after_the_configured_age(tree: Tree, settings: Any) -> None:
    user = make_user("laomima")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    client = Client()
    sign_in(client, "laomima")
    response = client.get("/")
    assert response.url == reverse("accounts:password_change")
    page = client.get(response.url).content.decode()
    assert "密码使用时间已超过规定期限" in page  # the reason, in the message bar
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password": "Xinmima-2026!",
            "new_password_again": "Xinmima-2026!",
        },
    )
    assert client.get("/").status_code == 200
    settings.PASSWORD_MAX_AGE = timedelta(0)  # 0 turns the rule off
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=400))
    assert client.get("/").status_code == 200


@pytest.mark.real_hashers
@pytest.mark.django_db
def test_passwords_are_stored_with_argon2() -> None:
    """The suite hashes with MD5 for speed; the product's settings store Argon2 hashes."""
    user = User.objects.create_user(username="hashed", password=PASSWORD)
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_other_tests_hash_fast() -> None:
    from django.contrib.auth.hashers import get_hasher

    assert get_hasher().algorithm == "md5"


@pytest.mark.django_db
def test_a_mobile_number_typed_at_a_failed_sign_in_is_logged_masked(client: Client) -> None:
    """Stored mobile numbers are encrypted; the one typed at a refused sign-in is not kept
    whole in the login log or the audit log either."""
    sign_in(client, "13912345678", "Wrong-pass-1")
    record = LoginRecord.objects.get(success=False)
    assert record.username == "139****5678"
    event = AuditEvent.objects.get(action="accounts.session.refuse")
    assert "13912345678" not in str(event.target_label) + str(event.changes)
