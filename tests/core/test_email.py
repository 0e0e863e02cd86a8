"""In-app messages also go by e-mail when a mail server is configured."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import override_settings

from mofan.accounts import services as account_services
from mofan.core.errors import DomainError
from mofan.core.services import message_send
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@override_settings(MOFAN_EMAIL_ENABLED=True, MOFAN_SITE_URL="https://dj.example.cn")
def test_message_is_mailed_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    user = make_user("mailed")
    user.email = "mailed@example.cn"
    user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        message_send(user_id=user.pk, title="会议通知", body="明天开会", link="/orglife/mine/")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["mailed@example.cn"]
    assert "会议通知" in sent.subject
    assert "https://dj.example.cn/orglife/mine/" in sent.body


@override_settings(MOFAN_EMAIL_ENABLED=True)
def test_no_address_no_mail(django_capture_on_commit_callbacks: Any) -> None:
    user = make_user("nomail")
    with django_capture_on_commit_callbacks(execute=True):
        assert message_send(user_id=user.pk, title="通知") is not None
    assert mail.outbox == []


def test_without_mail_server_nothing_is_mailed(django_capture_on_commit_callbacks: Any) -> None:
    user = make_user("quiet")
    user.email = "quiet@example.cn"
    user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        message_send(user_id=user.pk, title="通知")
    assert mail.outbox == []


def test_user_email_is_validated_and_kept(db: Any) -> None:
    user = make_user("addr")
    with pytest.raises(DomainError) as error:
        account_services.user_update(
            actor=None, user=user, full_name="甲", mobile="", is_active=True, email="not-an-address"
        )
    assert list(error.value.message_dict) == ["email"]
    user.refresh_from_db()
    assert user.email == ""
    account_services.user_update(
        actor=None, user=user, full_name="甲", mobile="", is_active=True, email=" A@Example.cn "
    )
    user.refresh_from_db()
    assert user.email == "a@example.cn"
