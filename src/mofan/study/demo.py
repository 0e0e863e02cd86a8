"""Demo of theory study: a year of study at 市委办公室 in the four kinds of group, with
attendance, a few speeches and this year's study plans."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from mofan.core.demos import DemoContext, DemoStep
from mofan.members.rules import whole_years
from mofan.orglife.models import AttendanceStatus
from mofan.orglife.services import attendance_record
from mofan.orgs.demo import FOURTH, SWB, swb_branches
from mofan.study.models import StudyKind, StudySession
from mofan.study.rules import YOUTH_GROUP_MAX_AGE
from mofan.study.services import (
    speech_add,
    study_group_create,
    study_plan_create,
    study_session_schedule,
)


def load_study(ctx: DemoContext) -> None:
    """A year of theory study at 市委办公室: its 理论学习中心组 and 青年理论学习小组 monthly, a
    科长大讲堂 every other month, the fourth branch's 双周学习 every two weeks; a few speeches,
    and this year's study plans."""
    swb, branches, fourth, today = ctx.orgs[SWB], swb_branches(ctx), ctx.orgs[FOURTH], ctx.today
    zone = timezone.get_current_timezone()
    everyone = [m for b in branches for m in ctx.members[b.name]]
    central = study_group_create(
        actor=None,
        org=swb,
        kind=StudyKind.CENTRAL_GROUP,
        name="市委办公室机关党委理论学习中心组",
        members=[ctx.members[b.name][0] for b in branches] + [ctx.members[FOURTH][1]],
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
        members=ctx.members[FOURTH],
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


# The groups are made of member records; each session is an orglife meeting, held after
# organisational life's own meetings (so that every meeting keeps its id).
STEPS = (DemoStep("study", load_study, after=("members", "orglife")),)
