"""Demo of notices: the work committee's notice to everyone (read by 第四支部's secretary), a
committee's notice to one branch, and the 司法局's notice to its partner units only."""

from __future__ import annotations

from mofan.core.demos import DemoContext, DemoStep
from mofan.core.models import Notice
from mofan.core.services import notice_mark_read, notice_send
from mofan.orgs.demo import FOURTH, ROOT_NAME, SFJ, SWB


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
STEPS = (DemoStep("core.notices", load_notices, after=("cobuild.orders", "portal")),)
