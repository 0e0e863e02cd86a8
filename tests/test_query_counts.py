"""List pages run a number of queries that does not grow with the rows they show."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.core.services import notice_send
from mofan.members.models import Member
from mofan.members.services import member_transfer
from mofan.orglife.services import (
    appraisal_open,
    heart_talk_record,
    meeting_schedule,
    meeting_submit,
)
from mofan.orgs.models import OrgKind
from mofan.orgs.services import org_create, partner_create, seat_assign, term_start
from mofan.study.services import study_group_create, study_plan_create, study_session_schedule
from tests.conftest import Tree, login, make_members, make_user
from tests.lawedu.factories import grow as lawedu_grow

pytestmark = pytest.mark.django_db

# (page, the role that uses it, most queries allowed)
PAGES = [
    ("core:home", "work_committee_admin", 18),
    ("core:notice_inbox", "work_committee_admin", 12),
    ("core:notice_sent", "work_committee_admin", 12),
    ("orgs:tree", "work_committee_admin", 12),
    ("orgs:terms", "work_committee_admin", 12),
    ("orgs:flags", "work_committee_admin", 12),
    ("orgs:partners", "work_committee_admin", 12),
    ("members:list", "work_committee_admin", 14),
    ("orglife:list", "work_committee_admin", 12),
    ("orglife:compliance", "work_committee_admin", 14),
    ("orglife:reviews", "work_committee_admin", 12),
    ("orglife:appraisals", "work_committee_admin", 12),
    ("orglife:talks", "work_committee_admin", 12),
    ("orglife:dual_life", "work_committee_admin", 12),
    ("volunteer:activities", "work_committee_admin", 12),
    ("volunteer:wishes", "work_committee_admin", 12),
    ("volunteer:statistics", "work_committee_admin", 12),
    ("volunteer:teams", "work_committee_admin", 12),
    ("cobuild:agreements", "work_committee_admin", 12),
    ("cobuild:agreement_create", "work_committee_admin", 12),
    ("cobuild:project_create", "work_committee_admin", 12),
    ("cobuild:orders", "work_committee_admin", 14),
    ("cobuild:projects", "work_committee_admin", 12),
    ("cobuild:demands", "work_committee_admin", 12),
    ("cobuild:order_statistics", "work_committee_admin", 20),
    ("volunteer:registrations", "work_committee_admin", 12),
    ("members:transfers", "work_committee_admin", 12),
    ("study:groups", "work_committee_admin", 12),
    ("study:plans", "work_committee_admin", 12),
    ("lawedu:materials", "work_committee_admin", 12),
    ("lawedu:appointments", "work_committee_admin", 12),
    ("portal:manage", "work_committee_admin", 12),
    ("portal:home", "work_committee_admin", 12),
    ("core:audit", "audit_admin", 12),
    ("accounts:users", "system_admin", 12),
    ("accounts:grants", "security_admin", 12),
    ("accounts:login_log", "security_admin", 12),
    ("accounts:sessions", "security_admin", 12),
    ("accounts:roles", "security_admin", 12),
    ("accounts:reset_requests", "security_admin", 12),
    ("accounts:grant_requests", "work_committee_admin", 12),
    ("campaigns:managed", "work_committee_admin", 12),
    ("campaigns:called", "committee_admin", 12),
    ("campaigns:reviews", "reviewer", 12),
]


def _grow_volunteering(tree: Tree, branch: Any, people: list[Any], tag: str) -> None:
    """An activity with a participant, a wish claimed, a team and an agreement per branch."""
    from mofan.cobuild.services import agreement_create
    from mofan.volunteer.models import ActivityKind
    from mofan.volunteer.services import (
        activity_create,
        participant_add,
        team_create,
        team_members_set,
        wish_post,
        wish_review,
    )

    start = timezone.now() + timedelta(days=5)
    activity = activity_create(
        actor=None,
        org=branch,
        kind=ActivityKind.objects.get_or_create(name="环境整治")[0],
        title=f"活动{tag}",
        place="社区",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=3,
    )
    participant_add(actor=None, activity=activity, member=people[0])
    community = partner_create(actor=None, org=branch, name=f"共建社区{tag}", kind="community")
    wish = wish_post(
        actor=None,
        community=community,
        beneficiary="王某",
        title=f"心愿{tag}",
        estimated_value="50",
        deadline=timezone.localdate() + timedelta(days=5),
    )
    wish_review(actor=None, wish=wish, approve=True)
    team = team_create(actor=None, org=branch, name=f"服务队{tag}")
    team_members_set(actor=None, team=team, add=people[:2], remove=[])
    agreement_create(
        actor=None,
        org=branch,
        title=f"协议{tag}",
        signed_on=timezone.localdate() - timedelta(days=3),
        ends_on=timezone.localdate() + timedelta(days=300),
        party_orgs=[branch],
        party_partners=[community],
    )


def _grow_orders(branch: Any, people: list[Any], tag: str) -> None:
    """A service project of the branch with a delivered, rated order and a demand."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mofan.cobuild import services as cb

    project = cb.project_create(actor=None, org=branch, name=f"项目{tag}", formats=["lecture"])
    lecturer = cb.project_member_add(actor=None, project=project, member=people[0])
    topic = cb.topic_add(actor=None, project=project, title="普法", lecturers=[lecturer])
    school = partner_create(actor=None, org=branch, name=f"学校{tag}", kind="school")
    now = timezone.now()
    order = cb.order_place(
        actor=None,
        topic=topic,
        partner=school,
        format="lecture",
        audience="初一",
        audience_size=40,
        venue="教室",
        at=now - timedelta(days=6),
    )
    cb.order_dispatch(actor=None, order=order, team=branch, at=now - timedelta(days=5))
    cb.order_accept(actor=None, order=order, at=now - timedelta(days=5))
    cb.order_schedule(
        actor=None, order=order, scheduled_at=now - timedelta(days=1), at=now - timedelta(days=4)
    )
    plan = SimpleUploadedFile("教案.pdf", b"%PDF-1.4\n")
    cb.order_prepare(actor=None, order=order, lesson_plan=plan, at=now - timedelta(days=3))
    cb.order_deliver(actor=None, order=order, taught_by=[lecturer], attendance=38)
    cb.order_confirm(actor=None, order=order, rating=4)
    cb.demand_post(actor=None, partner=school, title=f"需求{tag}")


