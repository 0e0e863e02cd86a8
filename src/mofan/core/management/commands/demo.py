"""Load the demo scenario of PRODUCT.md through the services. Running it twice changes nothing."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from faker import Faker

from mofan.accounts.demo import load_grant_requests
from mofan.accounts.models import Role
from mofan.accounts.services import grant_create, roles_ensure_builtin, user_create
from mofan.campaigns.demo import load_campaigns
from mofan.cobuild.demo import load_orders
from mofan.core.errors import DomainError
from mofan.core.identity import check_char
from mofan.core.models import Notice
from mofan.core.services import notice_mark_read, notice_send
from mofan.core.tasks import refresh_planner_statistics
from mofan.lawedu.demo import load_lawedu
from mofan.members.models import Education, Member, MemberStatus
from mofan.members.services import member_create
from mofan.orgs.models import Organisation, OrgKind, PartnerContact, PartnerKind, SeatPosition
from mofan.orgs.services import (
    org_create,
    organ_create,
    partner_contact_add,
    partner_create,
    seat_assign,
    term_start,
)
from mofan.orgs.tasks import remind_expiring_terms
from mofan.portal.demo import load_portal

ROOT_NAME = "中共兰州市委市直机关工委"
DEMO_PASSWORD = "Mofan@2026"

# (username, full name, role code, organisation name, include subtree)
DEMO_LOGINS = [
    ("gongwei", "工委管理员（演示）", Role.Builtin.WORK_COMMITTEE_ADMIN, ROOT_NAME, True),
    ("swb_admin", "市委办公室党委管理员", Role.Builtin.COMMITTEE_ADMIN, "市委办公室机关党委", True),
    ("zhibu4", "第四支部书记", Role.Builtin.BRANCH_SECRETARY, "市委办公室机关第四支部", True),
    ("weiyuan4", "第四支部委员", Role.Builtin.BRANCH_COMMITTEE, "市委办公室机关第四支部", True),
    ("dangyuan", "第四支部党员", Role.Builtin.MEMBER, "市委办公室机关第四支部", False),
    ("sfj_admin", "市司法局党委管理员", Role.Builtin.COMMITTEE_ADMIN, "市司法局直属机关党委", True),
    ("shequ", "桥门社区联络人", Role.Builtin.PARTNER_CONTACT, "市司法局直属机关党委", False),
    ("xuexiao", "第三十二中学联络人", Role.Builtin.PARTNER_CONTACT, "市司法局直属机关党委", False),
    ("zhuanjia", "评审专家（演示）", Role.Builtin.REVIEWER, ROOT_NAME, False),
    ("pingshen1", "评审专家甲（演示）", Role.Builtin.REVIEWER, ROOT_NAME, False),
    ("pingshen2", "评审专家乙（演示）", Role.Builtin.REVIEWER, ROOT_NAME, False),
    ("sysadmin", "系统管理员", Role.Builtin.SYSTEM_ADMIN, ROOT_NAME, True),
    ("secadmin", "安全管理员", Role.Builtin.SECURITY_ADMIN, ROOT_NAME, True),
    ("auditadmin", "审计管理员", Role.Builtin.AUDIT_ADMIN, ROOT_NAME, True),
]


REGIONS = ("620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123")
EDUCATIONS = (Education.POSTGRADUATE, Education.BACHELOR, Education.COLLEGE)
EDUCATION_WEIGHTS = (3, 6, 1)
JOBS = ("科员", "副主任科员", "主任科员", "副科长", "科长", "副处长", "处长", "一级主任科员")


# Given names that read as one gender only; no name in one list ends another list's name, so
# the gender of a demo person can be read back from their name.
GIVEN_NAMES_FEMALE = (
    "秀英",
    "桂兰",
    "玉珍",
    "淑珍",
    "丽娟",
    "海燕",
    "慧敏",
    "静怡",
    "雪梅",
    "晓燕",
    "春梅",
    "婷婷",
    "玉兰",
    "红梅",
    "凤英",
    "美玲",
    "秀云",
    "丽萍",
    "淑芬",
    "晓丽",
    "佳怡",
    "欣怡",
    "雅琴",
    "翠花",
    "芳",
    "娜",
    "敏",
    "静",
    "娟",
    "霞",
    "燕",
    "婷",
    "莉",
)
GIVEN_NAMES_MALE = (
    "建国",
    "建军",
    "志强",
    "国栋",
    "志刚",
    "海军",
    "鹏飞",
    "浩然",
    "俊杰",
    "明辉",
    "文斌",
    "振宇",
    "德胜",
    "宏伟",
    "立新",
    "永强",
    "子轩",
    "博文",
    "天佑",
    "家豪",
    "国庆",
    "卫东",
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "涛",
    "刚",
    "峰",
    "斌",
    "彪",
    "鹏",
)


def demo_name(fake: Faker, rng: random.Random, *, female: bool) -> str:
    """A surname from Faker and a given name of the person's gender (Faker's zh_CN given names
    are not reliably gendered)."""
    return fake.last_name() + rng.choice(GIVEN_NAMES_FEMALE if female else GIVEN_NAMES_MALE)


def demo_id_number(rng: random.Random, born: date, female: bool) -> str:
    sequence = rng.randrange(0, 500) * 2 + (0 if female else 1)
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def demo_person(fake: Faker, rng: random.Random, status: str, today: date) -> dict[str, Any]:
    """An invented person with a valid ID number and consistent dates."""
    female = rng.random() < 0.45
    born = today - timedelta(days=rng.randrange(24 * 365, 59 * 365))
    if status == MemberStatus.PROBATIONARY:
        joined = today - timedelta(days=rng.randrange(30, 330))
        full_on = None
    else:
        earliest = born + timedelta(days=22 * 365)
        span = max((today - timedelta(days=400) - earliest).days, 1)
        joined = earliest + timedelta(days=rng.randrange(0, span))
        full_on = joined + timedelta(days=365)
    return {
        "full_name": demo_name(fake, rng, female=female),
        "id_number": demo_id_number(rng, born, female),
        "mobile": f"1{rng.choice('3589')}{rng.randrange(0, 10**9):09d}",
        "ethnicity": rng.choice(("汉族",) * 9 + ("回族", "藏族", "东乡族")),
        "education": rng.choices(EDUCATIONS, EDUCATION_WEIGHTS)[0],
        "job_title": rng.choice(JOBS),
        "joined_on": joined,
        "full_member_on": full_on,
    }


def years_ago(today: date, years: float, days: int = 0) -> date:
    return today - timedelta(days=int(years * 365.25) + days)


class Command(BaseCommand):
    help = "Load the demo scenario (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        roles_ensure_builtin()
        if Organisation.objects.filter(depth=1, name=ROOT_NAME).exists():
            self.stdout.write("演示数据已存在，未重复加载。")
        else:
            with transaction.atomic():
                self._load()
            refresh_planner_statistics(full=True)
            self.stdout.write("演示数据已加载。")
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, role, org, _subtree in DEMO_LOGINS:
            label = Role.objects.get(code=role).name
            self.stdout.write(f"  {username:<11} {label:<8} {full_name} · {org}")
        self.stdout.write("\n打开 http://127.0.0.1:8000/ 登录。\n")

    def _load(self) -> None:
        fake = Faker("zh_CN")
        Faker.seed(20220329)
        rng = random.Random(20220329)
        today = timezone.localdate()
        organs = {
            name: organ_create(actor=None, name=name)
            for name in ["市直机关工委", "市委办公室", "市教育局", "市司法局", "律师行业"]
        }

        def make(
            name: str,
            kind: str,
            parent: Organisation | None,
            organ: str | None = None,
            **extra: Any,
        ) -> Organisation:
            return org_create(
                actor=None,
                established_on=date(2018, 1, 1),
                name=name,
                kind=kind,
                parent=parent,
                organ=organs[organ] if organ else None,
                **extra,
            )

        root = make(ROOT_NAME, OrgKind.WORK_COMMITTEE, None, "市直机关工委")
        gongwei_branch = make("市直机关工委机关支部", OrgKind.BRANCH, root, "市直机关工委")
        swb = make("市委办公室机关党委", OrgKind.PARTY_COMMITTEE, root, "市委办公室")
        swb_branches = [
            make(f"市委办公室机关第{n}支部", OrgKind.BRANCH, swb) for n in "一二三四五六七八"
        ]
        fourth = swb_branches[3]
        groups = [make(f"第四支部第{n}党小组", OrgKind.GROUP, fourth) for n in "一二"]
        make("第二支部第一党小组", OrgKind.GROUP, swb_branches[1])
        jyj_group = make("市教育局党组", OrgKind.LEADING_GROUP, root, "市教育局")
        jyj = make("市教育局机关党委", OrgKind.PARTY_COMMITTEE, root, "市教育局")
        jyj_branches = [make(f"市教育局机关第{n}支部", OrgKind.BRANCH, jyj) for n in "一二三"]
        jyj_branches.append(
            make("市教育局离退休干部联合党支部", OrgKind.BRANCH, jyj, is_joint=True)
        )
        sfj = make("市司法局直属机关党委", OrgKind.PARTY_COMMITTEE, root, "市司法局")
        sfj_branches = [make(f"市司法局机关第{n}支部", OrgKind.BRANCH, sfj) for n in "一二三"]
        jds = make("市强制隔离戒毒所党委", OrgKind.PARTY_COMMITTEE, sfj)
        sfj_branches += [make(f"戒毒所第{n}支部", OrgKind.BRANCH, jds) for n in "一二"]
        lawyers = make("律师行业党委", OrgKind.PARTY_COMMITTEE, root, "律师行业", is_external=True)
        leinuo = make("甘肃雷诺律师事务所党支部", OrgKind.BRANCH, lawyers, is_external=True)
        del jyj_group

        # Members: ordinary branches of 5–12; two branches outside the bounds on purpose.
        sizes = {
            b.pk: 7 + (i * 5) % 9 for i, b in enumerate(swb_branches + jyj_branches + sfj_branches)
        }
        sizes[fourth.pk] = 11
        sizes[swb_branches[6].pk] = 2  # fewer than three full members
        sizes[sfj_branches[1].pk] = 9  # seven or more full members, no committee yet
        sizes[leinuo.pk] = 6
        sizes[gongwei_branch.pk] = 6
        others = [gongwei_branch, *jyj_branches, *sfj_branches, leinuo]
        members: dict[int, list[Member]] = {}
        for branch in [*swb_branches, *jyj_branches, *sfj_branches, leinuo, gongwei_branch]:
            rows = []
            for i in range(sizes[branch.pk]):
                status = MemberStatus.PROBATIONARY if i % 7 == 6 else MemberStatus.FULL
                group = groups[i % 2] if branch.pk == fourth.pk else None
                person = demo_person(fake, rng, status, today)
                rows.append(
                    member_create(
                        actor=None,
                        org=branch,
                        status=status,
                        group=group,
                        is_leading_cadre=(i == 0),
                        **person,
                    )
                )
            members[branch.pk] = rows

        # Committees and terms. 第七支部's term ran out half a year ago; 市委办公室机关党委's ends
        # within six months; 司法局机关第二支部 has nine full members and no committee yet.
        for branch in [*swb_branches, *jyj_branches, *sfj_branches, leinuo, gongwei_branch]:
            people = members[branch.pk]
            elected = years_ago(today, 1 + (branch.pk % 3) * 0.6, days=branch.pk * 11)
            if branch.pk == swb_branches[6].pk:
                elected = years_ago(today, 3.5)
            term_start(actor=None, org=branch, starts_on=elected)
            if branch.pk == sfj_branches[1].pk:
                continue
            seat_assign(
                actor=None,
                org=branch,
                position=SeatPosition.SECRETARY,
                holder=people[0],
                starts_on=elected,
            )
            if len(people) >= 7:
                seat_assign(
                    actor=None,
                    org=branch,
                    position=SeatPosition.ORGANISATION,
                    holder=people[1],
                    starts_on=elected,
                )
                seat_assign(
                    actor=None,
                    org=branch,
                    position=SeatPosition.PUBLICITY,
                    holder=people[2],
                    starts_on=elected,
                )
        term_start(actor=None, org=swb, starts_on=years_ago(today, 4.7))
        term_start(actor=None, org=jyj, starts_on=years_ago(today, 2))
        term_start(actor=None, org=sfj, starts_on=years_ago(today, 3))
        term_start(actor=None, org=jds, starts_on=years_ago(today, 1))

        # Partner units of co-building.
        partners = [
            ("临夏路街道桥门社区", PartnerKind.COMMUNITY, "城关区临夏路街道", "王主任", "社区书记"),
            ("东岗街道深沟桥社区", PartnerKind.COMMUNITY, "城关区东岗街道", "李主任", "社区主任"),
            ("兰州市第三十二中学", PartnerKind.SCHOOL, "兰州市城关区", "赵老师", "德育主任"),
        ]
        partner_units = {}
        for name, kind, address, contact, position in partners:
            partner = partner_create(actor=None, org=sfj, name=name, kind=kind, address=address)
            partner_units[name] = partner
            partner_contact_add(
                actor=None,
                partner=partner,
                name=contact,
                position=position,
                phone="0931-8" + str(abs(hash(name)) % 1000000).zfill(6),
            )
        load_agreements(sfj, jds, lawyers, leinuo, partner_units, today)

        # Logins, one per role.
        by_name = {o.name: o for o in Organisation.objects.all()}
        users = {}
        for username, full_name, role_code, org_name, subtree in DEMO_LOGINS:
            user = user_create(
                actor=None,
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                must_change_password=False,
            )
            grant_create(
                actor=None,
                user=user,
                role=Role.objects.get(code=role_code),
                org=by_name[org_name],
                include_subtree=subtree,
            )
            users[username] = user
        load_grant_requests(fourth, users)  # one business grant awaiting gongwei's approval
        PartnerContact.objects.filter(name="王主任").update(user=users["shequ"])
        # Every login of a party member is linked to their record: the secretary and the
        # organisation committee member hold 第四支部's seats; the administrators are members
        # of a branch under their grant.
        linked = {
            "gongwei": members[gongwei_branch.pk][1],
            "swb_admin": members[swb_branches[7].pk][1],
            "zhibu4": members[fourth.pk][0],
            "weiyuan4": members[fourth.pk][1],
            "dangyuan": members[fourth.pk][3],
            "sfj_admin": members[sfj_branches[0].pk][3],
        }
        for username, member in linked.items():
            member.user = users[username]
            member.save(update_fields=["user"])
        remind_expiring_terms()  # what the daily task would have sent by now
        load_organisational_life(swb_branches, fourth, today, users, others)
        load_study(swb, swb_branches, fourth, members, today)
        load_volunteering(swb, swb_branches, members, today, users)
        load_orders(sfj, jds, lawyers, leinuo, partner_units, members, today, users)
        load_lawedu_team(sfj, sfj_branches, members)
        load_lawedu(today)  # on the orders' delivered sessions
        load_portal(users["gongwei"])

        notice = notice_send(
            actor=users["gongwei"],
            sender_org=root,
            org=root,
            title="关于做好2026年度基层党组织组织生活会准备工作的通知",
            body="各机关党委（党组）、各党支部：\n\n请于12月底前完成组织生活会会前学习、谈心谈话和"
            "征求意见等准备工作，并将会议方案报市直机关工委。\n\n市直机关工委",
        )
        receipt = notice.receipts.get(user=users["zhibu4"])
        notice_mark_read(actor=users["zhibu4"], receipt=receipt)
        notice_send(
            actor=users["swb_admin"],
            sender_org=swb,
            org=fourth,
            title="第四支部主题党日活动安排",
            body="本月主题党日定于第三周周五下午举行，请全体党员准时参加。",
        )
        # Addressed to the partner units only: their contacts read it, party members do not.
        notice_send(
            actor=users["sfj_admin"],
            sender_org=sfj,
            org=sfj,
            title="关于联合开展“宪法宣传周”进社区进校园活动的通知",
            body="各共建单位：\n\n12月4日国家宪法日前后，市司法局“模法师”志愿服务队将到社区和学校"
            "开展宪法宣传。请各单位通过“按菜单点单”预约时间和场地。\n\n市司法局直属机关党委",
            audience=Notice.Audience.PARTNERS,
        )
        load_campaigns(users)


def hold_branch_meetings(
    branches: list[Organisation],
    year: int,
    months: range,
    *,
    record_everyone: Organisation | None = None,
    gap: Callable[[int, int, str, int], bool] | None = None,
) -> None:
    """The meetings a working branch holds in the given months of a year: monthly 主题党日,
    支委会 (where there is a committee) and 党小组会, quarterly 党员大会 and 党课, December's
    组织生活会; attendance recorded for everyone in `record_everyone`, elsewhere for the leading
    cadres (双重组织生活). `gap(year, index, kind, month)` names the meetings a branch skipped."""
    from datetime import datetime, time

    from django.utils import timezone as tz

    from mofan.orglife.models import AttendanceStatus, MeetingKind
    from mofan.orglife.services import attendance_record, meeting_schedule
    from mofan.orgs.models import CommitteeSeat

    zone = tz.get_current_timezone()

    def when(month: int, day: int) -> datetime:
        return datetime.combine(date(year, month, day), time(15, 0), tzinfo=zone)

    def skipped(index: int, kind: str, month: int) -> bool:
        return gap is not None and gap(year, index, kind, month)

    plan: list[tuple[str, str, int, int]] = [
        (MeetingKind.THEMED_PARTY_DAY, f"{year}年{month}月主题党日", month, 18) for month in months
    ]
    for quarter_end in (3, 6, 9, 12):
        if quarter_end in months:
            quarter = quarter_end // 3
            plan.append(
                (
                    MeetingKind.GENERAL_ASSEMBLY,
                    f"{year}年第{quarter}季度支部党员大会",
                    quarter_end,
                    25,
                )
            )
            plan.append((MeetingKind.PARTY_LESSON, f"{year}年第{quarter}季度党课", quarter_end, 11))
    if year < timezone.localdate().year and 12 in months:
        plan.append((MeetingKind.LIFE_MEETING, f"{year}年度组织生活会", 12, 28))
    with_committee = set(
        CommitteeSeat.objects.filter(org__in=branches, ends_on__isnull=True)
        .values("org")
        .annotate(n=Count("id"))
        .filter(n__gte=3)
        .values_list("org", flat=True)
    )
    for index, branch in enumerate(branches):
        if branch.pk in with_committee:
            for month in months:
                if skipped(index, MeetingKind.COMMITTEE_MEETING, month):
                    continue
                meeting_schedule(
                    actor=None,
                    org=branch,
                    kind=MeetingKind.COMMITTEE_MEETING,
                    topic=f"{year}年{month}月支委会",
                    starts_at=when(month, 8),
                    ends_at=when(month, 8).replace(hour=16),
                    place="支部办公室",
                )
        for group in Organisation.objects.filter(kind="group", path__startswith=branch.path):
            for month in months:
                meeting_schedule(
                    actor=None,
                    org=group,
                    kind=MeetingKind.GROUP_MEETING,
                    topic=f"{year}年{month}月党小组会",
                    starts_at=when(month, 12),
                    ends_at=when(month, 12).replace(hour=16),
                    place="科室",
                )
        for kind, topic, month, day in plan:
            if skipped(index, kind, month):
                continue
            meeting = meeting_schedule(
                actor=None,
                org=branch,
                kind=kind,
                topic=topic,
                starts_at=when(month, day),
                ends_at=when(month, day).replace(hour=17),
                place="机关党员活动室",
            )
            rows = meeting.attendances.select_related("member")
            if record_everyone is None or branch.pk != record_everyone.pk:
                rows = rows.filter(member__is_leading_cadre=True)
            for n, row in enumerate(rows):
                status = (
                    AttendanceStatus.LEAVE if (n + month) % 9 == 4 else AttendanceStatus.PRESENT
                )
                attendance_record(
                    actor=None,
                    meeting=meeting,
                    member=row.member,
                    status=status,
                    leave_reason="外出公务" if status == "leave" else "",
                )


def load_organisational_life(
    branches: list[Organisation],
    fourth: Organisation,
    today: date,
    users: dict[str, Any],
    others: list[Organisation],
) -> None:
    """Two years of meetings of the 市委办公室 branches, mostly on schedule with a few gaps, and
    the past twelve months of the other organs' branches; last year's records of 第四支部
    approved by the committee, this year's partly with it; last year's democratic appraisal
    concluded and this year's open in 第四支部; its talks; and one fully documented 支部党员大会
    with minutes and a vote."""
    from mofan.orglife.models import AppraisalGrade, Meeting, MeetingKind
    from mofan.orglife.services import (
        appraisal_conclude,
        appraisal_open,
        heart_talk_record,
        meeting_review,
        meeting_submit,
        minutes_save,
        resolution_record,
        self_assessment_save,
    )
    from mofan.orgs.models import CommitteeSeat

    secretary, committee = users["zhibu4"], users["swb_admin"]
    last_year = today.year - 1

    def gap(year: int, index: int, kind: str, month: int) -> bool:
        # This year 第七支部 skips its party lessons, 第三支部 missed the summer party days and
        # 第六支部 May's 支委会; last year 第五支部 missed the third quarter's assembly.
        if year == today.year:
            return (
                (index == 6 and kind == MeetingKind.PARTY_LESSON)
                or (index == 2 and kind == MeetingKind.THEMED_PARTY_DAY and month in (7, 8))
                or (index == 5 and kind == MeetingKind.COMMITTEE_MEETING and month == 5)
            )
        return index == 4 and kind == MeetingKind.GENERAL_ASSEMBLY and month == 9

    for year in (last_year, today.year):
        months = range(1, 13) if year < today.year else range(1, today.month)
        hold_branch_meetings(branches, year, months, record_everyone=fourth, gap=gap)
    # The other organs' branches: the same generator over the past twelve months.
    if others:
        hold_branch_meetings(others, last_year, range(today.month, 13))
        hold_branch_meetings(others, today.year, range(1, today.month))

    held = Meeting.objects.filter(org=fourth, status="held").order_by("starts_at")
    # One fully documented 支部党员大会: minutes and a vote.
    assembly = held.filter(kind=MeetingKind.GENERAL_ASSEMBLY).last()
    if assembly is not None:
        minutes_save(
            actor=secretary,
            meeting=assembly,
            minutes=(
                "<p>一、支部书记传达上级党委关于加强机关党建工作的部署要求。</p>"
                "<p>二、讨论本支部下一阶段重点工作，党员结合岗位谈认识、提建议。</p>"
                "<p>三、讨论表决支部年度重点工作安排。</p>"
            ),
        )
        present = assembly.attendances.filter(status="present", member__status="full").count()
        resolution_record(
            actor=secretary,
            meeting=assembly,
            text="通过第四支部下一阶段重点工作安排",
            votes_for=present - 1,
            votes_against=0,
            abstentions=1,
        )
    # Oversight: last year's records approved; this year's with the committee, one returned.
    for meeting in held.filter(starts_at__year=last_year)[:12]:
        meeting_submit(actor=secretary, meeting=meeting)
        meeting_review(actor=committee, meeting=meeting, approve=True)
    this_year = held.filter(starts_at__year=today.year)
    if assembly is not None:
        this_year = this_year.exclude(pk=assembly.pk)
    recent = list(this_year)
    if len(recent) >= 2:
        meeting_submit(actor=secretary, meeting=recent[-1])
        meeting_submit(actor=secretary, meeting=recent[-2])
        meeting_review(
            actor=committee,
            meeting=recent[-2],
            approve=False,
            comment="请补充会议内容记录，并上传签到表照片。",
        )
    # Democratic appraisal: last year's concluded in every branch, this year's open in 第四支部.
    for branch in branches:
        try:
            appraisal = appraisal_open(actor=None, org=branch, year=last_year)
        except DomainError:
            continue  # a branch without members
        graded = [
            e for e in appraisal.entries.order_by("member__name_pinyin") if not e.probationary
        ]
        appraisal_conclude(
            actor=None,
            appraisal=appraisal,
            grades={
                e.pk: AppraisalGrade.EXCELLENT
                if i < len(graded) // 4
                else AppraisalGrade.BASICALLY_QUALIFIED
                if i == len(graded) - 1 and len(graded) > 8
                else AppraisalGrade.QUALIFIED
                for i, e in enumerate(graded)
            },
        )
    current = appraisal_open(actor=secretary, org=fourth, year=today.year)
    for entry in current.entries.filter(member__user__isnull=False).select_related("member__user"):
        if entry.member.user is not None:
            self_assessment_save(
                user=entry.member.user,
                entry=entry,
                text="本年度按时参加组织生活，认真学习党的创新理论，较好完成本职工作；"
                "不足是调查研究还不够深入，今后加以改进。",
            )
    # Heart-to-heart talks in 第四支部 this year: the secretary with the committee and a few.
    seats = list(
        CommitteeSeat.objects.filter(org=fourth, ends_on__isnull=True)
        .select_related("holder")
        .order_by("position")
    )
    people = list(fourth.members.filter(archived_at__isnull=True).order_by("name_pinyin"))
    if seats:
        head = seats[0].holder
        partners = [s.holder for s in seats[1:]] + [
            p for p in people if p.pk not in {s.holder_id for s in seats}
        ][:3]
        for n, person in enumerate(partners):
            heart_talk_record(
                actor=secretary,
                org=fourth,
                initiator=head,
                counterpart=person,
                talked_on=date(today.year, 3 + n, 10),
                summary="交流思想和工作情况，听取对支部工作的意见建议。",
            )


def load_study(
    swb: Organisation,
    branches: list[Organisation],
    fourth: Organisation,
    members: dict[int, list[Member]],
    today: date,
) -> None:
    """A year of theory study at 市委办公室: its 理论学习中心组 and 青年理论学习小组 monthly, a
    科长大讲堂 every other month, the fourth branch's 双周学习 every two weeks; a few speeches,
    and this year's study plans."""
    from datetime import datetime, time

    from django.utils import timezone as tz

    from mofan.members.rules import whole_years
    from mofan.orglife.models import AttendanceStatus
    from mofan.orglife.services import attendance_record
    from mofan.study.models import StudyKind, StudySession
    from mofan.study.rules import YOUTH_GROUP_MAX_AGE
    from mofan.study.services import (
        speech_add,
        study_group_create,
        study_plan_create,
        study_session_schedule,
    )

    zone = tz.get_current_timezone()
    everyone = [m for b in branches for m in members[b.pk]]
    central = study_group_create(
        actor=None,
        org=swb,
        kind=StudyKind.CENTRAL_GROUP,
        name="市委办公室机关党委理论学习中心组",
        members=[members[b.pk][0] for b in branches] + [members[fourth.pk][1]],
    )
    youth = study_group_create(
        actor=None,
        org=swb,
        kind=StudyKind.YOUTH_GROUP,
        name="市委办公室青年理论学习小组",
        members=[
            m for m in everyone if (whole_years(m.birth_date, today) or 99) <= YOUTH_GROUP_MAX_AGE
        ][:14],
    )
    lecture = study_group_create(
        actor=None,
        org=swb,
        kind=StudyKind.SECTION_CHIEF_LECTURE,
        name="市委办公室科长大讲堂",
        members=[m for m in everyone if m.job_title in {"科长", "副科长", "主任科员"}][:16],
    )
    biweekly = study_group_create(
        actor=None,
        org=fourth,
        kind=StudyKind.BIWEEKLY,
        name="第四支部双周学习",
        members=members[fourth.pk],
    )

    def month_day(back: int, day: int, hour: int, minute: int = 0) -> datetime:
        index = today.year * 12 + today.month - 1 - back
        return datetime.combine(
            date(index // 12, index % 12 + 1, day), time(hour, minute), tzinfo=zone
        )

    topics = [
        "学习贯彻习近平新时代中国特色社会主义思想",
        "深入学习党的二十大报告",
        "学习《中国共产党章程》",
        "学习《中国共产党纪律处分条例》",
        "学习习近平总书记关于党的建设的重要思想",
        "学习习近平总书记视察甘肃重要讲话精神",
        "学习《习近平谈治国理政》相关篇目",
        "学习党的二十届三中全会精神",
        "学习中央八项规定及其实施细则精神",
        "学习《中国共产党党和国家机关基层组织工作条例》",
        "学习习近平总书记关于机关党建的重要论述",
        "学习党的二十届四中全会精神",
    ]
    plan: list[tuple[Any, str, datetime, timedelta]] = []
    for back in range(12, 0, -1):
        topic = topics[(today.month - back) % len(topics)]
        plan.append((central, topic, month_day(back, 10, 9), timedelta(hours=2, minutes=30)))
        plan.append(
            (youth, "青年读书会：" + topic, month_day(back, 20, 14, 30), timedelta(hours=2))
        )
        if back % 2 == 0:
            plan.append(
                (
                    lecture,
                    f"科长大讲堂第{(12 - back) // 2 + 1}讲",
                    month_day(back, 25, 15),
                    timedelta(hours=1, minutes=30),
                )
            )
    day = today - timedelta(days=364)
    while day < today - timedelta(days=1):
        start = datetime.combine(day, time(16, 0), tzinfo=zone)
        plan.append(
            (biweekly, f"{day.month}月{day.day}日双周学习", start, timedelta(hours=1, minutes=30))
        )
        day += timedelta(days=14)

    central_sessions: list[StudySession] = []
    for group, topic, start, length in plan:
        session = study_session_schedule(
            actor=None,
            group=group,
            topic=topic,
            starts_at=start,
            ends_at=start + length,
            place="机关党员活动室" if group != biweekly else "支部会议室",
            materials=f"{topic}相关原文、辅导材料",
        )
        for n, row in enumerate(session.meeting.attendances.select_related("member")):
            turn = (n + start.month) % 11
            status = (
                AttendanceStatus.LEAVE
                if turn == 4
                else AttendanceStatus.ABSENT
                if turn == 9
                else AttendanceStatus.PRESENT
            )
            attendance_record(
                actor=None,
                meeting=session.meeting,
                member=row.member,
                status=status,
                leave_reason="外出公务" if status == AttendanceStatus.LEAVE else "",
            )
        if group == central:
            central_sessions.append(session)

    for session in central_sessions[-3:]:
        present = list(
            session.meeting.attendances.filter(status=AttendanceStatus.PRESENT)
            .select_related("member")
            .order_by("id")[:2]
        )
        for row in present:
            speech_add(
                actor=None,
                session=session,
                speaker=row.member,
                title=f"{row.member.full_name}：{session.meeting.topic}的体会",
                text="<p>一是提高政治站位，深刻领会精神实质；</p>"
                "<p>二是联系工作实际，把学习成果转化为推动工作的具体举措；</p>"
                "<p>三是以上率下，带动机关党员干部学深悟透。</p>",
            )

    study_plan_create(
        actor=None,
        org=swb,
        year=today.year,
        title=f"市委办公室机关党委{today.year}年度理论学习中心组学习计划",
        content="一、指导思想\n坚持以习近平新时代中国特色社会主义思想为指导，"
        "全面贯彻党的二十大和二十届历次全会精神。\n\n"
        "二、学习内容\n1. 习近平新时代中国特色社会主义思想；\n2. 党章党规党纪；\n"
        "3. 习近平总书记视察甘肃重要讲话精神。\n\n"
        "三、学习安排\n中心组每月集中学习一次，每次半天，全年不少于12次；"
        "青年理论学习小组每月至少学习一次；科长大讲堂每两个月一讲。",
    )
    study_plan_create(
        actor=None,
        org=fourth,
        year=today.year,
        title=f"第四支部{today.year}年度双周学习计划",
        content="每两周周五下午集中学习一次，结合支部工作开展交流研讨。",
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


def load_volunteering(
    swb: Organisation,
    branches: list[Organisation],
    members: dict[int, list[Member]],
    today: date,
    users: dict[str, Any],
) -> None:
    """市委办公室's volunteering, so the seed's figures are counted from records: two partner
    communities, 32 activities over the past year with their hours confirmed (about 13 people
    each: more than 400 person-times), and 55 micro-wishes posted, claimed, fulfilled and
    confirmed (a few more still open or waiting)."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone as tz

    from mofan.orgs.services import partner_contact_add, partner_create
    from mofan.volunteer.models import ActivityKind
    from mofan.volunteer.services import (
        activity_create,
        hours_confirm,
        participant_add,
        signup,
        times_record,
        wish_claim,
        wish_confirm,
        wish_fulfil,
        wish_post,
        wish_review,
    )

    zone = tz.get_current_timezone()
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
    people = [m for b in branches for m in members[b.pk] if m.archived_at is None]
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
    from mofan.volunteer.models import CommunityRegistration
    from mofan.volunteer.services import (
        hours_rule_add,
        registration_decide,
        registration_evaluate,
        registration_submit,
        registration_task_assign,
        registration_task_decide,
        registration_task_report,
    )

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


def load_lawedu_team(
    sfj: Organisation, branches: list[Organisation], members: dict[int, list[Member]]
) -> None:
    """The 模法师 volunteer team of the 司法局: the members of its own branches and of the
    rehabilitation centre's who teach in the project, and a few more from its branches. (The
    lawyers of the 雷诺 branch belong to another committee, so they serve in the project's
    team but cannot be members of the 司法局's volunteer team.)"""
    from mofan.cobuild.models import ProjectMember
    from mofan.volunteer.services import team_create, team_members_set

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
    more = [m for b in branches[:3] for m in members[b.pk][3:5]]
    chosen = {m.pk: m for m in [*teaching, *more]}
    team_members_set(actor=None, team=team, add=list(chosen.values()), remove=[])


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
    from datetime import timedelta

    from mofan.cobuild.services import agreement_create, joint_meeting_record, party_duties_save

    signed = date(2021, 9, 1) if today > date(2021, 9, 1) else today - timedelta(days=30)
    duties = {
        sfj.pk: "牵头组织“模法师”志愿服务队，统筹安排普法授课和模拟法庭",
        jds.pk: "派出司法警察讲授禁毒知识，提供禁毒宣传资料",
        lawyers.pk: "组织执业律师参加普法授课",
        leinuo.pk: "派律师担任法治辅导员，参与模拟法庭指导",
    }
    for community_name in ["临夏路街道桥门社区", "东岗街道深沟桥社区"]:
        community = partners[community_name]
        agreement = agreement_create(
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
            party_duties_save(
                actor=None,
                party=party,
                duties=duties.get(party.org_id or 0, "提供活动场地，组织青少年参加，反馈需求"),
            )
        joint_meeting_record(
            actor=None,
            agreement=agreement,
            held_on=min(today, date(today.year, 3, 15)),
            place=f"{community_name}党群服务中心",
            attendees="五方联络人",
            minutes="<p>通报上学期普法授课情况，商定本学期授课菜单。</p>",
            decisions="本学期开展模拟法庭 2 场、禁毒知识讲座 1 场。",
        )
