"""Demo of organisational life: two years of meetings of the 市委办公室 branches and one of the
other organs' branches, the committee's oversight of 第四支部's records, democratic appraisals,
heart-to-heart talks, and one fully documented 支部党员大会."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from django.db.models import Count
from django.utils import timezone

from mofan.core.demos import DemoContext, DemoStep
from mofan.core.errors import DomainError
from mofan.orglife.models import AppraisalGrade, AttendanceStatus, Meeting, MeetingKind
from mofan.orglife.services import (
    appraisal_conclude,
    appraisal_open,
    attendance_record,
    heart_talk_record,
    meeting_review,
    meeting_schedule,
    meeting_submit,
    minutes_save,
    resolution_record,
    self_assessment_save,
)
from mofan.orgs.demo import FOURTH, other_branches, swb_branches
from mofan.orgs.models import CommitteeSeat, Organisation


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
    zone = timezone.get_current_timezone()

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


def load_organisational_life(ctx: DemoContext) -> None:
    """Two years of meetings of the 市委办公室 branches, mostly on schedule with a few gaps, and
    the past twelve months of the other organs' branches; last year's records of 第四支部
    approved by the committee, this year's partly with it; last year's democratic appraisal
    concluded and this year's open in 第四支部; its talks; and one fully documented 支部党员大会
    with minutes and a vote."""
    branches, fourth, today = swb_branches(ctx), ctx.orgs[FOURTH], ctx.today
    others = other_branches(ctx)
    secretary, committee = ctx.users["zhibu4"], ctx.users["swb_admin"]
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


# The meetings invite the committees' seat holders; the appraisal and the oversight act as the
# logins, and members with a login write their self-assessments.
STEPS = (
    DemoStep("orglife", load_organisational_life, after=("orgs.committees", "accounts.logins")),
)
