"""Demo: the organisation tree of 兰州市委市直机关工委 (its organs, committees, branches and
groups), the branches' committees and terms once their members exist, and the term reminders
the daily task would have sent by now. The other apps' loaders read the tree's parts through the
helpers below, so its shape is written down once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mofan.core.demos import DemoContext, DemoStep
from mofan.orgs.models import Organisation, OrgKind, SeatPosition
from mofan.orgs.services import org_create, organ_create, seat_assign, term_start
from mofan.orgs.tasks import remind_expiring_terms

ROOT_NAME = "中共兰州市委市直机关工委"
GONGWEI_BRANCH = "市直机关工委机关支部"
SWB = "市委办公室机关党委"
FOURTH = "市委办公室机关第四支部"
JYJ = "市教育局机关党委"
SFJ = "市司法局直属机关党委"
JDS = "市强制隔离戒毒所党委"
LAWYERS = "律师行业党委"
LEINUO = "甘肃雷诺律师事务所党支部"
ORGANS = ["市直机关工委", "市委办公室", "市教育局", "市司法局", "律师行业"]


def swb_branches(ctx: DemoContext) -> list[Organisation]:
    return [ctx.orgs[f"市委办公室机关第{n}支部"] for n in "一二三四五六七八"]


def jyj_branches(ctx: DemoContext) -> list[Organisation]:
    return [ctx.orgs[f"市教育局机关第{n}支部"] for n in "一二三"] + [
        ctx.orgs["市教育局离退休干部联合党支部"]
    ]


def sfj_branches(ctx: DemoContext) -> list[Organisation]:
    """The 司法局's own three branches, then the rehabilitation centre's two."""
    return [ctx.orgs[f"市司法局机关第{n}支部"] for n in "一二三"] + [
        ctx.orgs[f"戒毒所第{n}支部"] for n in "一二"
    ]


def other_branches(ctx: DemoContext) -> list[Organisation]:
    """The branches outside 市委办公室, which hold a year of meetings rather than two."""
    return [ctx.orgs[GONGWEI_BRANCH], *jyj_branches(ctx), *sfj_branches(ctx), ctx.orgs[LEINUO]]


def member_branches(ctx: DemoContext) -> list[Organisation]:
    """Every branch with members, in the order their members are created."""
    return [
        *swb_branches(ctx),
        *jyj_branches(ctx),
        *sfj_branches(ctx),
        ctx.orgs[LEINUO],
        ctx.orgs[GONGWEI_BRANCH],
    ]


def years_ago(today: date, years: float, days: int = 0) -> date:
    return today - timedelta(days=int(years * 365.25) + days)


def load_tree(ctx: DemoContext) -> None:
    organs = {name: organ_create(actor=None, name=name) for name in ORGANS}

    def make(
        name: str,
        kind: str,
        parent: Organisation | None,
        organ: str | None = None,
        **extra: Any,
    ) -> Organisation:
        org = org_create(
            actor=None,
            established_on=date(2018, 1, 1),
            name=name,
            kind=kind,
            parent=parent,
            organ=organs[organ] if organ else None,
            **extra,
        )
        ctx.orgs[name] = org
        return org

    root = make(ROOT_NAME, OrgKind.WORK_COMMITTEE, None, "市直机关工委")
    make(GONGWEI_BRANCH, OrgKind.BRANCH, root, "市直机关工委")
    swb = make(SWB, OrgKind.PARTY_COMMITTEE, root, "市委办公室")
    branches = [make(f"市委办公室机关第{n}支部", OrgKind.BRANCH, swb) for n in "一二三四五六七八"]
    for n in "一二":
        make(f"第四支部第{n}党小组", OrgKind.GROUP, branches[3])
    make("第二支部第一党小组", OrgKind.GROUP, branches[1])
    make("市教育局党组", OrgKind.LEADING_GROUP, root, "市教育局")
    jyj = make(JYJ, OrgKind.PARTY_COMMITTEE, root, "市教育局")
    for n in "一二三":
        make(f"市教育局机关第{n}支部", OrgKind.BRANCH, jyj)
    make("市教育局离退休干部联合党支部", OrgKind.BRANCH, jyj, is_joint=True)
    sfj = make(SFJ, OrgKind.PARTY_COMMITTEE, root, "市司法局")
    for n in "一二三":
        make(f"市司法局机关第{n}支部", OrgKind.BRANCH, sfj)
    jds = make(JDS, OrgKind.PARTY_COMMITTEE, sfj)
    for n in "一二":
        make(f"戒毒所第{n}支部", OrgKind.BRANCH, jds)
    lawyers = make(LAWYERS, OrgKind.PARTY_COMMITTEE, root, "律师行业", is_external=True)
    make(LEINUO, OrgKind.BRANCH, lawyers, is_external=True)


def load_committees(ctx: DemoContext) -> None:
    """Committees and terms. 第七支部's term ran out half a year ago; 市委办公室机关党委's ends
    within six months; 司法局机关第二支部 has nine full members and no committee yet."""
    today = ctx.today
    seventh, no_committee = swb_branches(ctx)[6], sfj_branches(ctx)[1]
    for branch in member_branches(ctx):
        people = ctx.members[branch.name]
        elected = years_ago(today, 1 + (branch.pk % 3) * 0.6, days=branch.pk * 11)
        if branch.pk == seventh.pk:
            elected = years_ago(today, 3.5)
        term_start(actor=None, org=branch, starts_on=elected)
        if branch.pk == no_committee.pk:
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
    term_start(actor=None, org=ctx.orgs[SWB], starts_on=years_ago(today, 4.7))
    term_start(actor=None, org=ctx.orgs[JYJ], starts_on=years_ago(today, 2))
    term_start(actor=None, org=ctx.orgs[SFJ], starts_on=years_ago(today, 3))
    term_start(actor=None, org=ctx.orgs[JDS], starts_on=years_ago(today, 1))


def load_term_reminders(ctx: DemoContext) -> None:
    """What the daily task would have sent by now, to the logins that hold the grants."""
    remind_expiring_terms()


STEPS = (
    DemoStep("orgs.tree", load_tree),
    # The seats are held by member records.
    DemoStep("orgs.committees", load_committees, after=("members",)),
    DemoStep("orgs.term_reminders", load_term_reminders, after=("accounts.logins",)),
)
