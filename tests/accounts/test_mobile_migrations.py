"""The data migrations convert the numbers already stored in plain text (and back)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mofan.accounts.models import User
from mofan.core import crypto
from mofan.orgs.models import PartnerContact

BEFORE = [
    ("accounts", "0007_builtin_roles_approval_codes"),
    ("orgs", "0003_established_on_backfill"),
]
AFTER = [("accounts", "0008_encrypt_login_mobile"), ("orgs", "0004_encrypt_partner_contact_phone")]


@pytest.mark.django_db(transaction=True)
def test_plain_numbers_are_encrypted_by_the_migrations() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("accounts", "User").objects.create(
        username="zhangsan", password="!", mobile="13912345678"
    )
    old.get_model("accounts", "User").objects.create(username="lisi", password="!", mobile=None)
    org = old.get_model("orgs", "Organisation").objects.create(
        path="0001", depth=1, numchild=0, name="甲党委", kind="committee"
    )
    unit = old.get_model("orgs", "PartnerUnit").objects.create(
        name="第三十二中学", kind="school", org=org
    )
    old.get_model("orgs", "PartnerContact").objects.create(
        partner=unit, name="孙老师", phone="0931-8123456"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    zhangsan = User.objects.get(username="zhangsan")
    assert zhangsan.mobile == "13912345678" and zhangsan.mobile_masked == "139****5678"
    assert zhangsan.mobile_hash == crypto.keyed_hash("13912345678")
    lisi = User.objects.get(username="lisi")
    assert (lisi.mobile, lisi.mobile_hash, lisi.mobile_masked) == (None, "", "")
    contact = PartnerContact.objects.get()
    assert contact.phone == "0931-8123456" and contact.phone_masked == "093*****3456"
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # and back
    old = executor.loader.project_state(BEFORE).apps
    assert old.get_model("accounts", "User").objects.get(username="zhangsan").mobile == (
        "13912345678"
    )
    assert old.get_model("orgs", "PartnerContact").objects.get().phone == "0931-8123456"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
