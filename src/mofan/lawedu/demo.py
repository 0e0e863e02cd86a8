"""Demo of 模法师 (the seed's 市司法局 case): handout stock with issues at delivered sessions and
one item running low, a mock trial with all nine roles, and the five-year appointments of legal
counsellors at 兰州市第三十二中学 and 桥门社区假期班. Everything goes through the services.

It builds on the co-building orders when they are loaded (the legal-education project, its team
and its delivered sessions); without them it puts a small project and a few sessions in place."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mofan.cobuild import services as cobuild
from mofan.cobuild.models import (
    Order,
    OrderFormat,
    OrderState,
    ProjectKind,
    ProjectMember,
    ServiceProject,
)
from mofan.core.demos import DemoContext, DemoStep
from mofan.lawedu import rules, services
from mofan.lawedu.models import CounsellorTitle, Material
from mofan.orgs.models import Organisation, PartnerKind, PartnerUnit
from mofan.orgs.services import partner_create

SCHOOL = "兰州市第三十二中学"
HOLIDAY_CLASS = "桥门社区假期班"
TOOK_PLACE = (OrderState.DELIVERED, OrderState.CONFIRMED)

# (keeper, name, unit, received, low-stock threshold, copies per session)
HANDOUTS = [
    ("sfj", "中华人民共和国宪法（单行本）", "本", 400, 50, 30),
    ("sfj", "最新未成年人保护法预防未成年人犯罪法100问（图文版）", "本", 300, 40, 30),
    ("sfj", "民法典进学校（扫码视听卡）", "张", 500, 60, 40),
    ("sfj", "民法典进网络（扫码视听卡）", "张", 500, 60, 40),
    ("jds", "禁戒毒知识宣传手册", "本", 300, 40, 25),
    ("sfj", "国家安全教育手册", "本", 0, 30, 10),  # runs low: see _load_handouts
]

# The nine seats of the demo's mock trial: (role, kind, name, class)
SEATS = [
    ("presiding_judge", "pupil", "王梓涵", "初二(3)班"),
    ("judge", "pupil", "李沐阳", "初二(3)班"),
    ("clerk", "pupil", "张一诺", "初二(3)班"),
    ("bailiff", "pupil", "", "初二(1)班"),
    ("prosecutor", "pupil", "陈思远", "初二(3)班"),
    ("defender", "pupil", "刘若曦", "初二(3)班"),
    ("guardian", "parent", "周女士", ""),
    ("victim", "pupil", "马晓东", "初二(3)班"),
    ("defendant", "pupil", "赵子轩", "初二(3)班"),
]


def load_lawedu(ctx: DemoContext) -> None:
    today = ctx.today
    sfj = Organisation.objects.get(name="市司法局直属机关党委")
    jds = Organisation.objects.get(name="市强制隔离戒毒所党委")
    school = PartnerUnit.objects.get(name=SCHOOL)
    holiday = PartnerUnit.objects.filter(name=HOLIDAY_CLASS).first() or partner_create(
        actor=None,
        org=sfj,
        name=HOLIDAY_CLASS,
        kind=PartnerKind.OTHER,
        address="城关区临夏路街道桥门社区",
    )
    project = (
        ServiceProject.objects.filter(kind=ProjectKind.LEGAL_EDUCATION, archived_at__isnull=True)
        .order_by("id")
        .first()
    ) or _project(sfj, jds)
    if not Order.objects.filter(
        project=project, format=OrderFormat.MOCK_TRIAL, state__in=TOOK_PLACE
    ).exists():
        _sessions(project, [school, holiday], today)
    delivered = list(
        Order.objects.filter(project=project, state__in=TOOK_PLACE)
        .select_related("partner")
        .order_by("delivered_at", "id")
    )
    _load_handouts({"sfj": sfj, "jds": jds}, delivered)
    trial_order = next((o for o in reversed(delivered) if o.format == OrderFormat.MOCK_TRIAL), None)
    if trial_order is not None:
        _load_trial(trial_order)
    _load_appointments(project, [school, holiday], today)


def _project(sfj: Organisation, jds: Organisation) -> ServiceProject:
    """The 模法师 team of four party organisations, when the orders demo did not load it."""
    lawyers = Organisation.objects.get(name="律师行业党委")
    leinuo = Organisation.objects.get(name="甘肃雷诺律师事务所党支部")
    project = cobuild.project_create(
        actor=None,
        org=sfj,
        name="“模法师”志愿服务项目",
        kind=ProjectKind.LEGAL_EDUCATION,
        formats=[OrderFormat.MOCK_TRIAL, OrderFormat.LECTURE, OrderFormat.INTERACTIVE],
        team_orgs=[jds, lawyers, leinuo],
        summary="职业律师、司法警察和机关党员面对面为青少年普法。",
    )
    people = [
        ("马文博", "甘肃雷诺律师事务所", "执业律师"),
        ("杨清", "甘肃雷诺律师事务所", "执业律师"),
        ("何建军", "市强制隔离戒毒所", "司法警察"),
    ]
    team = [
        cobuild.project_member_add(actor=None, project=project, name=n, unit=u, role=r)
        for n, u, r in people
    ]
    for title in ["模拟法庭", "预防未成年人违法犯罪", "禁毒知识", "网络安全", "预防网瘾"]:
        cobuild.topic_add(actor=None, project=project, title=title, lecturers=team)
    return project


def _sessions(project: ServiceProject, partners: list[PartnerUnit], today: date) -> None:
    """A few delivered sessions this school year, walked through the order table."""
    topics = {t.title: t for t in project.topics.all()}
    team = list(project.team.filter(left_at__isnull=True).order_by("id"))
    plan = [
        (0, "模拟法庭", OrderFormat.MOCK_TRIAL, 200, [0, 1]),
        (0, "禁毒知识", OrderFormat.LECTURE, 160, [2]),
        (0, "网络安全", OrderFormat.LECTURE, 120, [0]),
        (1, "预防未成年人违法犯罪", OrderFormat.INTERACTIVE, 90, [1, 2]),
        (0, "预防网瘾", OrderFormat.INTERACTIVE, 60, [0, 2]),
        (1, "模拟法庭", OrderFormat.MOCK_TRIAL, 30, [0, 1]),
        (0, "模拟法庭", OrderFormat.MOCK_TRIAL, 12, [0, 1]),
    ]
    tz = timezone.get_current_timezone()
    for which, title, fmt, days_ago, teachers in plan:
        topic = topics.get(title) or next(iter(topics.values()))
        if fmt not in project.formats:
            fmt = project.formats[0]
        day = today - timedelta(days=days_ago)
        at = datetime.combine(day, time(15, 0), tzinfo=tz)
        order = cobuild.order_place(
            actor=None,
            topic=topic,
            partner=partners[which],
            format=fmt,
            audience="初二年级学生" if which == 0 else "假期班学生和家长",
            audience_size=45,
            venue="学校报告厅" if which == 0 else "桥门社区党群服务中心",
            at=at - timedelta(days=20),
        )
        order = cobuild.order_dispatch(
            actor=None, order=order, team=project.org, at=at - timedelta(days=19)
        )
        order = cobuild.order_accept(actor=None, order=order, at=at - timedelta(days=18))
        order = cobuild.order_schedule(
            actor=None, order=order, scheduled_at=at, at=at - timedelta(days=17)
        )
        order = cobuild.order_prepare(
            actor=None,
            order=order,
            lesson_plan=SimpleUploadedFile("教案.pdf", b"%PDF-1.4\n%lesson plan\n"),
            at=at - timedelta(days=3),
        )
        cobuild.order_deliver(
            actor=None,
            order=order,
            taught_by=[team[i % len(team)] for i in teachers],
            attendance=40,
            at=at + timedelta(hours=1),
        )


def _load_handouts(keepers: dict[str, Organisation], delivered: list[Order]) -> None:
    sessions = delivered[-8:]
    for keeper, name, unit, received, low_at, per_session in HANDOUTS:
        if keeper == "sfj" and name == "国家安全教育手册":
            # Enough for the sessions and a dozen over: below its threshold of 30.
            received = per_session * len(sessions) + 12
        material = services.material_create(
            actor=None,
            org=keepers[keeper],
            name=name,
            unit=unit,
            low_stock_at=low_at,
            stock=received,
        )
        for order in sessions:
            if material.stock < per_session:
                break
            services.handouts_issue(actor=None, order=order, quantities={material: per_session})
            material = Material.objects.get(pk=material.pk)
    book = Material.objects.get(org=keepers["sfj"], name=HANDOUTS[0][1])
    services.material_adjust(actor=None, material=book, delta=-3, reason="盘点：受潮损坏3本")


def _load_trial(order: Order) -> None:
    trial = services.mock_trial_save(
        actor=None,
        order=order,
        case_title="赵某某寻衅滋事案（校园欺凌）",
        case_summary="初二学生赵某某多次在放学路上拦截低年级同学，强行索要零花钱并殴打被害人马某，"
        "致其轻微伤。公诉机关以寻衅滋事罪提起公诉。",
        script="一、开庭准备：书记员宣布法庭纪律，法警带被告人到庭。\n"
        "二、法庭调查：公诉人宣读起诉书，被告人陈述，举证质证。\n"
        "三、法庭辩论：公诉人、辩护人发表意见，法定代理人发言。\n"
        "四、被告人最后陈述。\n五、宣判。",
        outcome="合议庭认定被告人构成寻衅滋事罪，考虑其系未成年人、认罪悔罪并取得被害人谅解，"
        "依法从轻处罚。同学们体会到校园欺凌不是“闹着玩”，也学会了如何求助。",
    )
    services.trial_roles_save(
        actor=None,
        trial=trial,
        seats={
            role: {"kind": kind, "name": name, "class_name": class_name}
            for role, kind, name, class_name in SEATS
        },
    )


def _load_appointments(project: ServiceProject, partners: list[PartnerUnit], today: date) -> None:
    """Five-year appointments from the spring term of 2022 (the seed), of the people who taught
    at each place (or the first of the team)."""
    seed = date(2022, 3, 1)
    starts = seed if rules.default_end(seed) >= today else rules.add_years(today, -4)
    team = list(project.team.filter(left_at__isnull=True).order_by("id"))
    for partner in partners:
        taught = (
            list(
                ProjectMember.objects.filter(
                    orders_taught__partner=partner,
                    orders_taught__project=project,
                    orders_taught__state__in=TOOK_PLACE,
                )
                .distinct()
                .order_by("id")[:3]
            )
            or team[:2]
        )
        for i, person in enumerate(taught):
            services.appointment_create(
                actor=None,
                person=person,
                partner=partner,
                starts_on=starts,
                title=CounsellorTitle.VICE_PRINCIPAL
                if i == 0 and partner.kind == PartnerKind.SCHOOL
                else CounsellorTitle.COUNSELLOR,
            )


# On the co-building orders' delivered sessions (it puts its own in place without them).
STEPS = (DemoStep("lawedu", load_lawedu, after=("cobuild.orders",)),)
