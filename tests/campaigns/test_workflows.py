"""The workflows of case campaigns as declared (`campaigns/workflows.py`): every transition of a
campaign's phases and of a case's states taken once through its service by the one who takes it,
and every step refused from a state it does not start from, with nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from mofan.campaigns import services
from mofan.campaigns.models import Campaign, CampaignPhase, Submission, SubmissionState
from mofan.campaigns.workflows import CAMPAIGN, CASE
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from tests.campaigns.helpers import (
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

P = CampaignPhase
S = SubmissionState
ORDER = [P.OPEN, P.REVIEWING, P.DECIDING, P.DECIDED]


def _campaign_in(phase: str, tree: Tree, roles: Any) -> Campaign:
    """A campaign brought to `phase` by the system, each step with what it needs: a submitted
    case after the deadline, a scored review."""
    campaign = open_campaign(tree)
    row = case(campaign, tree.committee_a)
    campaign = close_collection(campaign)
    for step in ORDER[1 : ORDER.index(phase) + 1]:
        if step == P.REVIEWING:
            campaign = services.campaign_start_review(actor=None, campaign=campaign)
            expert = reviewer("wf-expert", roles, tree)
            review = services.review_assign(
                actor=None, submission=Submission.objects.get(pk=row.pk), reviewer=expert
            )
            score_all(review, 80)
        elif step == P.DECIDING:
            campaign = services.campaign_close_review(actor=None, campaign=campaign)
        elif step == P.DECIDED:
            campaign = services.campaign_decide(
                actor=None, campaign=campaign, tiers={}, publish=set()
            )
    return Campaign.objects.get(pk=campaign.pk)


def _take_campaign(name: str, actor: Any, campaign: Campaign) -> Campaign:
    if name == "decide":
        return services.campaign_decide(actor=actor, campaign=campaign, tiers={}, publish=set())
    service = {
        "start_review": services.campaign_start_review,
        "close_review": services.campaign_close_review,
        "reopen_review": services.campaign_reopen_review,
    }[name]
    return service(actor=actor, campaign=campaign)


def test_a_campaign_is_opened_by_its_first_step(tree: Tree, roles: Any) -> None:
    campaign = open_campaign(tree, actor=manager(roles, tree))
    assert campaign.phase == CAMPAIGN["open"].target
    assert AuditEvent.objects.filter(
        action="campaigns.campaign.open", target_id=str(campaign.pk)
    ).exists()


@pytest.mark.parametrize(("source", "name", "target"), CAMPAIGN.transitions())
def test_each_phase_transition_is_taken_by_the_committee(
    tree: Tree, roles: Any, source: str, name: str, target: str
) -> None:
    campaign = _campaign_in(source, tree, roles)
    _take_campaign(name, manager(roles, tree), campaign)
    campaign.refresh_from_db()
    assert campaign.phase == target
    assert AuditEvent.objects.filter(
        action=f"campaigns.campaign.{name}", target_id=str(campaign.pk)
    ).exists()


def _refusals(workflow: Any) -> list[tuple[str, str]]:
    return [
        (s.name, state)
        for s in workflow.steps
        if s.sources  # a first step starts from no state
        for state in sorted(workflow.states - s.sources)
    ]


@pytest.mark.parametrize(("name", "phase"), _refusals(CAMPAIGN))
def test_a_phase_step_from_another_phase_is_refused_and_changes_nothing(
    tree: Tree, roles: Any, name: str, phase: str
) -> None:
    campaign = _campaign_in(phase, tree, roles)
    committee = manager(roles, tree)
    events = AuditEvent.objects.count()
    refusal = CAMPAIGN[name].stale or CAMPAIGN.stale
    with pytest.raises(DomainError) as refused:
        _take_campaign(name, committee, campaign)
    assert refused.value.messages == [str(refusal).format(state=campaign.get_phase_display())]
    assert Campaign.objects.get(pk=campaign.pk).phase == phase
    assert AuditEvent.objects.count() == events


def _case_in(state: str, tree: Tree) -> Submission:
    campaign = open_campaign(tree)
    row = case(campaign, tree.committee_a, submit=state != S.DRAFT)
    if state == S.WITHDRAWN:
        row = services.submission_withdraw(actor=None, submission=row)
    return Submission.objects.select_related("org").get(pk=row.pk)


def _take_case(name: str, actor: Any, row: Submission) -> Submission:
    service = {"submit": services.submission_submit, "withdraw": services.submission_withdraw}
    return service[name](actor=actor, submission=row)


def test_a_case_is_started_as_a_draft(tree: Tree, roles: Any) -> None:
    author = submitter("wf-author", roles, tree.committee_a)
    row = case(open_campaign(tree), tree.committee_a, actor=author, submit=False)
    assert row.state == CASE["create"].target
    assert AuditEvent.objects.filter(
        action="campaigns.submission.create", target_id=str(row.pk)
    ).exists()


@pytest.mark.parametrize(("source", "name", "target"), CASE.transitions())
def test_each_case_transition_is_taken_by_its_submitter(
    tree: Tree, roles: Any, source: str, name: str, target: str
) -> None:
    row = _case_in(source, tree)
    _take_case(name, submitter("wf-author", roles, tree.committee_a), row)
    row.refresh_from_db()
    assert row.state == target
    assert AuditEvent.objects.filter(
        action=f"campaigns.submission.{name}", target_id=str(row.pk)
    ).exists()


@pytest.mark.parametrize(("name", "state"), _refusals(CASE))
def test_a_case_step_from_another_state_is_refused_and_changes_nothing(
    tree: Tree, roles: Any, name: str, state: str
) -> None:
    row = _case_in(state, tree)
    author = submitter("wf-author", roles, tree.committee_a)
    events, versions = AuditEvent.objects.count(), row.versions.count()
    refusal = CASE[name].stale or CASE.stale
    with pytest.raises(DomainError) as refused:
        _take_case(name, author, row)
    assert refused.value.messages == [str(refusal).format(state=row.get_state_display())]
    assert Submission.objects.get(pk=row.pk).state == state
    assert AuditEvent.objects.count() == events
    assert row.versions.count() == versions
