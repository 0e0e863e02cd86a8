"""A partner unit's contact on a phone: receives what is addressed to partner units, not the
party's internal notices, and is not offered the party members' own pages. The messages
page: an order's messages on one line, filtered and marked read in bulk."""

from typing import Any

import pytest
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.core.models import Message, Notice
from mofan.core.services import message_send, notice_send
from mofan.orgs.models import PartnerContact, PartnerKind
from mofan.orgs.services import partner_create
from tests.browser.conftest import shot
from tests.conftest import Tree, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_contact_reads_only_partner_notices(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    sender = make_user("gongwei", grants=[(roles["work_committee_admin"], tree.root, True)])
    contact = make_user("shequ", grants=[(roles["partner_contact"], tree.committee_a, True)])
    community = partner_create(
        actor=None, org=tree.committee_a, name="桥门社区", kind=PartnerKind.COMMUNITY
    )
    PartnerContact.objects.create(partner=community, name="王主任", user=contact)
    notice_send(
        actor=sender,
        sender_org=tree.root,
        org=tree.root,
        title="关于做好组织生活会准备工作的通知",
        body="各党支部：请于月底前完成会前准备。",
    )
    notice_send(
        actor=sender,
        sender_org=tree.root,
        org=tree.root,
        title="共建单位座谈会安排",
        body="请各共建单位联络人周五下午参加座谈会。",
        audience=Notice.Audience.PARTNERS,
    )
    sign_in(phone, live_server.url, "shequ")
    phone.wait_for_url(f"{live_server.url}/")
    # Neither the party members' own pages nor their volunteer sign-up are offered.
    for url in ("/members/me/", "/study/mine/", "/orglife/mine/"):
        expect(phone.locator(f'a[href="{url}"]')).to_have_count(0)
    expect(phone.get_by_test_id("unread-notices")).to_contain_text("1")
    phone.get_by_test_id("unread-notices").click()
    phone.wait_for_url("**/notices/")
    expect(phone.get_by_text("共建单位座谈会安排")).to_be_visible()
    expect(phone.get_by_text("关于做好组织生活会准备工作的通知")).to_have_count(0)
    phone.get_by_text("共建单位座谈会安排").click()
    expect(phone.get_by_test_id("audience")).to_have_text("接收对象：共建单位")
    expect(phone.get_by_test_id("read-receipt")).to_contain_text("已于")
    shot(phone, "notice-partner")
    phone.goto(f"{live_server.url}/study/mine/")
    expect(phone.get_by_test_id("refusal")).to_contain_text("此页面仅供党员本人使用")
    phone.goto(f"{live_server.url}/volunteer/")
    expect(phone.get_by_text("可报名的志愿活动")).to_have_count(0)
    expect(phone.get_by_text("本社区的微心愿")).to_be_visible()


def test_the_messages_page_groups_filters_and_marks_read(
    live_server: Any, phone: Any, tree: Tree
) -> None:
    admin = make_user("gongwei")
    for step in ("新订单待派单", "订单已派给服务队", "服务队已接单"):
        message_send(
            user_id=admin.pk, title=f"{step}：桥门社区 · 宪法宣传", link="/cobuild/orders/1/"
        )
    message_send(
        user_id=admin.pk, title="新订单待派单：第三十二中学 · 防欺凌", link="/cobuild/orders/2/"
    )
    message_send(
        user_id=admin.pk, title="甲第一支部：本季度未召开党小组会", link="/orglife/compliance/"
    )
    sign_in(phone, live_server.url, "gongwei")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/messages/")
    expect(phone.get_by_test_id("unread-messages")).to_contain_text("5")
    expect(phone.get_by_test_id("message-line")).to_have_count(3)
    thread = phone.get_by_test_id("message-thread")
    thread.locator("summary").click()
    expect(thread.get_by_text("新订单待派单：桥门社区 · 宪法宣传")).to_be_visible()
    shot(phone, "messages")
    phone.get_by_test_id("message-kinds").get_by_role("link", name="服务订单").click()
    phone.wait_for_url("**/messages/?kind=order")
    expect(phone.get_by_test_id("message-line")).to_have_count(2)
    phone.get_by_test_id("message-line").first.get_by_role("checkbox").check()
    phone.get_by_role("button", name="将勾选的消息标为已读").click()
    expect(phone.get_by_text("已将 1 条消息标为已读。")).to_be_visible()
    phone.get_by_role("button", name="将所列消息全部标为已读").click()
    expect(phone.get_by_text("已将 3 条消息标为已读。")).to_be_visible()
    expect(phone.get_by_test_id("unread-messages")).to_contain_text("1")
    assert Message.objects.filter(read_at__isnull=True).get().kind == Message.Kind.MEETING
