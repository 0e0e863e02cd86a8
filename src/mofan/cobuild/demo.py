"""Demo of co-building: the 司法局's partner units (two communities and a school) and its two
five-party agreements; then the order loop: the 模法师 project, its team from four party
organisations and its menu of the seed's five topics, demands of a school and a community, and
a school year of orders in every state (at least one mock trial that took place)."""

from __future__ import annotations

import base64
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mofan.cobuild import services
from mofan.cobuild.models import Order, OrderFormat, OrderState, ProjectKind
from mofan.core.demos import DemoContext, DemoStep
from mofan.orgs.demo import JDS, LAWYERS, LEINUO, SFJ
from mofan.orgs.models import Organisation, PartnerContact, PartnerKind
from mofan.orgs.services import partner_contact_add, partner_contact_link_user, partner_create

SCHOOL = "兰州市第三十二中学"
COMMUNITY = "临夏路街道桥门社区"
SCHOOL_LOGIN = "xuexiao"  # the school's contact person (赵老师), see DEMO_LOGINS

TOPICS = [
    ("模拟法庭", "学生分任审判长、公诉人、辩护人等角色，在法官、律师指导下还原真实庭审"),
    ("预防未成年人违法犯罪", "结合身边案例讲解未成年人保护法和预防未成年人犯罪法"),
    ("禁毒知识", "司法警察讲解毒品危害和识别新型毒品"),
    ("网络安全", "电信网络诈骗、个人信息保护和网络欺凌"),
    ("预防网瘾", "合理使用网络，远离网络沉迷"),
]
# An 8×6 red PNG, standing in for a photo of the session.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAGCAIAAABxZ0isAAAAEUlEQVR4nGM4ISeHFTEMpAQAaYgwwWSFouIAAAAASUVORK5CYII="
)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n% demo lesson plan\n", content_type="application/pdf"
    )


# The partner units the 司法局 builds with: (name, kind, address, contact, position).
PARTNERS = [
    ("临夏路街道桥门社区", PartnerKind.COMMUNITY, "城关区临夏路街道", "王主任", "社区书记"),
    ("东岗街道深沟桥社区", PartnerKind.COMMUNITY, "城关区东岗街道", "李主任", "社区主任"),
    ("兰州市第三十二中学", PartnerKind.SCHOOL, "兰州市城关区", "赵老师", "德育主任"),
]


def load_partners_and_agreements(ctx: DemoContext) -> None:
    sfj = ctx.orgs[SFJ]
    for name, kind, address, contact, position in PARTNERS:
        partner = partner_create(actor=None, org=sfj, name=name, kind=kind, address=address)
        ctx.partners[name] = partner
        partner_contact_add(
            actor=None,
            partner=partner,
            name=contact,
            position=position,
            phone="0931-8" + str(abs(hash(name)) % 1000000).zfill(6),
        )
    load_agreements(
        sfj, ctx.orgs[JDS], ctx.orgs[LAWYERS], ctx.orgs[LEINUO], ctx.partners, ctx.today
    )


def load_agreements(
    sfj: Organisation,
    jds: Organisation,
    lawyers: Organisation,
    leinuo: Organisation,
    partners: dict[str, Any],
    today: date,
) -> None:
    """The seed's two five-party agreements on legal education of young people: the 司法局's
    committee, the compulsory-rehabilitation centre's committee, the lawyers' committee and the
    雷诺 law firm's branch, each time with one community."""
    signed = date(2021, 9, 1) if today > date(2021, 9, 1) else today - timedelta(days=30)
    duties = {
        sfj.pk: "牵头组织“模法师”志愿服务队，统筹安排普法授课和模拟法庭",
        jds.pk: "派出司法警察讲授禁毒知识，提供禁毒宣传资料",
        lawyers.pk: "组织执业律师参加普法授课",
        leinuo.pk: "派律师担任法治辅导员，参与模拟法庭指导",
    }
    for community_name in ["临夏路街道桥门社区", "东岗街道深沟桥社区"]:
        community = partners[community_name]
        agreement = services.agreement_create(
            actor=None,
            org=sfj,
            title=f"城市区域青少年法治宣传五方协议（{community_name}）",
            signed_on=signed,
            ends_on=date(today.year + 2, 8, 31),
            party_orgs=[sfj, jds, lawyers, leinuo],
            party_partners=[community],
            summary="五方共同在共驻共建街道（社区）中小学开展“模法师”志愿服务，"
            "由学校和学生“点餐”，志愿服务队按“菜单”备课、授课。",
        )
        for party in agreement.parties.select_related("partner"):
            services.party_duties_save(
                actor=None,
                party=party,
                duties=duties.get(party.org_id or 0, "提供活动场地，组织青少年参加，反馈需求"),
            )
        services.joint_meeting_record(
            actor=None,
            agreement=agreement,
            held_on=min(today, date(today.year, 3, 15)),
            place=f"{community_name}党群服务中心",
            attendees="五方联络人",
            minutes="<p>通报上学期普法授课情况，商定本学期授课菜单。</p>",
            decisions="本学期开展模拟法庭 2 场、禁毒知识讲座 1 场。",
        )


