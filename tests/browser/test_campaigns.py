"""Case campaigns on a phone: an expert scores a case blind; the committee ranks, decides and
turns the selection into one draft portal article."""

from typing import Any

import pytest
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.campaigns import services
from mofan.campaigns.models import Campaign, Review, Submission
from tests.browser.conftest import shot
from tests.campaigns.files import jpeg_bytes, pdf_bytes
from tests.campaigns.helpers import case, close_collection, open_campaign, reviewer, score_all
from tests.conftest import Tree, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _under_review(tree: Tree) -> tuple[Campaign, list[Submission]]:
    campaign = open_campaign(tree)
    rows = [
        case(campaign, tree.committee_a, title="清单管理推动作风转变"),
        case(campaign, tree.committee_b, title="模拟法庭走进校园"),
    ]
    close_collection(campaign)
    services.campaign_start_review(actor=None, campaign=campaign)
    return campaign, [Submission.objects.get(pk=r.pk) for r in rows]


def test_an_expert_scores_a_case_blind(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    _campaign, (case_a, _case_b) = _under_review(tree)
    expert = reviewer("expert", roles, tree)
    review = services.review_assign(actor=None, submission=case_a, reviewer=expert)
    sign_in(phone, live_server.url, "expert")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/campaigns/reviews/")
    phone.get_by_role("link", name=f"{case_a.code} 党建+业务").click()
    expect(phone.get_by_role("heading", name="做法与经过")).to_be_visible()
    expect(phone.get_by_text("甲机关党委")).to_have_count(0)
    for label, value in (("创新性", "90"), ("实效性", "85"), ("示范性", "80"), ("文字质量", "75")):
        phone.get_by_label(f"{label}（权重").fill(value)
    phone.get_by_label("总体评语").fill("做法具体，数据可信。")
    shot(phone, "campaign-review")
    phone.get_by_role("button", name="保存评分").click()
    # (30·90 + 30·85 + 20·80 + 20·75) / 100 = 83.5
    expect(phone.get_by_text("评分已保存：加权得分 83.50。")).to_be_visible()
    expect(phone.get_by_test_id("review")).to_contain_text("已评分 83.50")
    review.refresh_from_db()
    assert review.total is not None and str(review.total) == "83.50"
    assert review.comment == "做法具体，数据可信。"


def test_the_committee_decides_and_makes_one_draft_article(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    campaign, (case_a, case_b) = _under_review(tree)
    expert = reviewer("expert", roles, tree)
    for row, value in ((case_a, 88), (case_b, 93)):
        score_all(services.review_assign(actor=None, submission=row, reviewer=expert), value)
    services.campaign_close_review(actor=None, campaign=campaign)
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/campaigns/manage/")
    phone.get_by_role("link", name=campaign.title).click()
    phone.get_by_role("link", name="排名与审定").click()
    rows = phone.get_by_test_id("rank-row")
    expect(rows.first).to_contain_text("模拟法庭走进校园")  # 93 ranks first
    phone.get_by_label(f"奖项 {case_b.code}").select_option("优秀")
    phone.get_by_label(f"发布 {case_a.code}").check()
    phone.get_by_label(f"发布 {case_b.code}").check()
    phone.get_by_label("审定说明").fill("经工委会议研究决定。")
    shot(phone, "campaign-ranking")
    phone.get_by_role("button", name="登记审定结果").click()
    expect(phone.get_by_text("工委审定结果已登记。")).to_be_visible()
    phone.get_by_role("link", name="将选登案例生成文章草稿").click()
    phone.get_by_label("标题", exact=True).fill("市直机关党建工作优秀案例选登")
    phone.get_by_label("来源", exact=True).fill("兰州日报")
    phone.get_by_label("专题", exact=True).fill("本网专题 > 2022 > 互联网+普法宣传")
    phone.get_by_role("button", name="生成文章草稿").click()
    expect(phone.get_by_text("文章草稿已生成，各案例均已关联到该文章。")).to_be_visible()
    case_a.refresh_from_db()
    case_b.refresh_from_db()
    assert case_b.tier == "优秀" and case_a.tier == ""
    assert case_a.article_id is not None and case_a.article_id == case_b.article_id
    assert phone.url.endswith(f"/portal/manage/articles/{case_a.article_id}/")
    assert Review.objects.filter(scored_at__isnull=False).count() == 2


def test_files_of_a_case_stay_blind(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role], tmp_path: Any
) -> None:
    campaign = open_campaign(tree)
    author = make_user("zhang", grants=[(roles["committee_admin"], tree.committee_a, True)])
    author.full_name = "张晓明"
    author.save(update_fields=["full_name"])
    draft = case(campaign, tree.committee_a, actor=author, submit=False)
    named = tmp_path / "材料.pdf"
    named.write_bytes(pdf_bytes("本案例由甲机关党委报送。"))
    photo = tmp_path / "活动照片.jpg"
    photo.write_bytes(jpeg_bytes("张晓明"))
    sign_in(phone, live_server.url, "zhang")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/campaigns/cases/{draft.pk}/")
    expect(phone.get_by_text("评审为盲评：文件中不得出现本单位或任何人的名称")).to_be_visible()
    phone.get_by_label("类别").select_option(label="附件")
    phone.get_by_label("文件").set_input_files(str(named))
    phone.get_by_role("button", name="上传文件").click()
    expect(phone.get_by_text("评审为盲评，但这个文件中出现了“甲机关党委”。")).to_be_visible()
    shot(phone, "campaign-upload-refused")
    assert draft.files.count() == 0
    phone.get_by_label("类别").select_option(label="照片")
    phone.get_by_label("文件").set_input_files(str(photo))
    phone.get_by_role("button", name="上传文件").click()
    expect(phone.get_by_text("文件已上传。")).to_be_visible()
    expect(phone.get_by_role("link", name="活动照片.jpg")).to_be_visible()
    with draft.files.get().file.open("rb") as stored:
        assert "张晓明".encode() not in stored.read()
    # The expert sees the photo, stripped of its EXIF, displayed under its code.
    services.submission_submit(actor=author, submission=draft)
    close_collection(campaign)
    services.campaign_start_review(actor=None, campaign=campaign)
    expert = reviewer("expert", roles, tree)
    review = services.review_assign(
        actor=None, submission=Submission.objects.get(pk=draft.pk), reviewer=expert
    )
    phone.context.clear_cookies()
    sign_in(phone, live_server.url, "expert")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/campaigns/reviews/{review.pk}/")
    image = phone.locator("img.img-thumbnail")
    expect(image).to_have_count(1)
    phone.wait_for_function("document.querySelector('img.img-thumbnail').naturalWidth === 8")
