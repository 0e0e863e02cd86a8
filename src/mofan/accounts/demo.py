"""Demo: one login per role with its grant, each party member's login linked to their record,
the community contact's login linked to the contact, and a business grant that the security
administrator has asked for and that waits for the work committee administrator's approval
(双人复核)."""

from __future__ import annotations

from typing import Any

from mofan.accounts.models import Role
from mofan.accounts.services import grant_create, grant_request_create, user_create
from mofan.core.demos import DemoContext, DemoStep
from mofan.core.models import Notice
from mofan.core.services import notice_mark_read, notice_send
from mofan.orgs.demo import (
    FOURTH,
    GONGWEI_BRANCH,
    ROOT_NAME,
    SFJ,
    SWB,
    sfj_branches,
    swb_branches,
)
from mofan.orgs.models import Organisation, PartnerContact

DEMO_PASSWORD = "Mofan@2026"  # noqa: S105 - published with the demo, never for production

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


def load_logins(ctx: DemoContext) -> None:
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
            org=ctx.orgs[org_name],
            include_subtree=subtree,
        )
        ctx.users[username] = user
    load_grant_requests(ctx.orgs[FOURTH], ctx.users)  # one business grant awaiting approval
    PartnerContact.objects.filter(name="王主任").update(user=ctx.users["shequ"])
    # Every login of a party member is linked to their record: the secretary and the
    # organisation committee member hold 第四支部's seats; the administrators are members
    # of a branch under their grant.
    fourth = ctx.members[FOURTH]
    linked = {
        "gongwei": ctx.members[GONGWEI_BRANCH][1],
        "swb_admin": ctx.members[swb_branches(ctx)[7].name][1],
        "zhibu4": fourth[0],
        "weiyuan4": fourth[1],
        "dangyuan": fourth[3],
        "sfj_admin": ctx.members[sfj_branches(ctx)[0].name][3],
    }
    for username, member in linked.items():
        member.user = ctx.users[username]
        member.save(update_fields=["user"])


def load_grant_requests(branch: Organisation, users: dict[str, Any]) -> None:
    """secadmin asks that the fourth branch's member `dangyuan` also be a branch committee
    member there; `gongwei` finds it under 授权申请."""
    grant_request_create(
        actor=users["secadmin"],
        user=users["dangyuan"],
        role=Role.objects.get(code=Role.Builtin.BRANCH_COMMITTEE),
        org=branch,
        include_subtree=False,
    )


# The logins are linked to member records, and 王主任's to the contact made with the
# co-building partners.
# The notices are core's, but they are sent and read by the demo's logins, made above.
def load_notices(ctx: DemoContext) -> None:
    users, root = ctx.users, ctx.orgs[ROOT_NAME]
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
        sender_org=ctx.orgs[SWB],
        org=ctx.orgs[FOURTH],
        title="第四支部主题党日活动安排",
        body="本月主题党日定于第三周周五下午举行，请全体党员准时参加。",
    )
    # Addressed to the partner units only: their contacts read it, party members do not.
    notice_send(
        actor=users["sfj_admin"],
        sender_org=ctx.orgs[SFJ],
        org=ctx.orgs[SFJ],
        title="关于联合开展“宪法宣传周”进社区进校园活动的通知",
        body="各共建单位：\n\n12月4日国家宪法日前后，市司法局“模法师”志愿服务队将到社区和学校"
        "开展宪法宣传。请各单位通过“按菜单点单”预约时间和场地。\n\n市司法局直属机关党委",
        audience=Notice.Audience.PARTNERS,
    )


# The receipts go to the logins there are: the school's contact is linked by the orders; after
# the portal only to keep the order in which the scenario has always been loaded.


STEPS = (
    DemoStep("accounts.logins", load_logins, after=("members", "cobuild.agreements")),
    DemoStep("accounts.notices", load_notices, after=("cobuild.orders", "portal")),
)
