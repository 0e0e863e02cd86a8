"""The demo scenario loads through the services, twice without change, and every role's login
sees its own home and nothing outside its scope."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from mofan.accounts.models import User
from mofan.core.audit import audit_verify
from mofan.core.management.commands.demo import DEMO_LOGINS, DEMO_PASSWORD
from mofan.core.models import Message
from mofan.members.models import Member
from mofan.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_scoped(roles: dict) -> None:
    call_command("demo", stdout=io.StringIO())
    counts = (Organisation.objects.count(), Member.objects.count(), User.objects.count())
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "演示数据已存在" in out.getvalue()
    assert (Organisation.objects.count(), Member.objects.count(), User.objects.count()) == counts
    assert counts[0] >= 25 and 120 <= counts[1] <= 250
    assert audit_verify().ok
    assert Message.objects.filter(user__username="gongwei").exists()  # term reminders sent

    trees = {}
    for username, *_rest in DEMO_LOGINS:
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        home = client.get("/")
        assert home.status_code == 200, username
        trees[username] = client.get("/orgs/")
    assert trees["gongwei"].content.decode().count('data-testid="org-node"') == counts[0]
    member_tree = trees["dangyuan"].content.decode()
    assert member_tree.count('data-testid="org-node"') == 1
    assert "市委办公室机关第四支部" in member_tree
    swb = trees["swb_admin"].content.decode()
    assert "市委办公室机关党委" in swb and "市司法局直属机关党委" not in swb
    for admin in ("sysadmin", "secadmin", "auditadmin", "shequ", "zhuanjia"):
        assert trees[admin].status_code == 403, admin


def check_organisational_life_counts() -> None:
    from django.utils import timezone

    from mofan.orglife.selectors import compliance

    admin = User.objects.get(username="gongwei")
    today = timezone.localdate()
    rows = compliance(actor=admin, under=None, year=today.year, today=today)
    met = sum(r.count("met", today) for r in rows)
    overdue = sum(r.count("overdue", today) for r in rows)
    if today.month > 1:  # the demo holds this year's meetings up to last month
        assert met > 20
        assert overdue > 0  # the gaps of 第三支部 and 第七支部 show


def check_two_years_with_oversight_appraisal_and_talks() -> None:
    from django.utils import timezone

    from mofan.orglife.models import Appraisal, HeartTalk, Meeting, Resolution
    from mofan.orglife.selectors import compliance

    today = timezone.localdate()
    admin = User.objects.get(username="gongwei")
    last = compliance(actor=admin, under=None, year=today.year - 1, today=today)
    met = sum(r.count("met", today) for r in last)
    overdue = sum(r.count("overdue", today) for r in last)
    assert met > 100 and overdue > 0  # a full year, mostly met, 第五支部's missed assembly
    fourth = Organisation.objects.get(name="市委办公室机关第四支部")
    states = set(Meeting.objects.filter(org=fourth).values_list("review_state", flat=True))
    assert {"approved", "returned", "submitted"} <= states
    assert Resolution.objects.filter(meeting__org=fourth, passed=True).exists()
    assert Appraisal.objects.filter(year=today.year - 1, state="closed").count() >= 6
    assert Appraisal.objects.filter(org=fourth, year=today.year, state="open").exists()
    assert HeartTalk.objects.filter(org=fourth, talked_on__year=today.year).count() >= 3
    # The returned record tells the secretary why.
    assert Message.objects.filter(user__username="zhibu4", title__startswith="已退回").exists()


def check_seed_figures_for_the_general_office() -> None:
    """The seed's figures for 市委办公室 come from records: more than 50 wishes claimed and
    fulfilled, more than 30 activities with more than 400 person-times."""
    from mofan.volunteer.selectors import period_bounds, statistics

    admin = User.objects.get(username="swb_admin")
    swb = Organisation.objects.get(name="市委办公室机关党委")
    start, end, _label = period_bounds("last12")
    figures = statistics(actor=admin, under=swb, start=start, end=end)
    assert figures.wishes_claimed > 50 and figures.wishes_fulfilled > 50
    assert figures.activities > 30 and figures.person_times > 400
    assert figures.hours > 0
    # Another committee's administrator counts none of 市委办公室's wishes.
    other = User.objects.get(username="sfj_admin")
    assert statistics(actor=other, under=None, start=start, end=end).wishes_claimed == 0


def test_demo_figures_are_counted_from_records(roles: dict) -> None:
    """One load of the demo, then what each area shows from it."""
    call_command("demo", stdout=io.StringIO())
    check_organisational_life_counts()
    check_two_years_with_oversight_appraisal_and_talks()
    check_seed_figures_for_the_general_office()
    from mofan.cobuild.models import Agreement

    assert Agreement.objects.filter(title__startswith="城市区域青少年法治宣传五方协议").count() == 2
    assert all(a.parties.count() == 5 for a in Agreement.objects.all())
    from mofan.volunteer.models import CommunityRegistration

    assert CommunityRegistration.objects.filter(state="confirmed").count() == 8
    check_orders()
    from tests.lawedu.demo_checks import check_lawedu_demo

    check_lawedu_demo()


def check_orders() -> None:
    """模法师: five topics, a team from four organisations, orders in every state, a mock trial
    that took place; each partner's contact sees only its own orders."""
    from mofan.cobuild.models import Order, OrderFormat, OrderState, ServiceProject
    from mofan.cobuild.selectors import order_board

    project = ServiceProject.objects.get(name="模法师")
    assert project.topics.count() == 5 and project.team_orgs.count() == 4
    assert set(Order.objects.values_list("state", flat=True)) == set(OrderState.values)
    assert Order.objects.filter(
        format=OrderFormat.MOCK_TRIAL, state__in=[OrderState.DELIVERED, OrderState.CONFIRMED]
    ).exists()
    school = order_board(actor=User.objects.get(username="xuexiao"))
    assert school.exists() and {o.partner.name for o in school} == {"兰州市第三十二中学"}
    community = order_board(actor=User.objects.get(username="shequ"))
    assert {o.partner.name for o in community} == {"临夏路街道桥门社区"}
    assert not order_board(actor=User.objects.get(username="swb_admin")).exists()
