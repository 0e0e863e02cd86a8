"""Case campaigns' part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py): a campaign of side A's committee under review, with a
submitted case of the first branch (a photo) and its reviewer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mofan.accounts.models import Role, User
from mofan.campaigns.models import Campaign, Review, Submission, SubmissionVersion
from mofan.campaigns.services import (
    campaign_open,
    campaign_start_review,
    review_assign,
    submission_create,
    submission_file_add,
    submission_submit,
)
from tests.conftest import Post, Tree, World, make_user, png_bytes

# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {}
# Views whose objects belong to no organisation: a holder anywhere is a holder.
SYSTEM_WIDE: set[str] = set()
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("campaigns:managed", "work_committee_admin", 12),
    ("campaigns:called", "committee_admin", 12),
    ("campaigns:reviews", "reviewer", 12),
]


def _under_review(campaign: Campaign) -> None:
    """Collection closed an hour ago, review started."""
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(hours=1))
    campaign_start_review(actor=None, campaign=Campaign.objects.get(pk=campaign.pk))


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    campaign = campaign_open(
        actor=None,
        org=tree.committee_a,
        title="案例征集",
        deadline=timezone.now() + timedelta(days=1),
    )
    case = submission_create(
        actor=None,
        campaign=campaign,
        org=tree.branch_a1,
        category=campaign.categories[0],
        title="案例",
        sections=dict.fromkeys(campaign.sections, "<p>内容</p>"),
    )
    photo = submission_file_add(
        actor=None,
        submission=case,
        upload=SimpleUploadedFile("照片.png", png_bytes()),
        kind="photo",
    )
    submission_submit(actor=None, submission=case)
    _under_review(campaign)
    expert = make_user("expert", grants=[(roles["reviewer"], tree.root, True)])
    review = review_assign(actor=None, submission=case, reviewer=expert)
    world.update(
        {
            "campaign_id": campaign.pk,
            "submission_id": case.pk,
            "version_id": case.versions.first().pk,
            "file_id": photo.pk,
            "review_id": review.pk,
        }
    )


def snapshot() -> tuple[Any, ...]:
    return (
        Campaign.objects.filter(phase="reviewing").count(),
        sorted(Submission.objects.values_list("state", "title", "tier")),
        SubmissionVersion.objects.count(),
        Review.objects.filter(scored_at__isnull=False).count(),
    )


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    case = world["submission_id"]
    return [
        Post(reverse("campaigns:case", args=[case]), {"step": "withdraw"}),
        Post(
            reverse("campaigns:case_edit", args=[case]),
            {"title": "篡改", "category": "党建+业务"},
        ),
        Post(
            reverse("campaigns:case_create", args=[world["campaign_id"]]),
            {"org": tree.branch_b1.pk, "title": "越权", "category": "党建+业务"},
        ),
    ]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    """A campaign per round with the branch's case under review by the page's reviewer (the
    test's user q-reviewer)."""
    tag = rows["tag"]
    campaign = campaign_open(
        actor=None, org=tree.root, title=f"征集{tag}", deadline=timezone.now() + timedelta(1)
    )
    case = submission_create(
        actor=None,
        campaign=campaign,
        org=rows["branch"],
        category=campaign.categories[0],
        title=f"案例{tag}",
        sections=dict.fromkeys(campaign.sections, "<p>内容</p>"),
    )
    submission_submit(actor=None, submission=case)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(1))
    campaign_start_review(actor=None, campaign=Campaign.objects.get(pk=campaign.pk))
    review_assign(actor=None, submission=case, reviewer=User.objects.get(username="q-reviewer"))
