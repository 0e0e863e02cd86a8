"""Reads of case campaigns. Reviewers' reads go through `blind_*`: they never carry the
organisation, the author or an uploader's name."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from mofan.accounts.models import User
from mofan.campaigns import permissions as perms
from mofan.campaigns.models import (
    Campaign,
    Review,
    Score,
    ScoreCategory,
    Submission,
    SubmissionFile,
    SubmissionState,
    SubmissionVersion,
)
from mofan.campaigns.ranking import Ranked, TierSlot, assign_tiers, q2, rank, summarise
from mofan.core import access
from mofan.members.selectors import member_org_paths
from mofan.orgs.models import Organisation

MASK = "■■"


def campaign_list_managed(*, actor: Any) -> QuerySet[Campaign]:
    return (
        access.scope(Campaign.objects.select_related("org"), actor, perms.MANAGE)
        .annotate(
            n_submitted=Count("submissions", filter=Q(submissions__state=SubmissionState.SUBMITTED))
        )
        .order_by("-deadline", "-id")
    )


def campaign_get_managed(*, actor: Any, pk: int) -> Campaign:
    return access.get_for_actor(Campaign.objects.select_related("org"), actor, perms.MANAGE, pk=pk)


def _called_q(actor: Any) -> Q:
    """Campaigns calling an organisation where the actor may submit: opened by an ancestor of
    it (or, for a subtree grant, by anything inside the grant's subtree, above a submitter)."""
    found = access.path_scope(actor, perms.SUBMIT)
    tops = [lo for lo, _hi in found.ranges] + [path for _pk, path in found.orgs]
    steplen = Organisation.steplen
    ancestors = {path[:i] for path in tops for i in range(steplen, len(path), steplen)}
    condition = Q(org__path__in=sorted(ancestors)) if ancestors else Q(pk__in=[])
    for lo, hi in found.ranges:
        condition |= Q(org__path__gte=lo, org__path__lte=hi)
    return condition


def campaign_list_called(*, actor: Any) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(_called_q(actor)).select_related("org").order_by("-deadline", "-id")
    )


def campaign_get_called(*, actor: Any, pk: int) -> Campaign:
    campaign = campaign_list_called(actor=actor).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def submitting_orgs(*, actor: Any, campaign: Campaign) -> list[Organisation]:
    """The organisations in the campaign's scope for which the actor may submit."""
    rows = access.scope(
        Organisation.objects.filter(
            path__startswith=campaign.org.path, archived_at__isnull=True
        ).exclude(pk=campaign.org_id),
        actor,
        perms.SUBMIT,
    )
    return list(rows.order_by("path"))


def submission_list_own(*, actor: Any, campaign: Campaign) -> QuerySet[Submission]:
    return access.scope(
        Submission.objects.filter(campaign=campaign).select_related("org", "author"),
        actor,
        perms.SUBMIT,
    ).order_by("org__path", "-id")


def submission_get_own(*, actor: Any, pk: int) -> Submission:
    return access.get_for_actor(
        Submission.objects.select_related("campaign__org", "org", "author"),
        actor,
        perms.SUBMIT,
        pk=pk,
    )


def version_list(*, submission: Submission) -> QuerySet[SubmissionVersion]:
    return submission.versions.select_related("created_by").order_by("-number")


def version_get_own(*, actor: Any, pk: int) -> SubmissionVersion:
    return access.get_for_actor(
        SubmissionVersion.objects.select_related("submission__org", "created_by"),
        actor,
        perms.SUBMIT,
        pk=pk,
    )


def file_of_case(*, submission: Submission, pk: int) -> SubmissionFile:
    """A file of a case already read in scope (404 when it is not one of the case's)."""
    row = SubmissionFile.objects.filter(submission=submission, pk=pk).first()
    if row is None:
        raise Http404
    return row


def file_get_own(*, actor: Any, pk: int) -> SubmissionFile:
    return access.get_for_actor(
        SubmissionFile.objects.filter(removed_at__isnull=True), actor, perms.SUBMIT, pk=pk
    )


def _managed_campaigns(actor: Any) -> QuerySet[Campaign]:
    return access.scope(Campaign.objects.all(), actor, perms.MANAGE)