def load_orders(ctx: DemoContext) -> None:
    sfj, jds, lawyers, leinuo = (ctx.orgs[name] for name in (SFJ, JDS, LAWYERS, LEINUO))
    partners, members, today, users = ctx.partners, ctx.members, ctx.today, ctx.users
    project = services.project_create(
        actor=None,
        org=sfj,
        name="模法师",
        kind=ProjectKind.LEGAL_EDUCATION,
        formats=[OrderFormat.LECTURE, OrderFormat.INTERACTIVE, OrderFormat.MOCK_TRIAL],
        team_orgs=[sfj, jds, lawyers, leinuo],
        summary="“模拟法庭小律师”志愿服务：学校和学生点单，服务队按菜单备课、授课。",
    )
    sfj_branch = Organisation.objects.get(name="市司法局机关第一支部")
    jds_branch = Organisation.objects.get(name="戒毒所第一支部")
    team = [
        services.project_member_add(
            actor=None, project=project, member=members[sfj_branch.name][1], role="普法讲师"
        ),
        services.project_member_add(
            actor=None, project=project, member=members[jds_branch.name][2], role="司法警察"
        ),
        services.project_member_add(
            actor=None, project=project, member=members[leinuo.name][0], role="律师"
        ),
        services.project_member_add(
            actor=None, project=project, member=members[leinuo.name][1], role="律师"
        ),
        services.project_member_add(
            actor=None,
            project=project,
            name="何静",
            unit="城关区人民法院",
            role="法官（指导模拟法庭）",
        ),
    ]
    lecturers = {
        "模拟法庭": [team[2], team[3], team[4]],
        "预防未成年人违法犯罪": [team[0], team[2]],
        "禁毒知识": [team[1]],
        "网络安全": [team[0], team[3]],
        "预防网瘾": [team[0]],
    }
    topics = {
        title: services.topic_add(
            actor=None,
            project=project,
            title=title,
            description=description,
            lecturers=lecturers[title],
        )
        for title, description in TOPICS
    }
    school, community = partners[SCHOOL], partners[COMMUNITY]
    second_community = partners["东岗街道深沟桥社区"]

    demand = services.demand_post(
        actor=None,
        partner=community,
        title="寒假假期班法治课",
        description="假期班的孩子们希望上一次模拟法庭和一次禁毒课。",
        audience="假期班小学生和家长",
    )
    services.demand_match(actor=None, demand=demand, project=project)
    services.demand_post(
        actor=None,
        partner=school,
        title="网络安全进校园",
        description="初一新生刚配手机，希望讲一讲防范网络诈骗。",
        audience="初一年级",
    )

    zone = timezone.get_current_timezone()

    def moment(back_days: int, hour: int = 9) -> datetime:
        return datetime.combine(today - timedelta(days=back_days), time(hour), tzinfo=zone)

    # (topic, format, partner, audience, size, days ago ordered, final state)
    plan = [
        ("模拟法庭", OrderFormat.MOCK_TRIAL, school, "初二年级学生", 120, 330, "confirmed"),
        ("禁毒知识", OrderFormat.LECTURE, school, "初一年级学生", 260, 300, "confirmed"),
        ("预防未成年人违法犯罪", OrderFormat.LECTURE, community, "假期班", 45, 290, "confirmed"),
        ("网络安全", OrderFormat.INTERACTIVE, second_community, "社区青少年", 35, 250, "confirmed"),
        ("模拟法庭", OrderFormat.MOCK_TRIAL, community, "假期班", 40, 200, "confirmed"),
        ("预防网瘾", OrderFormat.INTERACTIVE, school, "初三年级家长", 90, 150, "cancelled"),
        ("禁毒知识", OrderFormat.LECTURE, community, "社区居民和青少年", 60, 80, "delivered"),
        ("预防未成年人违法犯罪", OrderFormat.LECTURE, school, "高一年级", 300, 40, "prepared"),
        ("模拟法庭", OrderFormat.MOCK_TRIAL, school, "初二年级模拟法庭社团", 50, 30, "scheduled"),
        ("网络安全", OrderFormat.LECTURE, school, "初一年级", 280, 20, "accepted"),
        ("预防网瘾", OrderFormat.INTERACTIVE, second_community, "社区青少年", 30, 12, "declined"),
        ("禁毒知识", OrderFormat.LECTURE, second_community, "社区居民", 80, 6, "dispatched"),
        ("网络安全", OrderFormat.INTERACTIVE, community, "假期班", 40, 2, "ordered"),
    ]
    teams = [sfj, jds, leinuo, lawyers]
    comments = [
        "孩子们收获很大，希望下学期再来",
        "讲得生动，案例贴近学生",
        "形式新颖，家长反映很好",
    ]
    for i, (title, fmt, partner, audience, size, back, final) in enumerate(plan):
        order = services.order_place(
            actor=None,
            topic=topics[title],
            partner=partner,
            format=fmt,
            audience=audience,
            audience_size=size,
            venue="学校报告厅" if partner == school else "社区党群服务中心",
            preferred_dates="工作日下午",
            demand=demand if partner == community and title == "模拟法庭" else None,
            at=moment(back, 10),
        )
        _advance(order, final, back, i, teams, lecturers[title], comments, moment)

    # The school's contact signs in as `xuexiao` and acts for the school: linked the way staff
    # link a contact to a login on the partner unit's page.
    contact = (
        PartnerContact.objects.filter(partner=school, user__isnull=True).order_by("id").first()
    )
    if contact is not None and not PartnerContact.objects.filter(user=users[SCHOOL_LOGIN]).exists():
        partner_contact_link_user(
            actor=None, contact=contact, username=users[SCHOOL_LOGIN].username
        )


