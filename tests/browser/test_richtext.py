"""The rich-text editor on a phone: minutes formatted with the toolbar, an article body pasted
from Word (cleaned on the way in and again on the server), a picture of the article inserted,
and a case section whose character count follows the typing."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.orglife.models import Meeting
from mofan.portal import services as portal
from mofan.portal.models import Article
from tests.browser.conftest import rich_text, shot
from tests.browser.test_orglife import assembly_with_secretary_signed_in
from tests.campaigns.helpers import open_campaign, submitter
from tests.conftest import Tree, make_user, png_bytes, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOOLBAR = ["加粗", "斜体", "下划线", "小标题", "有序列表", "无序列表", "引用", "撤销", "重做"]

WORD_HTML = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
    "<style>p.MsoNormal{margin:0;font-family:宋体}</style></head><body>"
    "<!--StartFragment-->"
    '<p class=MsoNormal style="text-indent:2em"><span style="font-family:宋体;font-weight:bold">'
    '五方签约</span><span lang=EN-US style="color:red">共建青少年法治宣传<o:p></o:p></span></p>'
    '<p class=MsoNormal><font face="楷体"><i>普法进校园</i></font>'
    "<script>window.__pasted_ran = 1</script><o:p>&nbsp;</o:p></p>"
    '<p class=MsoNormal><img src="https://evil.example/x.png" onerror="window.__pasted_ran=2">'
    "</p><!--EndFragment--></body></html>"
)

PASTE = """([selector, html]) => {
  const editor = document.querySelector(selector);
  editor.focus();
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "五方签约共建青少年法治宣传");
  editor.dispatchEvent(new ClipboardEvent("paste", {
    clipboardData: data, bubbles: true, cancelable: true }));
}"""


def test_minutes_written_with_the_toolbar(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    meeting = assembly_with_secretary_signed_in(live_server, phone, tree, roles)
    phone.goto(f"{live_server.url}/orglife/{meeting.pk}/minutes/")

    editor = rich_text(phone, "会议记录")
    expect(editor).to_be_visible()
    expect(phone.locator("textarea[name=minutes]")).to_be_hidden()
    for name in TOOLBAR:
        expect(phone.get_by_role("button", name=name)).to_be_visible()
    bold = phone.get_by_role("button", name="加粗")
    expect(bold).to_have_attribute("title", "加粗")
    # The toolbar wraps inside the phone's width: nothing sticks out to the right.
    toolbar = phone.get_by_role("toolbar")
    box = toolbar.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    last = phone.get_by_role("button", name="清除格式").bounding_box()
    assert last is not None and last["x"] + last["width"] <= 390

    editor.click()
    phone.keyboard.type("会议强调要抓落实")
    for _ in range(3):
        phone.keyboard.press("Shift+ArrowLeft")  # select the last word: 抓落实
    bold.click()
    expect(bold).to_have_attribute("aria-pressed", "true")
    expect(editor.locator("b, strong")).to_have_text("抓落实")
    phone.keyboard.press("End")
    bold.click()  # bold off again for what follows
    expect(bold).to_have_attribute("aria-pressed", "false")
    phone.keyboard.press("Enter")
    bulleted = phone.get_by_role("button", name="无序列表")
    bulleted.click()
    expect(bulleted).to_have_attribute("aria-pressed", "true")
    phone.keyboard.type("学习党章")
    phone.keyboard.press("Enter")
    phone.keyboard.type("按时交纳党费")
    shot(phone, "richtext-minutes")
    phone.get_by_role("button", name="保存").click()

    minutes = phone.get_by_test_id("minutes")
    expect(minutes.locator("strong")).to_have_text("抓落实")
    expect(minutes.locator("ul li")).to_have_text(["学习党章", "按时交纳党费"])
    expect(minutes).to_contain_text("会议强调要抓落实")
    stored = Meeting.objects.get(pk=meeting.pk).minutes
    assert "<strong>抓落实</strong>" in stored
    assert "<ul><li>学习党章</li><li>按时交纳党费</li></ul>" in stored
    assert "style" not in stored and "<b>" not in stored

    # Opening the minutes again shows them formatted in the editor, not as tags.
    phone.goto(f"{live_server.url}/orglife/{meeting.pk}/minutes/")
    expect(editor.locator("strong")).to_have_text("抓落实")
    expect(editor.locator("ul li")).to_have_count(2)
    expect(editor).not_to_contain_text("<strong>")


def test_word_pasted_into_an_article_comes_out_clean(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    article = portal.article_create(None, title="五方签约 共建青少年法治宣传", body="")
    image = portal.article_image_add(
        None, article, upload=SimpleUploadedFile("签约.png", png_bytes(160, 90)), caption="签约现场"
    )
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/portal/manage/articles/{article.pk}/")

    editor = rich_text(phone, "正文")
    expect(editor).to_be_visible()
    phone.evaluate(PASTE, [".rt-area", WORD_HTML])
    expect(editor.locator("strong")).to_have_text("五方签约")
    expect(editor.locator("em")).to_have_text("普法进校园")
    assert phone.evaluate("window.__pasted_ran") is None  # nothing in the paste ran
    expect(editor.locator("span, font, [style], [class], script, img")).to_have_count(0)

    # A picture of this article, chosen from its uploaded pictures.
    phone.keyboard.press("End")
    phone.get_by_role("button", name="插入图片").click()
    pictures = phone.get_by_role("group", name="本文的图片")
    expect(pictures).to_be_visible()
    pictures.get_by_role("button", name="签约现场").click()
    expect(editor.locator("img")).to_have_attribute("src", f"/portal/images/{image.pk}/")
    expect(pictures).to_be_hidden()
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("文章已保存。")).to_be_visible()
    expect(editor.locator("strong")).to_have_text("五方签约")  # reloaded, still formatted
    shot(phone, "portal-edit")

    body = Article.objects.get(pk=article.pk).body
    for bad in ("style", "<span", "<font", "o:p", "<script", "class=", "<!--", "evil", "onerror"):
        assert bad not in body, (bad, body)
    assert "<strong>五方签约</strong>" in body and "<em>普法进校园</em>" in body
    assert body.endswith(
        f'<figure><img src="/portal/images/{image.pk}/" alt="签约现场">'
        "<figcaption>签约现场</figcaption></figure>"
    )

    # The preview shows the formatting and the picture as readers will see them.
    phone.get_by_role("link", name="预览").click()
    shown = phone.get_by_test_id("article-body")
    expect(shown.locator("strong")).to_have_text("五方签约")
    expect(shown.locator("em")).to_have_text("普法进校园")
    expect(shown.locator("figcaption")).to_have_text("签约现场")
    assert shown.locator("img").evaluate("img => img.naturalWidth") == 160


def test_case_section_counts_characters_as_typed(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    campaign = open_campaign(tree, max_chars=100)
    submitter("zhibu", roles, tree.committee_a)
    sign_in(phone, live_server.url, "zhibu")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/campaigns/{campaign.pk}/cases/new/")

    first = rich_text(phone, campaign.sections[0])
    second = rich_text(phone, campaign.sections[1])
    counts = phone.get_by_test_id("char-count")
    expect(counts).to_have_count(len(campaign.sections))
    expect(counts.first).to_have_text("本部分 0 字 · 全文 0 字，限 100 字")
    first.click()
    phone.keyboard.type("机关 作风")
    expect(counts.first).to_have_text("本部分 4 字 · 全文 4 字，限 100 字")
    phone.get_by_role("button", name="加粗").first.click()
    phone.keyboard.type("建设")
    expect(counts.first).to_have_text("本部分 6 字 · 全文 6 字，限 100 字")
    second.fill("清" * 94)
    expect(counts.nth(1)).to_have_text("本部分 94 字 · 全文 100 字，限 100 字")
    expect(counts.nth(1)).not_to_have_class(re.compile("text-danger"))
    second.press("End")
    phone.keyboard.type("单")
    expect(counts.nth(1)).to_have_text("本部分 95 字 · 全文 101 字，限 100 字")
    expect(counts.first).to_have_text("本部分 6 字 · 全文 101 字，限 100 字")
    expect(counts.nth(1)).to_have_class(re.compile("text-danger"))  # over the limit: red
    shot(phone, "richtext-case")


def test_heading_shortcut_clear_and_undo(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    from mofan.orglife.services import meeting_schedule

    start = timezone.now() + timedelta(hours=3)
    meeting = meeting_schedule(
        actor=None,
        org=tree.branch_a1,
        kind="party_lesson",
        topic="党课",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    meeting.minutes = "<p><b>记录</b>原有</p>"  # as stored before the editor: loads formatted
    meeting.save(update_fields=["minutes"])
    make_user("shuji", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    sign_in(phone, live_server.url, "shuji")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orglife/{meeting.pk}/minutes/")

    editor = rich_text(phone, "会议记录")
    expect(editor.locator("strong")).to_have_text("记录")
    editor.click()
    phone.keyboard.press("Control+End")
    phone.keyboard.press("Enter")
    heading = phone.get_by_role("button", name="小标题")
    heading.click()
    expect(heading).to_have_attribute("aria-pressed", "true")
    phone.keyboard.type("一、学习内容")
    expect(editor.locator("h3")).to_have_text("一、学习内容")
    phone.keyboard.press("Enter")
    expect(heading).to_have_attribute("aria-pressed", "false")
    phone.keyboard.type("重点")
    phone.keyboard.press("Shift+Home")
    phone.keyboard.press("Control+b")
    bold = phone.get_by_role("button", name="加粗")
    expect(bold).to_have_attribute("aria-pressed", "true")
    expect(editor.locator("strong, b").last).to_have_text("重点")
    phone.get_by_role("button", name="撤销").click()
    expect(editor.locator("strong, b")).to_have_count(1)  # only the old 记录
    phone.get_by_role("button", name="重做").click()
    expect(editor.locator("strong, b")).to_have_count(2)
    phone.get_by_role("button", name="清除格式").click()
    expect(editor.locator("strong, b")).to_have_count(1)
    expect(bold).to_have_attribute("aria-pressed", "false")
    phone.get_by_role("button", name="保存").click()

    minutes = phone.get_by_test_id("minutes")
    expect(minutes.locator("h3")).to_have_text("一、学习内容")
    stored = Meeting.objects.get(pk=meeting.pk).minutes
    assert stored == "<p><strong>记录</strong>原有</p><h3>一、学习内容</h3><p>重点</p>"