def submission_get_managed(*, actor: Any, pk: int) -> Submission:
    submission = (
        Submission.objects.filter(campaign__in=_managed_campaigns(actor), pk=pk)
        .exclude(state=SubmissionState.DRAFT)
        .select_related("campaign__org", "org", "author", "article")
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def file_get_managed(*, actor: Any, pk: int) -> SubmissionFile:
    row = (
        SubmissionFile.objects.filter(
            submission__campaign__in=_managed_campaigns(actor), pk=pk, removed_at__isnull=True
        )
        .exclude(submission__state=SubmissionState.DRAFT)
        .first()
    )
    if row is None:
        raise Http404
    return row


def submissions_of_campaign(*, campaign: Campaign) -> QuerySet[Submission]:
    """Submitted cases, for the committee (names shown)."""
    return (
        campaign.submissions.filter(state=SubmissionState.SUBMITTED)
        .select_related("org", "author")
        .annotate(n_files=Count("files", filter=Q(files__removed_at__isnull=True), distinct=True))
        .order_by("code", "org__path")
    )


def cases_to_publish(*, campaign: Campaign) -> list[Submission]:
    """Cases the committee selected for publication that are in no article yet, best first."""
    return list(
        campaign.submissions.filter(
            state=SubmissionState.SUBMITTED, for_publication=True, article__isnull=True
        )
        .select_related("org")
        .order_by("code")
    )


# Reviewers ------------------------------------------------------------------------------------


def eligible_reviewers(*, campaign: Campaign) -> list[Any]:
    """Active users who hold the reviewer's code on the campaign's committee."""
    ids = access.holders(campaign.org, perms.REVIEW)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "pk"))


def users_by_pk(pks: set[int]) -> dict[int, Any]:
    """The logins named by a form (whether each may review is the service's question)."""
    return {u.pk: u for u in User.objects.filter(pk__in=sorted(pks))}


def reviewer_own_paths(users: list[Any]) -> dict[int, list[str]]:
    """own_org_paths for several users in two queries."""
    paths: dict[int, set[str]] = {u.pk: set() for u in users}
    for user_id, path in member_org_paths(paths).items():
        paths[user_id].add(path)
    for user_id, path in access.grant_paths(perms.SUBMIT, user_ids=paths):
        paths[user_id].add(path)
    return {k: sorted(v) for k, v in paths.items()}


def assignments(*, campaign: Campaign) -> dict[tuple[int, int], Review]:
    """The campaign's review assignments by (case, reviewer): one query."""
    return {
        (r.submission_id, r.reviewer_id): r
        for r in Review.objects.filter(submission__campaign=campaign)
    }


def review_list_mine(*, actor: Any) -> QuerySet[Review]:
    return (
        Review.objects.filter(reviewer_id=actor.pk)
        .exclude(submission__code="")
        .select_related("submission__campaign")
        .order_by("submission__campaign__deadline", "submission__code")
    )


def review_get_mine(*, actor: Any, pk: int) -> Review:
    """The actor's own assignment, while they still review for the committee (404 otherwise)."""
    review = (
        Review.objects.filter(
            access.scope_q(actor, perms.REVIEW, "submission__campaign__org"),
            reviewer_id=actor.pk,
            pk=pk,
        )
        .select_related("submission__campaign__org", "submission__org")
        .first()
    )
    if review is None:
        raise Http404
    return review


def names_to_hide(submission: Submission, *, usernames: bool = True) -> list[str]:
    """The submitter's organisation (and those between it and the committee), its organ, the
    author and the uploaders: the words a reviewer must not read. Without `usernames` only
    the people's full names (a login name such as "li" would be found in too many texts)."""
    campaign_path = submission.campaign.org.path
    org = submission.org
    steplen = Organisation.steplen
    between = [
        org.path[:i] for i in range(len(campaign_path) + steplen, len(org.path) + 1, steplen)
    ]
    names = set(
        Organisation.objects.filter(Q(path__in=between) | Q(path__startswith=org.path)).values_list(
            "name", flat=True
        )
    )
    organ_names = Organisation.objects.filter(path__in=between, organ__isnull=False).values_list(
        "organ__name", flat=True
    )
    names |= set(organ_names)
    people = {submission.author_id} | set(submission.files.values_list("uploaded_by_id", flat=True))
    known = [pk for pk in people if pk is not None]
    for full_name, username in User.objects.filter(pk__in=known).values_list(
        "full_name", "username"
    ):
        names |= {full_name, username} if usernames else {full_name}
    return sorted((n for n in names if n and len(n) >= 2), key=len, reverse=True)


