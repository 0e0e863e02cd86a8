"""The demo's theory study: the four kinds at 市委办公室, a year of sessions, loaded once."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mofan.accounts.demo import DEMO_PASSWORD
from mofan.members.models import Member
from mofan.members.rules import whole_years
from mofan.study.models import Speech, StudyGroup, StudyKind, StudyPlan, StudySession
from mofan.study.rules import YOUTH_GROUP_MAX_AGE
from mofan.study.selectors import study_hours

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        StudyGroup.objects.count(),
        StudySession.objects.count(),
        Speech.objects.count(),
        StudyPlan.objects.count(),
    )


def test_demo_study(roles: dict) -> None:
    call_command("demo", stdout=io.StringIO())
    counts = _counts()
    call_command("demo", stdout=io.StringIO())
    assert _counts() == counts
    kinds = set(StudyGroup.objects.values_list("kind", flat=True))
    assert kinds == set(StudyKind.values)
    assert StudySession.objects.count() >= 50 and Speech.objects.exists()
    today = timezone.localdate()
    assert StudyPlan.objects.filter(year=today.year).count() == 2
    youth = StudyGroup.objects.get(kind=StudyKind.YOUTH_GROUP)
    ages = [
        whole_years(m.member.birth_date, today) for m in youth.memberships.select_related("member")
    ]
    assert ages and all(a is not None and a <= YOUTH_GROUP_MAX_AGE for a in ages)

    member = Member.objects.get(user__username="dangyuan")
    hours = study_hours(year=today.year, members=[member.pk]).get(member.pk, {})
    last_year = study_hours(year=today.year - 1, members=[member.pk]).get(member.pk, {})
    assert hours.get(StudyKind.BIWEEKLY) or last_year.get(StudyKind.BIWEEKLY)

    client = Client()
    client.post("/accounts/login/", {"username": "swb_admin", "password": DEMO_PASSWORD})
    page = client.get("/study/").content.decode()
    assert page.count('data-testid="group-row"') == 4
    client = Client()
    client.post("/accounts/login/", {"username": "dangyuan", "password": DEMO_PASSWORD})
    page = client.get("/study/mine/").content.decode()
    assert 'data-testid="record-session"' in page
