from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from mofan.campaigns import services
from mofan.campaigns.models import Review, Submission, SubmissionState
from tests.campaigns.files import pdf_bytes
from tests.campaigns.helpers import (
    SECTIONS_OK,
    case,
    close_collection,
    manager,
    open_campaign,
    reviewer,
    score_all,
    submitter,
)
from tests.conftest import Tree, login, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(tree: Tree, roles: Any) -> dict[str, Any]:
    """A campaign under review: side A's case names its organisation and author in its text and
    carries a photo and an attachment whose file names name them too."""
    campaign = open_campaign(tree)
    author_a = submitter("zhang", roles, tree.committee_a)
    author_a.full_name = "张晓明"
    author_a.save(update_fields=["full_name"])
    case_a = case(
        campaign,
        tree.committee_a,
        actor=author_a,
        title="甲机关党委清单管理案例",
        sections={
            **SECTIONS_OK,
            "背景与起因": "<p>甲机关党委张晓明同志牵头，甲第一支部参与。</p>",
        },
        submit=False,
    )
    services.submission_file_add(
        actor=author_a,
        submission=case_a,
        upload=SimpleUploadedFile("甲机关党委张晓明活动照片.png", png_bytes()),
        kind="photo",
    )
    services.submission_file_add(
        actor=author_a,
        submission=case_a,
        upload=SimpleUploadedFile(
            "甲机关党委-张晓明.pdf", pdf_bytes("清单制度每月通报。", author="张晓明")
        ),
        kind="attachment",
    )
    case_a = services.submission_submit(actor=author_a, submission=case_a)
    author_b = submitter("li", roles, tree.committee_b)
    case_b = case(campaign, tree.committee_b, actor=author_b, title="共建案例")
    close_collection(campaign)
    boss = manager(roles, tree)
    services.campaign_start_review(actor=boss, campaign=campaign)
    expert = reviewer("wang", roles, tree)
    insider = reviewer("zhao", roles, tree, member_of=tree.branch_a1)
    review_a = services.review_assign(
        actor=boss, submission=Submission.objects.get(pk=case_a.pk), reviewer=expert
    )
    review_b = services.review_assign(
        actor=boss, submission=Submission.objects.get(pk=case_b.pk), reviewer=expert
    )
    return {
        "campaign": campaign,
        "boss": boss,
        "expert": expert,
        "insider": insider,
        "review_a": review_a,
        "review_b": review_b,
        "case_a": Submission.objects.get(pk=case_a.pk),
        "case_b": Submission.objects.get(pk=case_b.pk),
    }


LEAKS = ("甲机关党委", "甲第一支部", "张晓明", "zhang", "乙机关党委", "li")


def _no_leak(text: str, *, allow: tuple[str, ...] = ()) -> None:
    for word in LEAKS:
        if word in allow:
            continue
        assert word not in text, word


