from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mofan.campaigns import services
from mofan.campaigns.models import (
    Campaign,
    CampaignPhase,
    Review,
    Submission,
    SubmissionState,
    SubmissionVersion,
)
from mofan.campaigns.tasks import remind_deadlines
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent, Message
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
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_open_with_the_defaults_of_the_rules(tree: Tree, roles: Any) -> None:
    boss = manager(roles, tree)
    campaign = open_campaign(tree, actor=boss)
    assert campaign.categories == ["调研课题论文", "党建+业务", "共驻共建"]
    assert campaign.sections == ["背景与起因", "做法与经过", "成效与反响"]
    assert [(c.name, c.weight) for c in campaign.score_categories.all()] == [
        ("创新性", 30),
        ("实效性", 30),
        ("示范性", 20),
        ("文字质量", 20),
    ]
    assert [t["name"] for t in campaign.tiers] == ["最佳", "优秀"]
    assert AuditEvent.objects.filter(action="campaigns.campaign.open").count() == 1


def test_only_the_committee_opens_and_not_in_the_past(tree: Tree, roles: Any) -> None:
    with pytest.raises(PermissionDenied):
        open_campaign(tree, actor=submitter("a", roles, tree.committee_a))
    with pytest.raises(DomainError, match="截止时间须晚于现在"):
        open_campaign(tree, actor=manager(roles, tree), deadline=timezone.now() - timedelta(1))
    with pytest.raises(DomainError):
        open_campaign(tree, tiers=[{"name": "最佳", "share": 60}, {"name": "优秀", "share": 50}])
    assert Campaign.objects.count() == 0


def test_quota_is_enforced_with_the_organisation_named(tree: Tree, roles: Any) -> None:
    campaign = open_campaign(tree, quota=1)
    user = submitter("a", roles, tree.committee_a)
    case(campaign, tree.committee_a, actor=user)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refusal:
        case(campaign, tree.committee_a, actor=user, title="第二个案例")
    assert "甲机关党委" in str(refusal.value) and "1" in str(refusal.value)
    assert Submission.objects.filter(org=tree.committee_a).count() == 1
    assert AuditEvent.objects.count() == events
    # Another organisation has its own quota; a withdrawn case frees the place.
    case(campaign, tree.committee_b, actor=submitter("b", roles, tree.committee_b))
    first = Submission.objects.get(org=tree.committee_a)
    services.submission_withdraw(actor=user, submission=first)
    second = case(campaign, tree.committee_a, actor=user, title="第二个案例")
    assert second.state == SubmissionState.SUBMITTED
    # The withdrawn one cannot come back while the other holds the only place.
    with pytest.raises(DomainError):
        services.submission_submit(actor=user, submission=first)


def test_length_limit_counts_text_without_markup(tree: Tree, roles: Any) -> None:
    campaign = open_campaign(tree, max_chars=100)
    user = submitter("a", roles, tree.committee_a)
    exactly = {
        "背景与起因": "<p><strong>" + "字" * 40 + "</strong></p>",
        "做法与经过": "<p>" + "字" * 30 + "</p>",
        "成效与反响": "<ul><li>" + "字" * 30 + "</li></ul>",
    }
    row = case(campaign, tree.committee_a, actor=user, sections=exactly)
    assert row.text_length == 100
    too_long = {**exactly, "成效与反响": "<p>" + "字" * 31 + "</p>"}
    services.submission_withdraw(actor=user, submission=row)
    with pytest.raises(DomainError) as refusal:
        services.submission_save(
            actor=user, submission=row, category="党建+业务", title="题", sections=too_long
        )
    assert "101" in str(refusal.value) and "100" in str(refusal.value)
    row.refresh_from_db()
    assert row.text_length == 100


def test_rich_text_is_sanitised(tree: Tree) -> None:
    campaign = open_campaign(tree)
    row = case(
        campaign,
        tree.committee_a,
        sections={
            **SECTIONS_OK,
            "背景与起因": '<p onclick="x()">背景<script>alert(1)</script><img src=x onerror=y></p>',
        },
    )
    html = row.sections[0]["html"]
    assert "script" not in html and "onclick" not in html and "onerror" not in html
    assert "背景" in html


def test_every_required_section_is_needed_to_submit(tree: Tree) -> None:
    campaign = open_campaign(tree)
    row = case(
        campaign, tree.committee_a, submit=False, sections={**SECTIONS_OK, "成效与反响": "<p> </p>"}
    )
    with pytest.raises(DomainError, match="成效与反响"):
        services.submission_submit(actor=None, submission=row)