def _grow_portal(tag: str) -> None:
    """A published article (in a column and a topic) and a draft."""
    from mofan.portal import services as portal

    column = portal.column_ensure(None, "要闻动态")
    topic = portal.topic_ensure(None, ["本网专题", "2022"])
    article = portal.article_create(
        None, title=f"文章{tag}", body="<p>正文</p>", column=column, topic=topic
    )
    portal.article_publish(None, portal.article_submit(None, article))
    portal.article_create(None, title=f"草稿{tag}", body="<p>正文</p>")


def _grow(tree: Tree, roles: dict[str, Role], author: object, n: int) -> None:
    for i in range(n):
        _grow_portal(f"{n}-{i}")
        branch = org_create(
            actor=None, name=f"新增支部{n}-{i}", kind=OrgKind.BRANCH, parent=tree.committee_a
        )
        people = make_members(branch, 3)
        held = meeting_schedule(
            actor=None,
            org=branch,
            kind="themed_party_day",
            topic="主题党日",
            starts_at=timezone.now() - timedelta(days=3),
            ends_at=timezone.now() - timedelta(days=3, hours=-2),
        )
        meeting_submit(actor=None, meeting=held)
        _grow_volunteering(tree, branch, people, f"{n}-{i}")
        _grow_orders(branch, people, f"{n}-{i}")
        appraisal_open(actor=None, org=branch, year=timezone.localdate().year)
        heart_talk_record(
            actor=None,
            org=branch,
            initiator=people[0],
            counterpart=people[1],
            talked_on=timezone.localdate(),
            summary="谈心",
        )
        Member.objects.filter(pk=people[0].pk).update(is_leading_cadre=True)
        member_transfer(
            actor=None,
            member=people[2],
            to_org=tree.branch_a1,
            transferred_on=date(2026, 1, 1),
            reason="调动",
        )
        seat_assign(
            actor=None,
            org=branch,
            position="secretary",
            holder=people[0],
            starts_on=date(2024, 1, 1),
        )
        term_start(actor=None, org=branch, starts_on=date(2023, 1, 1))
        partner_create(actor=None, org=branch, name=f"社区{n}-{i}", kind="community")
        notice_send(
            actor=author, sender_org=tree.root, org=tree.root, title=f"通知{n}-{i}", body="正文"
        )
        grown = make_user(f"user{n}-{i}", grants=[(roles["member"], branch, False)])
        _grow_requests(grown, roles, branch, author, decided=i % 2 == 1)
        group = study_group_create(
            actor=None, org=branch, kind="biweekly", name="双周学习", members=people[:2]
        )
        study_session_schedule(
            actor=None,
            group=group,
            topic="双周学习",
            starts_at=timezone.now() - timedelta(days=2),
            ends_at=timezone.now() - timedelta(days=2, hours=-2),
        )
        study_plan_create(
            actor=None, org=branch, year=timezone.localdate().year, title=f"学习计划{n}-{i}"
        )
        lawedu_grow(branch, f"{n}-{i}")
        grow_campaigns(tree, branch, f"{n}-{i}")


