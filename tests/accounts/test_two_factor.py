"""Two-factor sign-in (TOTP) for the administrators and the work committee administrators,
through the real sign-in form."""

import re
from binascii import unhexlify
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mofan.accounts import two_factor
from mofan.accounts.models import LoginRecord, Role, User, UserSession
from mofan.core.models import AuditEvent
from tests.conftest import PASSWORD, Tree, make_user

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
TWO_FACTOR = "/accounts/two-factor/"


@pytest.fixture(autouse=True)
def admin_two_factor_on(settings: Any) -> None:
    settings.MOFAN_ADMIN_2FA = True


def sign_in(client: Client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password})


def code_for(secret: str, offset: int = 0) -> str:
    totp = TOTP(unhexlify(secret), step=30, digits=6)
    totp.drift = offset
    return f"{totp.token():06d}"


def enrol(client: Client) -> tuple[str, list[str]]:
    """Read the key off the enrolment page, as a person types it into the app."""
    page = client.get(TWO_FACTOR).content.decode()
    secret = str(client.session[two_factor.PENDING_SECRET])
    assert two_factor.secret_for_typing(secret) in page
    response = client.post(TWO_FACTOR, {"token": code_for(secret)})
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    return secret, codes


@pytest.mark.parametrize(
    "role", ["system_admin", "security_admin", "audit_admin", "work_committee_admin"]
)
def test_each_enforced_role_enrols_at_first_sign_in(
    tree: Tree, roles: dict[str, Role], role: str
) -> None:
    user = make_user("guanli", grants=[(roles[role], tree.root, True)])
    client = Client()
    response = sign_in(client, "guanli")
    assert response.status_code == 302 and response.url == TWO_FACTOR
    assert client.get("/").url == TWO_FACTOR  # nothing else until the second factor
    page = client.get(TWO_FACTOR).content.decode()
    assert 'data-testid="two-factor-enrol"' in page and "<svg" in page
    secret = str(client.session[two_factor.PENDING_SECRET])

    # a wrong code: refused, nothing stored
    wrong = f"{(int(code_for(secret)) + 1) % 1000000:06d}"
    page = client.post(TWO_FACTOR, {"token": wrong}).content.decode()
    assert "验证码错误" in page
    assert not TOTPDevice.objects.filter(user=user).exists()

    response = client.post(TWO_FACTOR, {"token": code_for(secret)})
    page = response.content.decode()
    assert 'data-testid="recovery-codes"' in page
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == sorted(codes)
    assert client.get("/").status_code == 200
    assert (
        AuditEvent.objects.filter(
            action="accounts.two_factor.enrol", target_id=str(user.pk)
        ).count()
        == 1
    )
    # the codes are not shown again
    assert client.get(TWO_FACTOR).status_code == 302


def test_members_are_not_asked(tree: Tree, roles: dict[str, Role]) -> None:
    make_user("dangyuan", grants=[(roles["member"], tree.branch_a1, False)])
    client = Client()
    assert sign_in(client, "dangyuan").url == "/"
    assert client.get("/").status_code == 200


def test_every_later_sign_in_asks_for_a_code(tree: Tree, roles: dict[str, Role]) -> None:
    user = make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    first = Client()
    sign_in(first, "sec")
    secret, _codes = enrol(first)

    client = Client()
    assert sign_in(client, "sec").url == TWO_FACTOR
    page = client.get(TWO_FACTOR).content.decode()
    assert 'data-testid="two-factor-verify"' in page and "<svg" not in page
    page = client.post(
        TWO_FACTOR, {"token": "000000" if code_for(secret) != "000000" else "111111"}
    ).content.decode()
    assert "验证码错误或已过期" in page
    assert client.get(reverse("accounts:sessions")).url == TWO_FACTOR
    assert LoginRecord.objects.filter(user=user, reason="wrong second factor").count() == 1

    # the code just used at enrolment cannot be replayed; the next one is accepted
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
    response = client.post(TWO_FACTOR, {"token": code_for(secret, 1)})
    assert response.status_code == 302 and response.url == "/"
    assert client.get(reverse("accounts:sessions")).status_code == 200


