"""Demo of volunteering at 市委办公室 (activities with confirmed hours, micro-wishes, members
registered with their communities) and the 司法局's 模法师 volunteer team."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from mofan.accounts.demo import DEMO_PASSWORD
from mofan.accounts.services import user_create
from mofan.cobuild.models import ProjectMember
from mofan.core.demos import DemoContext, DemoStep
from mofan.members.models import Member
from mofan.orgs.demo import SFJ, SWB, sfj_branches, swb_branches
from mofan.orgs.models import PartnerKind
from mofan.orgs.services import partner_contact_add, partner_create
from mofan.volunteer.models import ActivityKind, CommunityRegistration
from mofan.volunteer.services import (
    activity_create,
    hours_confirm,
    hours_rule_add,
    participant_add,
    registration_decide,
    registration_evaluate,
    registration_submit,
    registration_task_assign,
    registration_task_decide,
    registration_task_report,
    signup,
    team_create,
    team_members_set,
    times_record,
    wish_claim,
    wish_confirm,
    wish_fulfil,
    wish_post,
    wish_review,
)

WISHES = [
    ("一台收音机", "80"),
    ("冬季棉衣一件", "150"),
    ("助行器", "260"),
    ("老花镜", "60"),
    ("课外读物一套", "120"),
    ("学习台灯", "90"),
    ("电饭锅", "180"),
    ("轮椅坐垫", "70"),
    ("书包和文具", "100"),
    ("陪同就医一次", "0"),
    ("更换厨房水龙头", "120"),
    ("智能手机使用辅导", "0"),
    ("血压计", "160"),
    ("棉被一床", "200"),
    ("保温水壶", "60"),
]
ACTIVITY_PLAN = [
    ("法律援助进社区", "法律援助进社区 · 婚姻家庭和赡养纠纷咨询"),
    ("健康义诊进社区", "健康义诊进社区 · 量血压、测血糖"),
    ("文明创建", "文明创建 · 文明交通劝导"),
    ("环境整治", "环境整治 · 楼道清理和小广告清除"),
    ("关爱帮扶", "关爱帮扶 · 走访慰问独居老人"),
    ("政策宣讲", "政策宣讲 · 惠民政策进小区"),
]


def load_volunteering(ctx: DemoContext) -> None:
    """市委办公室's volunteering, so the seed's figures are counted from records: two partner
    communities, 32 activities over the past year with their hours confirmed (about 13 people
    each: more than 400 person-times), and 55 micro-wishes posted, claimed, fulfilled and
    confirmed (a few more still open or waiting)."""
    swb, branches, today, users = ctx.orgs[SWB], swb_branches(ctx), ctx.today, ctx.users
    zone = timezone.get_current_timezone()
    communities = []
    for name, address, contact in [
        ("张掖路街道武都路社区", "城关区张掖路街道", "马主任"),
        ("酒泉路街道中山路社区", "城关区酒泉路街道", "刘书记"),
    ]:
        community = partner_create(
            actor=None, org=swb, name=name, kind=PartnerKind.COMMUNITY, address=address
        )
        partner_contact_add(actor=None, partner=community, name=contact, position="社区书记")
        communities.append(community)
    # The list the migration loads (made again here if a test database was emptied).
    kinds = {name: ActivityKind.objects.get_or_create(name=name)[0] for name, _t in ACTIVITY_PLAN}
    people = [m for b in branches for m in ctx.members[b.name] if m.archived_at is None]
    admin = users["swb_admin"]

    # 32 activities over the past year, on Saturday mornings, hours confirmed by the organiser.
    for n in range(32):
        day = today - timedelta(days=10 * (n + 1))
        start = datetime.combine(day, time(9, 0), tzinfo=zone)
        kind_name, title = ACTIVITY_PLAN[n % len(ACTIVITY_PLAN)]
        activity = activity_create(
            actor=admin,
            org=swb,
            kind=kinds[kind_name],
            title=title,
            place=f"{communities[n % 2].name}党群服务中心",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=15,
            partner=communities[n % 2],
        )
        for k in range(13 + n % 3):
            person = people[(n * 7 + k) % len(people)]
            participation, _added = participant_add(actor=admin, activity=activity, member=person)
            late = timedelta(minutes=(k % 4) * 10)
            times_record(
                actor=admin,
                participation=participation,
                checked_in_at=start - timedelta(minutes=10) + late,
                checked_out_at=start + timedelta(hours=3) - timedelta(minutes=k % 2 * 30),
            )
        hours_confirm(actor=admin, activity=activity)
    # Two coming activities members can sign up for; the demo member has a place in one.
    for n, (kind_name, title) in enumerate(ACTIVITY_PLAN[:2]):
        start = datetime.combine(today + timedelta(days=4 + n * 7), time(9, 0), tzinfo=zone)
        upcoming = activity_create(
            actor=admin,
            org=swb,
            kind=kinds[kind_name],
            title=title,
            place=f"{communities[n].name}党群服务中心",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=12,
            partner=communities[n],
        )
        if n == 0:
            signup(user=users["dangyuan"], activity=upcoming)

    # Micro-wishes: members with a login claim them one after another (at most three open).
    claimers = []
    for i, person in enumerate(people[:12]):
        if person.user is not None:
            claimers.append(person.user)
            continue
        user = user_create(
            actor=None,
            username=f"swb{i + 1:02d}",
            full_name=person.full_name,
            password=DEMO_PASSWORD,
            must_change_password=False,
        )
        Member.objects.filter(pk=person.pk).update(user=user)
        claimers.append(user)
    family = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
    for n in range(58):
        title, value = WISHES[n % len(WISHES)]
        wish = wish_post(
            actor=None,
            community=communities[n % 2],
            beneficiary=f"{family[n % len(family)]}{'秀英桂兰建国玉珍'[n % 4 * 2 : n % 4 * 2 + 2]}",
            title=title,
            estimated_value=value,
            deadline=today + timedelta(days=20 + n % 10),
        )
        wish_review(actor=admin, wish=wish, approve=True)
        if n >= 56:
            continue  # two still open for claiming
        user = claimers[n % len(claimers)]
        wish_claim(user=user, wish=wish)
        if n >= 55:
            continue  # one claimed, waiting to be fulfilled
        wish_fulfil(
            user=user, wish=wish, fulfilled_on=today, note=f"已将{title}送到，并帮助安装使用。"
        )
        wish_confirm(actor=None, wish=wish, approve=True)
    # 在职党员进社区报到: most of these members registered and were confirmed; one waits.
    # The district expects 50 hours a year of a registered member [local].
    hours_rule_add(
        actor=None,
        effective_from=date(today.year, 1, 1),
        presence_threshold=Decimal("0.60"),
        star_hours=[100, 300, 600, 1000, 1500],
        open_claims_per_member=3,
        registration_hours_target=50,
    )
    chores = [
        ("楼栋安全巡查", "每周巡查楼道消防通道和电动车充电情况。"),
        ("垃圾分类入户宣传", "向本楼栋住户讲解垃圾分类要求。"),
        ("独居老人结对走访", "每月看望结对的独居老人一次。"),
        ("社区法律咨询值班", "周六上午在党群服务中心值班，解答法律问题。"),
    ]
    for i, user in enumerate(claimers[:9]):
        registration = registration_submit(user=user, community=communities[i % 2])
        if i >= 8:
            continue  # still waiting for the community
        registration_decide(actor=None, registration=registration, approve=True)
        if i < 6:  # registered since last spring: evaluated for last year
            CommunityRegistration.objects.filter(pk=registration.pk).update(
                decided_at=timezone.now().replace(year=today.year - 1, month=3, day=15)
            )
            registration.refresh_from_db()
            registration_evaluate(
                actor=None,
                registration=registration,
                year=today.year - 1,
                grade="excellent" if i < 2 else "good",
                comment="积极参加社区服务，群众评价好。" if i < 2 else "",
            )
        for j, (title, detail) in enumerate(chores[: 2 + i % 3]):
            task = registration_task_assign(
                actor=None, registration=registration, title=title, detail=detail
            )
            if j == 0 or (j == 1 and i % 2 == 0):
                registration_task_report(
                    user=user,
                    task=task,
                    hours=Decimal(4 + (i + j) % 5),
                    report=f"已完成{title}，情况已向社区报告。",
                )
                if j == 0:
                    registration_task_decide(actor=None, task=task, confirm=True)


def load_lawedu_team(ctx: DemoContext) -> None:
    """The 模法师 volunteer team of the 司法局: the members of its own branches and of the
    rehabilitation centre's who teach in the project, and a few more from its branches. (The
    lawyers of the 雷诺 branch belong to another committee, so they serve in the project's
    team but cannot be members of the 司法局's volunteer team.)"""
    sfj, branches = ctx.orgs[SFJ], sfj_branches(ctx)
    team = team_create(actor=None, org=sfj, name="“模法师”志愿服务队")
    teaching = [
        pm.member
        for pm in ProjectMember.objects.filter(
            project__name="模法师", member__org__path__startswith=sfj.path
        )
        .select_related("member__org")
        .order_by("pk")
        if pm.member is not None
    ]
    more = [m for b in branches[:3] for m in ctx.members[b.name][3:5]]
    chosen = {m.pk: m for m in [*teaching, *more]}
    team_members_set(actor=None, team=team, add=list(chosen.values()), remove=[])


STEPS = (
    # Organisers and members act as their logins; after theory study only to keep the order in
    # which the scenario has always been loaded (the ids and the audit chain).
    DemoStep("volunteer.activities", load_volunteering, after=("accounts.logins", "study")),
    # The team is made of the 模法师 project's teachers.
    DemoStep("volunteer.lawedu_team", load_lawedu_team, after=("cobuild.orders",)),
)