def test_deadline_refuses_every_change(tree: Tree, roles: Any) -> None:
    campaign = open_campaign(tree)
    user = submitter("a", roles, tree.committee_a)
    row = case(campaign, tree.committee_a, actor=user, submit=False)
    submitted = case(campaign, tree.committee_b, actor=submitter("b", roles, tree.committee_b))
    close_collection(campaign)
    versions = SubmissionVersion.objects.count()
    for attempt in (
        lambda: services.submission_submit(actor=user, submission=row),
        lambda: services.submission_save(
            actor=user, submission=row, category="党建+业务", title="改", sections=SECTIONS_OK
        ),
        lambda: services.submission_withdraw(actor=None, submission=submitted),
        lambda: case(campaign, tree.branch_a1, actor=user),
    ):
        with pytest.raises(DomainError, match=r"已于.*截止"):
            attempt()
    assert SubmissionVersion.objects.count() == versions
    row.refresh_from_db()
    assert row.state == SubmissionState.DRAFT


def test_every_version_is_kept(tree: Tree, roles: Any) -> None:
    campaign = open_campaign(tree)
    user = submitter("a", roles, tree.committee_a)
    row = case(campaign, tree.committee_a, actor=user, submit=False, title="初稿")
    services.submission_save(
        actor=user, submission=row, category="共驻共建", title="二稿", sections=SECTIONS_OK
    )
    services.submission_submit(actor=user, submission=row)
    services.submission_withdraw(actor=user, submission=row)
    services.submission_save(
        actor=user, submission=row, category="共驻共建", title="定稿", sections=SECTIONS_OK
    )
    services.submission_submit(actor=user, submission=row)
    versions = list(row.versions.order_by("number").values_list("number", "action", "title"))
    assert versions == [
        (1, "save", "初稿"),
        (2, "save", "二稿"),
        (3, "submit", "二稿"),
        (4, "withdraw", "二稿"),
        (5, "save", "定稿"),
        (6, "submit", "定稿"),
    ]


def test_a_submitted_case_is_frozen_until_withdrawn(tree: Tree) -> None:
    campaign = open_campaign(tree)
    row = case(campaign, tree.committee_a)
    with pytest.raises(DomainError, match="请先撤回"):
        services.submission_save(
            actor=None, submission=row, category="党建+业务", title="改", sections=SECTIONS_OK
        )


def test_organisations_outside_the_committee_cannot_submit(tree: Tree, roles: Any) -> None:
    campaign = open_campaign(tree, org=tree.committee_a)
    with pytest.raises(DomainError):
        case(campaign, tree.committee_b)
    with pytest.raises(PermissionDenied):
        case(campaign, tree.branch_a1, actor=submitter("b", roles, tree.committee_b))


def test_files_photos_only_images_and_attachments_only_when_allowed(tree: Tree) -> None:
    campaign = open_campaign(tree, attachments_allowed=False)
    row = case(campaign, tree.committee_a, submit=False)
    with pytest.raises(DomainError):
        services.submission_file_add(
            actor=None,
            submission=row,
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"),
            kind="attachment",
        )
    with pytest.raises(DomainError):
        services.submission_file_add(
            actor=None,
            submission=row,
            upload=SimpleUploadedFile("p.jpg", b"%PDF-1.4\n"),
            kind="photo",
        )
    assert row.files.count() == 0


# Review ---------------------------------------------------------------------------------------


def _reviewing(tree: Tree, roles: Any) -> tuple[Campaign, list[Submission]]:
    campaign = open_campaign(tree)
    cases = [case(campaign, tree.committee_a), case(campaign, tree.committee_b)]
    close_collection(campaign)
    services.campaign_start_review(actor=manager(roles, tree), campaign=campaign)
    for row in cases:
        row.refresh_from_db()
    return campaign, cases


def test_review_starts_only_after_the_deadline_and_gives_codes(tree: Tree, roles: Any) -> None:
    campaign = open_campaign(tree)
    case(campaign, tree.committee_a)
    with pytest.raises(DomainError):
        services.campaign_start_review(actor=None, campaign=campaign)
    campaign, cases = _reviewing(tree, roles)
    assert sorted(c.code for c in cases) == ["A-01", "A-02"]
    assert Campaign.objects.get(pk=campaign.pk).phase == CampaignPhase.REVIEWING


def test_conflicts_are_refused(tree: Tree, roles: Any) -> None:
    _campaign, (case_a, case_b) = _reviewing(tree, roles)
    boss = manager(roles, tree)
    insider = reviewer("x", roles, tree, member_of=tree.branch_a1)  # a member under side A
    with pytest.raises(DomainError) as refusal:
        services.review_assign(actor=boss, submission=case_a, reviewer=insider)
    assert case_a.code in str(refusal.value)
    assert not Review.objects.exists()
    services.review_assign(actor=boss, submission=case_b, reviewer=insider)
    # Someone who submits for an organisation conflicts with it too.
    holder = reviewer("y", roles, tree)
    from mofan.accounts.services import grant_create

    grant_create(
        actor=None,
        user=holder,
        role=roles["branch_secretary"],
        org=tree.branch_b1,
        include_subtree=True,
    )
    with pytest.raises(DomainError):
        services.review_assign(actor=boss, submission=case_b, reviewer=holder)
    # A person without the reviewer role is refused.
    with pytest.raises(DomainError):
        services.review_assign(
            actor=boss, submission=case_a, reviewer=submitter("s", roles, tree.committee_b)
        )
    assert Review.objects.count() == 1