def test_a_recovery_code_works_once(tree: Tree, roles: dict[str, Role]) -> None:
    user = make_user("audit", grants=[(roles["audit_admin"], tree.root, True)])
    first = Client()
    sign_in(first, "audit")
    _secret, codes = enrol(first)

    client = Client()
    sign_in(client, "audit")
    response = client.post(TWO_FACTOR, {"token": codes[0].upper()})
    assert response.status_code == 302
    assert "还剩 9 个" in client.get("/").content.decode()
    other = Client()
    sign_in(other, "audit")
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
    page = other.post(TWO_FACTOR, {"token": codes[0]}).content.decode()
    assert "验证码错误或已过期" in page
    assert StaticToken.objects.filter(device__user=user).count() == 9
    assert AuditEvent.objects.filter(action="accounts.two_factor.recovery_code_used").count() == 1


def test_force_logged_in_admin_sessions_are_asked_too(tree: Tree, roles: dict[str, Role]) -> None:
    client = Client()
    client.force_login(make_user("sys", grants=[(roles["system_admin"], tree.root, True)]))
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302 and response.url == TWO_FACTOR


def test_the_setting_turns_it_off(tree: Tree, roles: dict[str, Role], settings: Any) -> None:
    settings.MOFAN_ADMIN_2FA = False
    make_user("sys", grants=[(roles["system_admin"], tree.root, True)])
    client = Client()
    assert sign_in(client, "sys").url == "/"
    assert client.get(reverse("accounts:users")).status_code == 200


def test_existing_controls_come_after_the_second_factor(tree: Tree, roles: dict[str, Role]) -> None:
    user = make_user(
        "xin", grants=[(roles["system_admin"], tree.root, True)], must_change_password=True
    )
    client = Client()
    assert sign_in(client, "xin").url == TWO_FACTOR
    assert client.get(reverse("accounts:password_change")).url == TWO_FACTOR
    enrol(client)
    assert client.get("/").url == reverse("accounts:password_change")
    assert LoginRecord.objects.filter(user=user, success=True).count() == 1
    assert UserSession.objects.filter(user=user, ended_at__isnull=True).count() == 1


def test_security_admin_resets_a_second_factor(tree: Tree, roles: dict[str, Role]) -> None:
    target = make_user("wc", grants=[(roles["work_committee_admin"], tree.root, True)])
    target_client = Client()
    sign_in(target_client, "wc")
    enrol(target_client)
    assert target_client.get("/").status_code == 200

    system = make_user("sys", grants=[(roles["system_admin"], tree.root, True)])
    with pytest.raises(PermissionDenied):
        two_factor.two_factor_reset(actor=system, username="wc")  # not the security administrator
    assert TOTPDevice.objects.filter(user=target).exists()

    security = make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    admin = Client()
    admin.force_login(security)
    session = admin.session
    session[two_factor.SESSION_KEY] = two_factor.VERIFIED
    session.save()
    response = admin.post(reverse("accounts:two_factor_reset"), {"username": "wc"})
    assert response.status_code == 302
    assert "已重置" in admin.get(reverse("accounts:sessions")).content.decode()
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert not StaticToken.objects.filter(device__user=target).exists()
    assert target_client.get("/").status_code == 302  # signed out
    event = AuditEvent.objects.get(action="accounts.two_factor.reset")
    assert (event.actor_id, event.target_id) == (security.pk, str(target.pk))
    # again: nothing to reset, and said so
    admin.post(reverse("accounts:two_factor_reset"), {"username": "wc"})
    assert "没有可重置的双因素认证" in admin.get(reverse("accounts:sessions")).content.decode()
    assert AuditEvent.objects.filter(action="accounts.two_factor.reset").count() == 1
    # the user enrols anew at the next sign-in
    client = Client()
    assert sign_in(client, "wc").url == TWO_FACTOR
    assert 'data-testid="two-factor-enrol"' in client.get(TWO_FACTOR).content.decode()
    assert User.objects.get(pk=target.pk).is_active
