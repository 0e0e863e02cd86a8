"""Demo: the party members of every branch (5–12 each, two branches outside the bounds on
purpose), invented people with valid ID numbers, names that match their gender and consistent
dates, the same on every run (seeded)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from faker import Faker

from mofan.core.demos import DemoContext, DemoStep
from mofan.core.identity import check_char
from mofan.members.models import Education, MemberStatus
from mofan.members.services import member_create
from mofan.orgs.demo import (
    FOURTH,
    GONGWEI_BRANCH,
    LEINUO,
    jyj_branches,
    member_branches,
    sfj_branches,
    swb_branches,
)

SEED = 20220329
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


def load_members(ctx: DemoContext) -> None:
    fake = Faker("zh_CN")
    Faker.seed(SEED)
    rng = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret
    swb = swb_branches(ctx)
    fourth = ctx.orgs[FOURTH]
    groups = [ctx.orgs[f"第四支部第{n}党小组"] for n in "一二"]
    sizes = {
        b.pk: 7 + (i * 5) % 9 for i, b in enumerate(swb + jyj_branches(ctx) + sfj_branches(ctx))
    }
    sizes[fourth.pk] = 11
    sizes[swb[6].pk] = 2  # fewer than three full members
    sizes[sfj_branches(ctx)[1].pk] = 9  # seven or more full members, no committee yet
    sizes[ctx.orgs[LEINUO].pk] = 6
    sizes[ctx.orgs[GONGWEI_BRANCH].pk] = 6
    for branch in member_branches(ctx):
        rows = []
        for i in range(sizes[branch.pk]):
            status = MemberStatus.PROBATIONARY if i % 7 == 6 else MemberStatus.FULL
            group = groups[i % 2] if branch.pk == fourth.pk else None
            person = demo_person(fake, rng, status, ctx.today)
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
        ctx.members[branch.name] = rows


STEPS = (DemoStep("members", load_members, after=("orgs.tree",)),)