def test_only_the_assigned_reviewer_scores_while_reviewing(tree: Tree, roles: Any) -> None:
    campaign, (case_a, _case_b) = _reviewing(tree, roles)
    expert, other = reviewer("e", roles, tree), reviewer("o", roles, tree)
    review = services.review_assign(actor=None, submission=case_a, reviewer=expert)
    with pytest.raises(DomainError):
        score_all(review, 80, actor=other)
    categories = list(campaign.score_categories.all())
    with pytest.raises(DomainError, match="文字质量"):
        services.review_score(
            actor=expert, review=review, scores={c.pk: (Decimal(80), "") for c in categories[:3]}
        )
    values = dict(zip([c.pk for c in categories], [90, 80, 70, 60], strict=True))
    review = services.review_score(
        actor=expert, review=review, scores={k: (Decimal(v), "") for k, v in values.items()}
    )
    # (30·90 + 30·80 + 20·70 + 20·60) / 100
    assert review.total == Decimal("77.00")
    services.campaign_close_review(actor=None, campaign=campaign)
    with pytest.raises(DomainError, match="评审已结束"):
        score_all(review, 100)


def test_decision_is_recorded_and_audited(tree: Tree, roles: Any) -> None:
    campaign, (case_a, case_b) = _reviewing(tree, roles)
    expert = reviewer("e", roles, tree)
    for row, value in ((case_a, 90), (case_b, 70)):
        score_all(services.review_assign(actor=None, submission=row, reviewer=expert), value)
    boss = manager(roles, tree)
    with pytest.raises(DomainError):
        services.campaign_decide(actor=boss, campaign=campaign, tiers={}, publish=set())
    services.campaign_close_review(actor=boss, campaign=campaign)
    with pytest.raises(DomainError):
        services.campaign_decide(
            actor=boss, campaign=campaign, tiers={case_a.pk: "特等"}, publish=set()
        )
    services.campaign_decide(
        actor=boss,
        campaign=campaign,
        tiers={case_a.pk: "最佳", case_b.pk: ""},
        publish={case_a.pk, case_b.pk},
        note="工委会议研究决定",
    )
    case_a.refresh_from_db()
    assert case_a.tier == "最佳" and case_a.for_publication
    assert Campaign.objects.get(pk=campaign.pk).phase == CampaignPhase.DECIDED
    assert AuditEvent.objects.filter(action="campaigns.campaign.decide").count() == 1
    assert AuditEvent.objects.filter(action="campaigns.submission.decide").count() == 2


def test_reminder_goes_once_to_those_who_have_not_submitted(tree: Tree, roles: Any) -> None:
    campaign = open_campaign(tree, deadline=timezone.now() + timedelta(days=2))
    pending = submitter("a", roles, tree.committee_a)
    done = submitter("b", roles, tree.committee_b)
    case(campaign, tree.committee_b, actor=done)
    far = open_campaign(tree, title="远期", deadline=timezone.now() + timedelta(days=20))
    assert remind_deadlines() == 1
    assert remind_deadlines() == 0
    messages = Message.objects.filter(title__contains=campaign.title)
    assert list(messages.values_list("user_id", flat=True)) == [pending.pk]
    assert not Message.objects.filter(title__contains=far.title).exists()


def test_selection_becomes_one_draft_article_linked_from_each_case(tree: Tree, roles: Any) -> None:
    from mofan.portal.models import Article

    campaign, (case_a, case_b) = _reviewing(tree, roles)
    expert = reviewer("e", roles, tree)
    for row, value in ((case_a, 90), (case_b, 70)):
        score_all(services.review_assign(actor=None, submission=row, reviewer=expert), value)
    boss = manager(roles, tree)
    services.campaign_close_review(actor=boss, campaign=campaign)
    with pytest.raises(DomainError):
        services.campaign_article_create(
            actor=boss, campaign=campaign, cases=[case_a], title="选登"
        )
    services.campaign_decide(
        actor=boss, campaign=campaign, tiers={}, publish={case_a.pk, case_b.pk}
    )
    article = services.campaign_article_create(
        actor=boss,
        campaign=campaign,
        cases=[case_b, case_a],
        title="优秀案例选登",
        source="兰州日报",
        topic_path=["本网专题", "2022", "互联网+普法宣传"],
    )
    assert Article.objects.count() == 1 and article.state == "draft"
    assert article.topic.name == "互联网+普法宣传" and article.topic.parent.name == "2022"
    body = article.body
    assert body.count("<h2>") == 2 and body.index("（乙机关党委）") < body.index("（甲机关党委）")
    assert body.count("<h3>背景与起因</h3>") == 2 and "（甲机关党委）" in body
    assert set(Submission.objects.values_list("article_id", flat=True)) == {article.pk}
    with pytest.raises(DomainError):  # a case goes into one article only
        services.campaign_article_create(
            actor=boss, campaign=campaign, cases=[case_a], title="再次选登"
        )
    assert Article.objects.count() == 1