def _grow_requests(user: Any, roles: dict[str, Role], branch: Any, by: Any, decided: bool) -> None:
    """A grant request and a password reset request, pending or decided."""
    from mofan.accounts.models import GrantRequest, PasswordResetRequest

    status = "rejected" if decided else "pending"
    extra = {"decided_by": by, "decided_at": timezone.now()} if decided else {}
    GrantRequest.objects.create(
        user=user,
        role=roles["branch_committee"],
        org=branch,
        requested_by=by,
        status=status,
        **extra,
    )
    PasswordResetRequest.objects.create(
        user=user, password="!", requested_by=by, status=status, **extra
    )


def grow_campaigns(tree: Tree, branch: Any, tag: str) -> None:
    """A campaign per round with the branch's case under review by the page's reviewer."""
    from mofan.accounts.models import User
    from mofan.campaigns.models import Campaign
    from mofan.campaigns.services import (
        campaign_open,
        campaign_start_review,
        review_assign,
        submission_create,
        submission_submit,
    )

    campaign = campaign_open(
        actor=None, org=tree.root, title=f"征集{tag}", deadline=timezone.now() + timedelta(1)
    )
    case = submission_create(
        actor=None,
        campaign=campaign,
        org=branch,
        category=campaign.categories[0],
        title=f"案例{tag}",
        sections=dict.fromkeys(campaign.sections, "<p>内容</p>"),
    )
    submission_submit(actor=None, submission=case)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(1))
    campaign_start_review(actor=None, campaign=Campaign.objects.get(pk=campaign.pk))
    review_assign(actor=None, submission=case, reviewer=User.objects.get(username="q-reviewer"))


def _counts(clients: dict[str, Client]) -> dict[str, int]:
    return {name: _count(clients[role], name) for name, role, _limit in PAGES}


def _count(client: Client, name: str) -> int:
    # Once before counting: a session last recorded as active over a minute ago is recorded
    # again by its next request (four queries), which a slow run would count on some pages.
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name))
    assert response.status_code == 200, name
    return len(ctx.captured_queries)


def test_list_pages_do_not_grow_with_rows(tree: Tree, roles: dict[str, Role]) -> None:
    clients = {}
    for code in {role for _name, role, _limit in PAGES}:
        user = make_user(f"q-{code}", grants=[(roles[code], tree.root, True)])
        clients[code] = login(Client(), user)
        clients[code].get("/")  # the first request also records the session as online
    author = make_user("author", grants=[(roles["work_committee_admin"], tree.root, True)])
    _grow(tree, roles, author, 2)
    small = _counts(clients)
    _grow(tree, roles, author, 8)
    large = _counts(clients)
    assert large == small
    for name, _role, limit in PAGES:
        assert large[name] <= limit, (name, large[name], large)
