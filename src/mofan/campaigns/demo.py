"""Demo: the work committee's 2021 case campaign. The three organs of the seed submit their
cases (our own summaries of what they did, with the seed's facts and figures), three experts
score them blind, the committee selects all three, and they are published together on
2022-03-29 as one portal article under 本网专题 > 2022 > 互联网+普法宣传."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from mofan.campaigns import services
from mofan.campaigns.models import Campaign, Review, Submission, SubmissionVersion
from mofan.core.demos import DemoContext, DemoStep
from mofan.orgs.models import Organisation
from mofan.portal import services as portal

BEIJING = ZoneInfo("Asia/Shanghai")
ARTICLE_TITLE = "提高党建质量 建设“模范机关”——市直机关党建工作优秀案例选登"
TOPIC_PATH = ["本网专题", "2022", "互联网+普法宣传"]


def _at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


# (organisation, login of the author or None, category, title, sections)
CASES: list[tuple[str, str | None, str, str, dict[str, str]]] = [
    (
        "市委办公室机关党委",
        "swb_admin",
        "党建+业务",
        "聚焦“三服务”职能 以党建引领创建模范机关",
        {
            "背景与起因": _p(
                "按照工委关于创建“让党中央放心、让人民群众满意的模范机关”的部署，市委办公室"
                "把创建工作与党办“三服务”职能放在一起谋划，从政治忠诚、理想信念、组织建设、"
                "业务提升、制度作风五个方面同时用力，着力解决党建和业务“两张皮”的问题。",
            ),
            "做法与经过": _p(
                "<strong>讲政治放在首位。</strong>结合党史学习教育和“两学一做”常态化制度化，"
                "把落实中央和省、市委决策部署、推进巡视督察反馈问题整改作为践行“两个维护”"
                "的具体检验。",
                "<strong>学习形成制度。</strong>坚持双周学习，开设“青年理论学习小组”"
                "“科长大讲堂”，班子成员会前自学、会上围绕抓落实重点发言。",
                "<strong>支部按标准建设。</strong>调整支部设置、配强支委，严格“三会一课”和"
                "领导干部双重组织生活；党员常态化进社区服务，认领群众微心愿50余个，开展法律"
                "援助、健康义诊等志愿活动30余次、400余人次。",
                "<strong>党建促进业务。</strong>形成“三创建三争当”“双线融促、一体提升”等工作"
                "方法，年均服务保障重大活动80余次无一失误，年均形成调研报告30余篇；在突发疫情"
                "情况下完成市第十四次党代会的服务保障。",
                "<strong>制度管住作风。</strong>汇编规章制度，修订理论学习和调查研究制度，"
                "以“我为群众办实事”为抓手梳理并办结62项实事。",
            ),
            "成效与反响": _p(
                "机关示范性标准化党支部占比超过一半，第四支部2021年9月被评为全省示范性标准化"
                "党支部；机关党委2021年6月被评为全省先进基层党组织。单位先后获得省级以上表彰"
                "10余次，2020年11月获评第六届全国文明单位。",
            ),
        },
    ),
    (
        "市教育局党组",
        None,
        "党建+业务",
        "把党课搬上舞台：原创情景主题党课“百年恰是风华正茂”",
        {
            "背景与起因": _p(
                "建党100周年之际，传统党课存在“实不起来、深不进去”的问题。局党组决定以"
                "“有活力的党课”为目标，把党史讲解和艺术表达结合起来，打造一堂原创情景主题党课，"
                "同时展示教育系统党员教师的精神面貌。",
            ),
            "做法与经过": _p(
                "<strong>定主题。</strong>以“百年恰是风华正茂”为题，按开天辟地、改天换地、"
                "翻天覆地、惊天动地四个篇章回顾党的百年历程。",
                "<strong>定讲法。</strong>由4名党员教师分讲四个篇章，把党史讲解、文艺表演和"
                "现场互动穿插在一起。",
                "<strong>做内容。</strong>党组牵头组建党课团队，从系统内选出3名党员教师撰写"
                "讲稿和课件；面向全系统征集诗朗诵、课本剧、歌唱、舞蹈等红色节目。",
                "<strong>抓保障。</strong>提前准备场地、服装道具和音视频，多次试讲预演，"
                "全程录像，剪辑后可作为微党课在各支部继续使用。",
            ),
            "成效与反响": _p(
                "党课从各支部分散讲变为党组带头、全系统共同参与，先后有百余名党员参与设计或"
                "登台。局班子成员、各区县教育局和市属学校负责人、支部书记、党员教师代表以及"
                "“光荣在党50年”纪念章获得者代表现场聆听，党员之间加深了了解，也带动了普通"
                "教职工向党组织靠拢。",
            ),
        },
    ),
    (
        "市司法局直属机关党委",
        "sfj_admin",
        "共驻共建",
        "五方协议联手 “模法师”把模拟法庭带进中小学",
        {
            "背景与起因": _p(
                "加强青少年法治教育、让普法与真实案例结合，是当前普法工作的重点。机关党委"
                "立足司法行政主责，把青少年作为普法的关键群体，联合市强制隔离戒毒所党委、"
                "律师行业党委和甘肃雷诺律师事务所党支部组成“模法师”志愿服务队，与临夏路街道"
                "桥门社区、东岗街道深沟桥社区签订城市区域青少年法治宣传五方协议。",
            ),
            "做法与经过": _p(
                "“模法师”即“模拟法庭小律师”，改变单向灌输的校园普法方式。",
                "<strong>订单式：</strong>兰州市第三十二中学和桥门社区假期班聘请机关党员、"
                "职业律师和司法警察担任法治辅导员，聘期5年，由学生和学校“点餐”，服务队按"
                "“菜单”备课。",
                "<strong>启发式：</strong>发放宪法、未成年人保护法图文问答、民法典扫码视听版、"
                "禁毒和国家安全教育手册，引导孩子自己思考法律问题。",
                "<strong>互动式：</strong>律师结合身边的校园欺凌、学生网贷案例释法，司法警察"
                "借助仿真毒品模型讲解新型毒品。",
                "<strong>体验式：</strong>按真实法庭布置教室，孩子和家长分别担任审判长、公诉人、"
                "辩护人等角色，完整模拟一次开庭审理。",
            ),
            "成效与反响": _p(
                "孩子们在亲身参与中了解了司法程序，识毒、防骗和自我保护的能力明显提高；项目"
                "拓宽了机关党建“红色联盟”的朋友圈，把司法行政业务嵌入社区治理，形成了"
                "“党建引领聚合力、法治护航守平安”的共建品牌。",
            ),
        },
    ),
]

# Three experts; the third scores harder than the others (visible in the spread).
SCORES = {
    "zhuanjia": [(92, 90, 93, 90), (88, 86, 85, 88), (94, 95, 93, 90)],
    "pingshen1": [(90, 92, 91, 88), (90, 85, 86, 87), (93, 94, 95, 91)],
    "pingshen2": [(82, 80, 84, 85), (78, 76, 80, 82), (85, 86, 84, 83)],
}
INTRO = (
    "一年来，市直机关各级党组织围绕中心、建设队伍、服务群众，在课题调研、共驻共建、推动党建"
    "与业务融合等方面形成了一批做法和成果。市委直属机关工委从各级党组织报送的调研课题论文、"
    "“党建+业务”和“共驻共建”案例中评选出三篇，现予选登，供各级党组织学习借鉴。"
)


def load_campaigns(ctx: DemoContext) -> None:
    users = ctx.users
    boss = users["gongwei"]
    root = Organisation.objects.filter(depth=1).order_by("path").get()
    campaign = services.campaign_open(
        actor=None,
        org=root,
        title="2021年度市直机关党建工作优秀案例征集",
        description=(
            "请各机关党委（党组）围绕建设“模范机关”，报送本单位2021年度党建工作案例一件，"
            "字数3000字以内，分“背景与起因”“做法与经过”“成效与反响”三部分撰写。"
        ),
        deadline=timezone.now() + timedelta(days=1),
    )
    cases = []
    for org_name, login, category, title, sections in CASES:
        org = Organisation.objects.get(name=org_name)
        actor = users.get(login) if login else None
        case = services.submission_create(
            actor=actor,
            campaign=campaign,
            org=org,
            category=category,
            title=title,
            sections=sections,
        )
        cases.append(services.submission_submit(actor=actor, submission=case))
    # The call ran in late 2021; move its dates there.
    Campaign.objects.filter(pk=campaign.pk).update(deadline=_at(2021, 12, 31, 18))
    for i, case in enumerate(cases):
        Submission.objects.filter(pk=case.pk).update(submitted_at=_at(2021, 12, 20 + i, 16))
        SubmissionVersion.objects.filter(submission=case).update(created_at=_at(2021, 12, 20 + i))
    campaign.refresh_from_db()
    services.campaign_start_review(actor=boss, campaign=campaign, rng=random.Random(2022))  # noqa: S311 - a repeatable demo
    criteria = list(campaign.score_categories.all())
    for username, rows in SCORES.items():
        for case, values in zip(cases, rows, strict=True):
            review = services.review_assign(
                actor=boss, submission=Submission.objects.get(pk=case.pk), reviewer=users[username]
            )
            services.review_score(
                actor=users[username],
                review=review,
                scores={c.pk: (Decimal(v), "") for c, v in zip(criteria, values, strict=True)},
                comment="事例具体，数据翔实，可复制可推广。",
            )
    Review.objects.filter(submission__campaign=campaign).update(scored_at=_at(2022, 1, 15, 15))
    services.campaign_close_review(actor=boss, campaign=campaign)
    picked = {c.pk for c in cases}
    services.campaign_decide(
        actor=boss,
        campaign=campaign,
        tiers=dict.fromkeys(picked, "优秀"),
        publish=picked,
        note="参评案例不足十件，按比例不设奖；经工委会议研究，三件案例均评为优秀并选登。",
    )
    Campaign.objects.filter(pk=campaign.pk).update(decided_at=_at(2022, 3, 18, 11))

    article = services.campaign_article_create(
        actor=boss,
        campaign=campaign,
        cases=cases,
        title=ARTICLE_TITLE,
        source="兰州日报",
        topic_path=TOPIC_PATH,
        intro=INTRO,
    )
    portal.article_submit(boss, article)
    portal.article_publish(boss, article, at=_at(2022, 3, 29, 14, 42))


# The selected cases become an article of the portal's topic; the authors are logins.
STEPS = (DemoStep("campaigns", load_campaigns, after=("accounts.logins", "portal")),)
