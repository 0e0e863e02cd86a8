"""Shared set-up of the campaign tests: a campaign of the work committee, cases of side A and
side B, reviewers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from mofan.campaigns import services
from mofan.campaigns.models import Campaign, Submission
from tests.conftest import Tree, make_role, make_user

SECTIONS_OK = {
    "背景与起因": "<p>机关作风建设需要抓手。</p>",
    "做法与经过": "<p>建立<strong>清单</strong>制度，每月通报。</p>",
    "成效与反响": "<p>群众满意度明显提升。</p>",
}


def open_campaign(tree: Tree, **kwargs: Any) -> Campaign:
    defaults: dict[str, Any] = {
        "actor": None,
        "org": tree.root,
        "title": "2021年度机关党建优秀案例征集",
        "deadline": timezone.now() + timedelta(days=10),
    }
    return services.campaign_open(**{**defaults, **kwargs})


def submitter(name: str, roles: dict[str, Any], org: Any) -> Any:
    return make_user(name, grants=[(roles["committee_admin"], org, True)])


def case(
    campaign: Campaign,
    org: Any,
    actor: Any = None,
    title: str = "清单管理推动作风转变",
    submit: bool = True,
    sections: dict[str, str] | None = None,
) -> Submission:
    row = services.submission_create(
        actor=actor,
        campaign=campaign,
        org=org,
        category=campaign.categories[1],
        title=title,
        sections=sections or SECTIONS_OK,
    )
    if submit:
        row = services.submission_submit(actor=actor, submission=row)
    return row


def close_collection(campaign: Campaign) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    campaign.refresh_from_db()
    return campaign


def reviewer(name: str, roles: dict[str, Any], tree: Tree, member_of: Any = None) -> Any:
    user = make_user(name, grants=[(roles["reviewer"], tree.root, True)])
    user.full_name = f"专家{name}"
    user.save(update_fields=["full_name"])
    if member_of is not None:
        from mofan.members.services import member_create

        member = member_create(actor=None, full_name=user.full_name, org=member_of, status="full")
        member.user = user
        member.save(update_fields=["user"])
    return user


def score_all(review: Any, value: int | str, actor: Any = None) -> Any:
    categories = review.submission.campaign.score_categories.all()
    return services.review_score(
        actor=actor or review.reviewer,
        review=review,
        scores={c.pk: (Decimal(str(value)), "") for c in categories},
    )


def manager(roles: dict[str, Any], tree: Tree) -> Any:
    from mofan.accounts.models import User

    existing = User.objects.filter(username="gongwei").first()
    if existing is not None:
        return existing
    return make_user("gongwei", grants=[(roles["work_committee_admin"], tree.root, True)])


__all__ = ["make_role"]
