"""Co-building on a phone: record a five-party agreement, its duties and a joint meeting."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.cobuild.models import Agreement, JointMeeting
from mofan.orgs.services import partner_create
from tests.browser.conftest import shot
from tests.conftest import Tree, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_an_agreement_with_duties_and_a_joint_meeting(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role], tmp_path: Any
) -> None:
    partner_create(actor=None, org=tree.committee_a, name="桥门社区", kind="community")
    partner_create(actor=None, org=tree.committee_a, name="第三十二中学", kind="school")
    make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)])
    scan = tmp_path / "协议.pdf"
    scan.write_bytes(b"%PDF-1.4\n%signed\n")
    sign_in(phone, live_server.url, "dw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/cobuild/agreements/")
    phone.get_by_role("link", name="登记共建协议").click()
    phone.get_by_label("归档单位").select_option(label="甲机关党委")
    phone.get_by_label("标题").fill("青少年法治宣传协议")
    today = timezone.localdate()
    phone.get_by_label("签订日期").fill((today - timedelta(days=20)).isoformat())
    phone.get_by_label("结束日期").fill((today + timedelta(days=3 * 365)).isoformat())
    # The multiple picker: type, choose with the keyboard; the chosen one shows as a chip.
    parties = phone.get_by_role("combobox", name="签约党组织")
    parties.fill("甲第一")
    parties.press("ArrowDown")
    parties.press("Enter")
    parties.fill("甲机关")
    phone.get_by_role("listbox", name="签约党组织").get_by_role("option", name="甲机关党委").click()
    chips = phone.locator(".mofan-chips li")
    expect(chips).to_have_count(2)
    phone.get_by_role("button", name="移除 甲第一支部").click()
    expect(chips).to_have_count(1)
    expect(chips).to_contain_text("甲机关党委")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    partners = phone.get_by_role("combobox", name="共建单位")
    for name in ("桥门社区", "第三十二中学"):
        partners.fill(name[:3])
        phone.get_by_role("listbox", name="共建单位").get_by_role("option", name=name).click()
    expect(chips).to_have_count(3)  # one party organisation and two partner units
    shot(phone, "agreement-form")
    phone.get_by_label("协议签字盖章件（PDF 或照片）").set_input_files(str(scan))
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("协议已登记，请填写各方职责。")).to_be_visible()
    expect(phone.get_by_test_id("party")).to_have_count(3)
    school = phone.get_by_test_id("party").filter(has_text="第三十二中学")
    school.locator("textarea").fill("提供场地，组织学生参加")
    school.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("职责已保存。")).to_be_visible()
    phone.get_by_label("参加人员").fill("三方联络人")
    phone.get_by_label("议定事项").fill("本学期开展模拟法庭两场")
    phone.get_by_role("button", name="登记联席会议").click()
    expect(phone.get_by_test_id("joint-meeting")).to_contain_text("模拟法庭两场")
    shot(phone, "agreement")
    agreement = Agreement.objects.get()
    assert agreement.scan_name == "协议.pdf" and agreement.parties.count() == 3
    assert agreement.parties.get(partner__name="第三十二中学").duties == "提供场地，组织学生参加"
    assert JointMeeting.objects.filter(agreement=agreement).count() == 1