def _advance(
    order: Order,
    final: str,
    back: int,
    i: int,
    teams: list[Organisation],
    taught: list[Any],
    comments: list[str],
    moment: Any,
) -> None:
    if final == OrderState.ORDERED:
        return
    if final == OrderState.CANCELLED:
        services.order_cancel(
            actor=None, order=order, reason="学校临时安排期中考试", at=moment(back - 2)
        )
        return
    team = teams[i % len(teams)]
    services.order_dispatch(actor=None, order=order, team=team, at=moment(back - 1, 15))
    if final == OrderState.DISPATCHED:
        return
    if final == OrderState.DECLINED:
        services.order_decline(
            actor=None, order=order, reason="当周律师均有庭审，请改派", at=moment(back - 2)
        )
        return
    services.order_accept(actor=None, order=order, at=moment(back - 2))
    if final == OrderState.ACCEPTED:
        return
    # Sessions still to come are scheduled ahead; those that took place, two weeks on.
    session = moment(back - 14, 14) if back > 50 else moment(-7 - i, 14)
    services.order_schedule(actor=None, order=order, scheduled_at=session, at=moment(back - 3))
    if final == OrderState.SCHEDULED:
        return
    services.order_prepare(
        actor=None,
        order=order,
        lesson_plan=_pdf(f"{order.topic.title}教案.pdf"),
        slides=_pdf(f"{order.topic.title}课件.pdf"),
        at=moment(back - 5),
    )
    if final == OrderState.PREPARED:
        return
    services.order_deliver(
        actor=None,
        order=order,
        taught_by=taught,
        attendance=max(order.audience_size - 3 - i, 1),
        photos=[SimpleUploadedFile("现场.png", PHOTO, content_type="image/png")],
        at=session + timedelta(hours=2),
    )
    if final == OrderState.DELIVERED:
        return
    services.order_confirm(
        actor=None,
        order=order,
        rating=5 if i % 3 else 4,
        comment=comments[i % len(comments)],
        at=session + timedelta(days=2),
    )


STEPS = (
    DemoStep("cobuild.agreements", load_partners_and_agreements, after=("orgs.tree",)),
    # The school's login and the members of the team; after volunteering only to keep the
    # order in which the scenario has always been loaded (the ids and the audit chain).
    DemoStep(
        "cobuild.orders",
        load_orders,
        after=("accounts.logins", "cobuild.agreements", "volunteer.activities"),
    ),
)
