"""The workflows of case campaigns: a campaign's phases (collecting → reviewing → the
committee's decision → decided, with the review reopened from the decision), and an
organisation's case (draft → submitted ⇄ withdrawn)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mofan.campaigns import policies
from mofan.campaigns.models import Campaign, CampaignPhase, Submission, SubmissionState
from mofan.core.workflow import Workflow, step

P = CampaignPhase
S = SubmissionState

CAMPAIGN: Workflow[Campaign] = Workflow(
    name="campaigns.campaign",
    model=Campaign,
    field="phase",
    steps=(
        step("open", (), P.OPEN, "committee"),
        step(
            "start_review",
            {P.OPEN},
            P.REVIEWING,
            "committee",
            label=_("Start the review"),
            message=_("The review has started."),
        ),
        step(
            "close_review",
            {P.REVIEWING},
            P.DECIDING,
            "committee",
            label=_("Close the review"),
            message=_("The review is closed; the committee decides on the ranking."),
        ),
        step(
            "reopen_review",
            {P.DECIDING},
            P.REVIEWING,
            "committee",
            label=_("Reopen the review"),
            message=_("The review is open again."),
            stale=_("Only a closed review can be reopened before the decision."),
        ),
        step(
            "decide",
            {P.DECIDING},
            P.DECIDED,
            "committee",
            message=_("The committee's decision is recorded."),
            stale=_("Close the review before recording the decision."),
        ),
    ),
    actors={"committee": policies.may_manage},
    org=lambda campaign: campaign.org,
    related=("org",),
    stale=_("The campaign is {state}; this step is not possible now."),
    # The services refused who asks before the phase: a refusal keeps that order.
    actor_first=True,
)

CASE: Workflow[Submission] = Workflow(
    name="campaigns.submission",
    model=Submission,
    steps=(
        step("create", (), S.DRAFT, "submitter"),
        step(
            "submit",
            {S.DRAFT, S.WITHDRAWN},
            S.SUBMITTED,
            "submitter",
            label=_("Submit"),
            message=_("The case is submitted."),
            stale=_("The case has already been submitted."),
        ),
        step(
            "withdraw",
            {S.SUBMITTED},
            S.WITHDRAWN,
            "submitter",
            label=_("Withdraw"),
            message=_("The case is withdrawn; you may change it and submit it again."),
            stale=_("Only a submitted case can be withdrawn."),
        ),
    ),
    actors={"submitter": policies.may_submit_for},
    org=lambda submission: submission.org,
    related=("org",),
    actor_first=True,
)

WORKFLOWS = (CAMPAIGN, CASE)
