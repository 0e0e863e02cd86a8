"""Races of case campaigns, settled in the database: the campaign row is locked while a case is
counted against the quota, and the reminder mark is set by a conditional update."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mofan.campaigns import services
from mofan.campaigns.models import Submission, SubmissionState
from mofan.campaigns.tasks import remind_deadlines
from mofan.core.audit import audit_verify
from mofan.core.models import Message
from tests.campaigns.helpers import SECTIONS_OK, case, open_campaign, submitter
from tests.conftest import Tree, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_four_cases_at_once_against_a_quota_of_one(tree: Tree, roles: Any) -> None:
    campaign = open_campaign(tree, quota=1)
    wins, refusals = race(
        4,
        lambda: services.submission_create(
            actor=None,
            campaign=campaign,
            org=tree.committee_a,
            category="党建+业务",
            title="同时报送",
            sections=SECTIONS_OK,
        ),
    )
    assert len(wins) == 1
    assert len(refusals) == 3 and all("限报件数" in r for r in refusals)
    assert Submission.objects.filter(org=tree.committee_a).count() == 1
    assert audit_verify().ok


def test_two_withdrawn_cases_resubmitted_at_once(tree: Tree, roles: Any) -> None:
    campaign = open_campaign(tree, quota=2)
    user = submitter("a", roles, tree.committee_a)
    first = case(campaign, tree.committee_a, actor=user, title="一")
    second = case(campaign, tree.committee_a, actor=user, title="二")
    services.submission_withdraw(actor=user, submission=first)
    services.submission_withdraw(actor=user, submission=second)
    # Quota lowered meanwhile by the committee: only one may come back.
    type(campaign).objects.filter(pk=campaign.pk).update(quota=1)
    rows = iter([first, second])
    wins, refusals = race(2, lambda: services.submission_submit(actor=user, submission=next(rows)))
    assert len(wins) == 1 and len(refusals) == 1
    assert Submission.objects.filter(state=SubmissionState.SUBMITTED).count() == 1


def test_two_reminder_runs_at_once_send_one_reminder(tree: Tree, roles: Any) -> None:
    open_campaign(tree, deadline=timezone.now() + timedelta(days=1))
    user = submitter("a", roles, tree.committee_a)
    wins, _refusals = race(3, remind_deadlines)
    assert sorted(wins) == [0, 0, 1]
    assert Message.objects.filter(user=user).count() == 1