def test_reviewer_pages_show_no_submitter(client: Any, scene: dict[str, Any]) -> None:
    login(client, scene["expert"])
    listing = client.get(reverse("campaigns:reviews"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert scene["case_a"].code in body
    _no_leak(body.replace("campaigns", "").replace("list", ""), allow=("li",))
    page = client.get(reverse("campaigns:review", args=[scene["review_a"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "清单" in html and "■■" in html
    for word in ("甲机关党委", "甲第一支部", "张晓明", "活动照片", '.pdf">甲'):
        assert word not in html, word
    # Files come under neutral names.
    for row in scene["case_a"].files.all():
        response = client.get(reverse("campaigns:review_file", args=[scene["review_a"].pk, row.pk]))
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert "%E5%BC%A0" not in disposition  # 张
        assert "%E7%94%B2" not in disposition  # 甲
        assert scene["case_a"].code in disposition


def test_blind_export_has_no_names_and_the_named_one_has(
    client: Any, scene: dict[str, Any]
) -> None:
    score_all(scene["review_a"], 85)
    score_all(scene["review_b"], 75)
    login(client, scene["boss"])
    blind = client.get(reverse("campaigns:ranking_blind", args=[scene["campaign"].pk]))
    cells = _cells(blind.content)
    assert scene["case_a"].code in cells
    for word in ("甲机关党委", "乙机关党委", "张晓明", "甲第一支部"):
        assert not any(word in c for c in cells), word
    named = client.get(reverse("campaigns:ranking_named", args=[scene["campaign"].pk]))
    cells = _cells(named.content)
    assert "甲机关党委" in cells and "张晓明" in cells


def _cells(content: bytes) -> list[str]:
    book = load_workbook(BytesIO(content))
    return [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None]


def test_nobody_else_opens_a_review(
    client: Any, scene: dict[str, Any], roles: Any, tree: Tree
) -> None:
    other = reviewer("other", roles, tree)
    login(client, other)
    assert client.get(reverse("campaigns:review", args=[scene["review_a"].pk])).status_code == 404
    response = client.post(
        reverse("campaigns:review", args=[scene["review_a"].pk]), {"comment": "篡改"}
    )
    assert response.status_code == 404
    row = scene["case_a"].files.first()
    url = reverse("campaigns:review_file", args=[scene["review_a"].pk, row.pk])
    assert client.get(url).status_code == 404
    # The expert may not fetch a file of a case they do not review through their review.
    login(client, scene["expert"])
    url = reverse("campaigns:review_file", args=[scene["review_b"].pk, row.pk])
    assert client.get(url).status_code == 404


def test_assignment_screen_never_offers_a_conflict(client: Any, scene: dict[str, Any]) -> None:
    login(client, scene["boss"])
    page = client.get(reverse("campaigns:assign", args=[scene["campaign"].pk]))
    html = page.content.decode()
    insider, case_a, case_b = scene["insider"], scene["case_a"], scene["case_b"]
    assert f'value="{case_a.pk}-{insider.pk}"' not in html
    assert f'value="{case_b.pk}-{insider.pk}"' in html
    # Posting the pair anyway is refused with a message and assigns nothing.
    response = client.post(
        reverse("campaigns:assign", args=[scene["campaign"].pk]),
        {
            "assign": [
                f"{case_a.pk}-{insider.pk}",
                f"{case_a.pk}-{scene['expert'].pk}",
                f"{case_b.pk}-{scene['expert'].pk}",
            ]
        },
        follow=True,
    )
    assert "不得评审" in response.content.decode() or "may not review" in response.content.decode()
    assert not Review.objects.filter(reviewer=insider).exists()


def test_reviewer_scores_through_the_form(client: Any, scene: dict[str, Any]) -> None:
    login(client, scene["expert"])
    review = scene["review_a"]
    data = {f"score_{c.pk}": "80" for c in scene["campaign"].score_categories.all()}
    response = client.post(reverse("campaigns:review", args=[review.pk]), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert str(review.total) == "80.00"


def test_submitter_writes_and_submits_through_the_pages(
    client: Any, tree: Tree, roles: Any
) -> None:
    campaign = open_campaign(tree, max_chars=200)
    user = submitter("a", roles, tree.committee_a)
    login(client, user)
    assert campaign.title in client.get(reverse("campaigns:called")).content.decode()
    url = reverse("campaigns:case_create", args=[campaign.pk])
    data = {
        "org": tree.committee_a.pk,
        "category": "共驻共建",
        "title": "社区共建",
        "section_0": "<p>起因</p>",
        "section_1": "<p>做法</p>",
        "section_2": "<p>" + "效" * 300 + "</p>",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the length message
    errors = " ".join(response.context["form"].non_field_errors())
    assert "304" in errors and "200" in errors  # 2 + 2 + 300 characters, without the tags
    assert not Submission.objects.exists()
    data["section_2"] = "<p>成效</p>"
    response = client.post(url, data)
    row = Submission.objects.get()
    assert response.status_code == 302
    client.post(reverse("campaigns:case", args=[row.pk]), {"step": "submit"})
    row.refresh_from_db()
    assert row.state == SubmissionState.SUBMITTED
    versions = client.get(reverse("campaigns:versions", args=[row.pk])).content.decode()
    assert versions.count('data-testid="version"') == 2
    version = row.versions.get(number=1)
    assert client.get(reverse("campaigns:version", args=[version.pk])).status_code == 200


def test_another_committee_posts_to_this_campaign_and_nothing_changes(
    client: Any, tree: Tree, roles: Any
) -> None:
    """Manager-side writes as a work-committee administrator of side B: 404 everywhere."""
    from mofan.campaigns.models import Campaign
    from mofan.core.models import AuditEvent
    from tests.conftest import make_user

    campaign = open_campaign(tree, org=tree.committee_a)
    row = case(campaign, tree.branch_a1)
    close_collection(campaign)
    outsider = make_user("b-gw", grants=[(roles["work_committee_admin"], tree.committee_b, True)])
    login(client, outsider)
    events = AuditEvent.objects.count()
    posts = [
        (reverse("campaigns:campaign_manage", args=[campaign.pk]), {"step": "start_review"}),
        (reverse("campaigns:campaign_edit", args=[campaign.pk]), {"title": "篡改"}),
        (reverse("campaigns:assign", args=[campaign.pk]), {"assign": [f"{row.pk}-1"]}),
        (reverse("campaigns:ranking", args=[campaign.pk]), {f"tier_{row.pk}": "最佳"}),
        (reverse("campaigns:article_create", args=[campaign.pk]), {"cases": [row.pk]}),
        (reverse("campaigns:managed_case", args=[row.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in {404, 405}, url
    assert AuditEvent.objects.count() == events
    assert Campaign.objects.get(pk=campaign.pk).phase == "open"
    row.refresh_from_db()
    assert row.tier == "" and row.code == ""