def mask(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace(name, MASK)
    return text


@dataclass(frozen=True)
class BlindFile:
    pk: int
    kind: str
    label: str  # A-07 照片1.jpg
    is_photo: bool


@dataclass(frozen=True)
class BlindCase:
    code: str
    category: str
    title: str
    sections: list[dict[str, str]]
    files: list[BlindFile]


def blind_file_label(code: str, kind: str, number: int, extension: str) -> str:
    word = _("photo") if kind == SubmissionFile.Kind.PHOTO else _("attachment")
    return f"{code} {word}{number}{extension}"


def blind_files(submission: Submission) -> list[tuple[SubmissionFile, str]]:
    rows = list(submission.files.filter(removed_at__isnull=True).order_by("kind", "id"))
    counters: dict[str, int] = {}
    labelled = []
    for row in rows:
        counters[row.kind] = counters.get(row.kind, 0) + 1
        labelled.append(
            (row, blind_file_label(submission.code, row.kind, counters[row.kind], row.extension))
        )
    return labelled


def blind_case(*, submission: Submission) -> BlindCase:
    """The case as a reviewer sees it: the code instead of the organisation, names masked."""
    hide = names_to_hide(submission)
    return BlindCase(
        code=submission.code,
        category=submission.category,
        title=mask(submission.title, hide),
        sections=[
            {"heading": s["heading"], "html": mask(s["html"], hide)} for s in submission.sections
        ],
        files=[
            BlindFile(row.pk, row.kind, label, row.kind == SubmissionFile.Kind.PHOTO)
            for row, label in blind_files(submission)
        ],
    )


def blind_file_get(*, review: Review, pk: int) -> tuple[SubmissionFile, str]:
    for row, label in blind_files(review.submission):
        if row.pk == pk:
            return row, label
    raise Http404


# Ranking -------------------------------------------------------------------------------------


@dataclass
class RankingRow:
    submission: Submission
    ranked: Ranked
    reviews: int
    scored: int
    category_means: list[Decimal | None]


@dataclass
class Ranking:
    rows: list[RankingRow]
    categories: list[ScoreCategory]
    slots: list[TierSlot]
    explanations: list[str]


def ranking(*, campaign: Campaign) -> Ranking:
    """Every submitted case with its weighted mean, spread, shared rank and proposed award.
    Four queries, whatever the number of cases and reviews; reviews and scores are read as
    plain tuples (no model instances), the arithmetic is exact (Decimal)."""
    categories = list(campaign.score_categories.all())
    cases = list(
        campaign.submissions.filter(state=SubmissionState.SUBMITTED).select_related("org", "author")
    )
    by_pk = {c.pk: c for c in cases}
    assigned: dict[int, int] = {}
    totals: dict[int, list[Decimal]] = {}
    for submission_id, total, scored_at in (
        Review.objects.filter(submission__in=by_pk.keys())
        .order_by("pk")
        .values_list("submission_id", "total", "scored_at")
    ):
        assigned[submission_id] = assigned.get(submission_id, 0) + 1
        if scored_at is not None and total is not None:
            totals.setdefault(submission_id, []).append(total)
    sums: dict[tuple[int, int], list[Decimal]] = {}
    for submission_id, category_id, value in Score.objects.filter(
        review__submission__in=by_pk.keys(),
        review__scored_at__isnull=False,
        review__total__isnull=False,
    ).values_list("review__submission_id", "category_id", "value"):
        sums.setdefault((submission_id, category_id), []).append(value)
    rows: list[Ranked] = []
    extra: dict[int, tuple[int, int, list[Decimal | None]]] = {}
    for case in cases:
        done = totals.get(case.pk, [])
        rows.append(summarise(case.pk, done))
        means: list[Decimal | None] = []
        for category in categories:
            values = sums.get((case.pk, category.pk), [])
            means.append(q2(sum(values, Decimal(0)) / len(values)) if values else None)
        extra[case.pk] = (assigned.get(case.pk, 0), len(done), means)
    ordered = rank(rows)
    slots, explanations = assign_tiers(ordered, campaign.tiers)
    return Ranking(
        rows=[
            RankingRow(by_pk[r.key], r, extra[r.key][0], extra[r.key][1], extra[r.key][2])
            for r in ordered
        ],
        categories=categories,
        slots=slots,
        explanations=explanations,
    )
