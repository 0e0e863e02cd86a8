"""The demo scenario loads through the services, twice without change, and every role's login
sees its own home and nothing outside its scope."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from mofan.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from mofan.accounts.models import User
from mofan.core.audit import audit_verify
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
    check_logins_of_members_are_linked()
    check_genders_match_names()
    check_lawedu_volunteer_team()
    check_other_organs_hold_meetings()


# Logins whose role is not that of a party member of the deployment.
NOT_MEMBERS = {"partner_contact", "reviewer", "system_admin", "security_admin", "audit_admin"}


def check_logins_of_members_are_linked() -> None:
    """Every demo login of a party member has a member record in the organisation of its grant
    or below; the secretary of 第四支部 checks in to its meeting from the phone."""
    from datetime import timedelta

    from django.utils import timezone

    from mofan.accounts.models import Grant
    from mofan.orglife.models import AttendanceStatus, MeetingKind
    from mofan.orglife.services import attendance_self_check_in, meeting_schedule

    checked = set()
    for username, _name, role, _org, subtree in DEMO_LOGINS:
        if str(role) in NOT_MEMBERS:
            continue
        member = Member.objects.select_related("org").get(user__username=username)
        grant = Grant.objects.select_related("org").get(user__username=username)
        if subtree:
            assert member.org.path.startswith(grant.org.path), username
        else:
            assert member.org == grant.org, username
        checked.add(username)
    assert checked == {"gongwei", "swb_admin", "zhibu4", "weiyuan4", "dangyuan", "sfj_admin"}

    fourth = Organisation.objects.get(name="市委办公室机关第四支部")
    now = timezone.now()
    meeting = meeting_schedule(
        actor=None,
        org=fourth,
        kind=MeetingKind.THEMED_PARTY_DAY,
        topic="本月主题党日",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
        place="机关党员活动室",
    )
    secretary = User.objects.get(username="zhibu4")
    attendance, counted = attendance_self_check_in(user=secretary, meeting=meeting)
    assert counted and attendance.status == AttendanceStatus.PRESENT
    assert attendance.member.user == secretary


def check_genders_match_names() -> None:
    """Each demo person's given name is one of their gender's (陈淑珍 is a woman)."""
    from mofan.members.demo import GIVEN_NAMES_FEMALE, GIVEN_NAMES_MALE

    given = {"female": GIVEN_NAMES_FEMALE, "male": GIVEN_NAMES_MALE}
    # No name of one list ends a name of the other, so reading a name back is unambiguous.
    assert not [(f, m) for f in GIVEN_NAMES_FEMALE for m in GIVEN_NAMES_MALE if f.endswith(m)]
    assert not [(f, m) for f in GIVEN_NAMES_FEMALE for m in GIVEN_NAMES_MALE if m.endswith(f)]
    people = list(Member.objects.values_list("full_name", "gender"))
    assert len(people) > 100
    wrong = [
        (name, gender)
        for name, gender in people
        if not any(name.endswith(g) for g in given[gender])
    ]
    assert wrong == []
    assert {gender for _name, gender in people} == {"female", "male"}


def check_lawedu_volunteer_team() -> None:
    """The 模法师 team is a volunteer team of the 司法局 with its members, on the teams page."""
    from mofan.volunteer.models import VolunteerTeam

    sfj = Organisation.objects.get(name="市司法局直属机关党委")
    team = VolunteerTeam.objects.get(name="“模法师”志愿服务队")
    assert team.org == sfj
    names = set(team.members.values_list("full_name", flat=True))
    teaching = set(
        Member.objects.filter(
            project_roles__project__name="模法师", org__path__startswith=sfj.path
        ).values_list("full_name", flat=True)
    )
    assert len(teaching) == 2 and teaching < names and len(names) >= 6
    client = Client()
    client.force_login(User.objects.get(username="sfj_admin"))
    page = client.get("/volunteer/teams/").content.decode()
    assert "“模法师”志愿服务队" in page and f"{len(names)} 名队员" in page


def check_other_organs_hold_meetings() -> None:
    """The branches of 教育局, 司法局 and the lawyers held the past twelve months' meetings, with
    the leading cadres' attendance: this year nothing of theirs is overdue."""
    from datetime import timedelta

    from django.utils import timezone

    from mofan.orglife.models import Attendance, Meeting
    from mofan.orglife.selectors import compliance

    today = timezone.localdate()
    admin = User.objects.get(username="gongwei")
    rows = compliance(actor=admin, under=None, year=today.year, today=today)
    organs = ("市教育局", "市司法局", "戒毒所", "甘肃雷诺", "市直机关工委机关支部")
    others = [r for r in rows if r.org.name.startswith(organs)]
    assert len(others) == 11
    if today.month > 1:
        assert {r.org.name: r.count("overdue", today) for r in others} == {
            r.org.name: 0 for r in others
        }
        assert all(r.count("met", today) >= today.month - 1 for r in others)
    year_ago = timezone.now() - timedelta(days=366)
    for row in others:
        held = Meeting.objects.filter(org_id=row.org.pk, starts_at__gte=year_ago)
        assert held.count() >= 16, row.org.name
        assert Attendance.objects.filter(
            meeting__in=held, status="present", member__is_leading_cadre=True
        ).exists(), row.org.name


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
