"""Sign-in controls on a phone: the picture code and setting up the second factor."""

from base64 import b32decode
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from mofan.accounts import captcha
from mofan.accounts.models import Role
from tests.browser.conftest import shot
from tests.conftest import PASSWORD, Tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_login(page: Any, username: str, password: str) -> None:
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(password)


def session_value(page: Any, key: str) -> Any:
    """A value of the browser's session, read from the configured session store (the database,
    or Redis when REDIS_URL is set)."""
    from importlib import import_module

    from django.conf import settings

    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store(session_key=cookie["value"]).get(key)


def test_picture_code_after_three_wrong_passwords(live_server: Any, phone: Any, tree: Tree) -> None:
    make_user("lisi")
    phone.goto(f"{live_server.url}/accounts/login/")
    for _ in range(3):
        fill_login(phone, "lisi", "Wrong-pass-1")
        phone.get_by_role("button", name="登录", exact=True).click()
        expect(phone.get_by_role("alert")).to_have_text("用户名、手机号或密码错误。")
    box = phone.get_by_test_id("captcha")
    expect(box).to_be_visible()
    picture = box.locator("svg")
    assert picture.bounding_box()["width"] >= 200  # readable on a 390 px screen
    shot(phone, "login-captcha")

    first_picture = picture.inner_html()
    phone.get_by_role("button", name="换一张验证码图片").click()
    expect(phone.get_by_label("用户名或手机号")).to_have_value("lisi")
    assert box.locator("svg").inner_html() != first_picture
    expect(box.locator(".invalid-feedback")).to_have_count(0)

    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_label("验证码", exact=True).fill(
        "x"
    )  # never the answer: the picture has digits only
    phone.get_by_role("button", name="登录", exact=True).click()
    expect(box.locator(".invalid-feedback")).to_have_text("验证码与图片不符，请按新图片重新输入。")

    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_label("验证码", exact=True).fill(session_value(phone, captcha.SESSION_KEY))
    phone.get_by_role("button", name="登录", exact=True).click()
    phone.wait_for_url(f"{live_server.url}/")


def test_an_administrator_sets_up_the_second_factor(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role], settings: Any
) -> None:
    settings.MOFAN_ADMIN_2FA = True
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    phone.goto(f"{live_server.url}/accounts/login/")
    fill_login(phone, "gw", PASSWORD)
    phone.get_by_role("button", name="登录", exact=True).click()
    phone.wait_for_url("**/accounts/two-factor/")
    expect(phone.get_by_role("heading", name="设置双因素认证")).to_be_visible()
    qr = phone.get_by_role("img", name="供身份验证器扫描的二维码")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 200
    shot(phone, "two-factor-enrol")

    secret = phone.get_by_test_id("secret").inner_text().replace(" ", "")
    code = TOTP(b32decode(secret), step=30, digits=6).token()
    phone.get_by_label("身份验证器中的验证码").fill(f"{code:06d}")
    phone.get_by_role("button", name="确认").click()
    codes = phone.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    phone.get_by_role("link", name="已妥善保存，继续").click()
    phone.wait_for_url(f"{live_server.url}/")
