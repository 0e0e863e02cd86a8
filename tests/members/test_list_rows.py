"""The member list's rows, written by `member_rows` in one pass: links, badges, labels for a
phone, and every value escaped."""

from __future__ import annotations

import pytest
from django.test import Client

from mofan.accounts.models import Role
from mofan.members import services
from mofan.members.models import Member, MemberStatus
from mofan.orgs.models import Organisation
from tests.conftest import Tree, login, make_user

pytestmark = pytest.mark.django_db


def test_rows_show_links_badges_labels_and_escape_everything(
    tree: Tree, roles: dict[str, Role]
) -> None:
    Organisation.objects.filter(pk=tree.branch_a1.pk).update(name="一支部 <b>&")
    Organisation.objects.filter(pk=tree.group_a1.pk).update(name='小组"x"')
    hostile = services.member_create(
        actor=None, full_name="<script>alert(1)</script>", org=tree.branch_a1
    )
    Member.objects.filter(pk=hostile.pk).update(group=tree.group_a1, is_leading_cadre=True)
    plain = services.member_create(
        actor=None, full_name="王五", org=tree.branch_a2, status=MemberStatus.PROBATIONARY
    )
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    page = login(Client(), admin).get("/members/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "一支部 &lt;b&gt;&amp; · 小组&quot;x&quot;" in page
    assert (
        f'<a href="/members/{hostile.pk}/">' in page and f'<a href="/members/{plain.pk}/">' in page
    )
    assert page.count('<span class="badge text-bg-info">党员领导干部</span>') == 1
    assert '<span class="badge text-bg-warning">预备党员</span>' in page
    for label in ("姓名", "性别", "年龄", "党龄", "状态", "党支部", "手机号"):
        assert page.count(f'data-label="{label}"') == 2
    nothing = login(Client(), admin).get("/members/?q=nobody").content.decode()
    assert "没有符合条件的党员" in nothing and 'data-testid="member-row"' not in nothing
