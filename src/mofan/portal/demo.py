"""Demo content of the portal: four columns, the topic tree 本网专题 > 2022 > 互联网+普法宣传,
and a handful of published articles (written for the demo from the facts of the seed page),
plus one draft and one article in review for the back office."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from mofan.core.demos import DemoContext, DemoStep
from mofan.portal import services

BEIJING = ZoneInfo("Asia/Shanghai")
COLUMNS = ["要闻动态", "基层党建", "模范机关", "理论学习"]
TOPIC = ["本网专题", "2022", "互联网+普法宣传"]


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


# (column, in the topic?, title, subtitle, source, published, paragraphs)
ARTICLES: list[tuple[str, bool, str, str, str, tuple[int, int, int, int], tuple[str, ...]]] = [
    (
        "模范机关",
        False,
        "市教育局推出原创情景主题党课《百年恰是风华正茂》",
        "四名党员教师分讲四个篇章 党史讲解与艺术表演融为一体",
        "兰州市教育局党组",
        (2021, 7, 1, 10),
        (
            "建党一百周年之际，兰州市教育局党组组织系统内党员教师，推出原创情景主题党课"
            "《百年恰是风华正茂》。",
            "党课分为开天辟地救国大业、改天换地兴国大业、翻天覆地富国大业、惊天动地强国大业"
            "四个篇章，由四名党员教师分别主讲。诗朗诵、课本剧、歌唱和舞蹈穿插其间，讲述和演出"
            "交替进行。",
            "局班子成员、各区县教育局负责人、各校党支部书记、党员教师代表和“光荣在党50年”"
            "纪念章获得者代表一同聆听。课程全程录像，今后将剪辑成微党课在各支部交流使用。",
            "市教育局有关负责人介绍，先后有百余名党员参与了这堂党课的设计和讲授，党课由各支部"
            "各自上变为党组带头、全系统共同参与。",
        ),
    ),
    (
        "基层党建",
        False,
        "市委办公室机关第四支部获评全省示范性标准化党支部",
        "",
        "市委办公室机关党委",
        (2021, 9, 28, 16),
        (
            "日前，市委办公室机关第四支部被评为全省示范性标准化党支部。目前，市委办公室机关"
            "示范性标准化党支部的占比已经超过一半。",
            "近年来，市委办公室机关党委以党支部标准化建设为抓手，调整优化支部设置，选优配强"
            "支委班子，严格落实“三会一课”、主题党日和双重组织生活等制度。",
            "机关党委还建立了领导班子成员联系党支部、思想政治工作定期分析报告等制度，推动"
            "党组织运行更加规范。",
        ),
    ),
    (
        "基层党建",
        False,
        "机关党员进社区：一年认领完成微心愿50余个",
        "志愿活动30余次 参与党员400余人次",
        "市委办公室机关党委",
        (2021, 12, 20, 9),
        (
            "一年来，市委办公室机关党员干部常态化进社区开展志愿服务，认领并完成群众微心愿50余个。",
            "“法律援助进社区”“健康义诊进社区”等志愿活动先后开展30余次，参与党员达400余人次。",
            "机关党委表示，将继续深化共驻共建，让党员在社区治理一线亮明身份、发挥作用。",
        ),
    ),
    (
        "要闻动态",
        False,
        "“我为群众办实事”：市委办公室完成62项实事",
        "",
        "市委办公室",
        (2021, 12, 30, 15),
        (
            "市委办公室以“我为群众办实事”实践活动为抓手，深入基层调研，梳理群众反映的急难"
            "愁盼问题，确定并保质完成了62项实事。",
            "办公室同时整理印发《规章制度汇编》，重新修订机关党员干部理论学习、调查研究等"
            "工作制度，推动作风建设常态长效。",
        ),
    ),
    (
        "理论学习",
        False,
        "双周学习和“科长大讲堂”让理论学习常态化",
        "",
        "市委办公室机关党委",
        (2022, 1, 14, 10),
        (
            "市委办公室坚持落实理论学习中心组学习制度和机关党员干部理论学习制度，建立双周学习、"
            "青年理论学习小组、“科长大讲堂”等学习机制。",
            "班子成员带头学习，会前充分自学，会上围绕抓落实作重点发言；各科室结合分管工作找准"
            "结合点，把学习成果转化为具体任务。",
        ),
    ),
    (
        "要闻动态",
        True,
        "五方签约 共建城市区域青少年法治宣传",
        "市司法局“模法师”志愿服务队与两个社区签订协议",
        "兰州市司法局直属机关党委",
        (2021, 6, 18, 11),
        (
            "兰州市司法局直属机关党委联合市强制隔离戒毒所党委、市律师行业党委和甘肃雷诺律师"
            "事务所党支部，组建“模法师”志愿服务队。",
            "服务队分别与临夏路街道桥门社区、东岗街道深沟桥社区签订《城市区域青少年法治宣传"
            "五方协议》，在共驻共建街道和社区的中小学开展普法。",
            "“模法师”是“模拟法庭小律师”的简称，律师、司法警察和孩子们面对面交流，让普法从"
            "灌输变为体验。",
        ),
    ),
    (
        "要闻动态",
        True,
        "模拟法庭开进兰州市第三十二中学",
        "学生和家长分饰审判长、公诉人、辩护人 体验一次完整庭审",
        "兰州市司法局直属机关党委",
        (2022, 3, 15, 14),
        (
            "在律师指导下，同学们按照法庭实景布置教室，设置审判长、审判员、书记员、法警、"
            "公诉人、辩护人等席位，一堂模拟法庭课就此开庭。",
            "孩子们和家长分别扮演法官、检察官和法定代理人，依据真实案例完成模拟审理，"
            "亲身了解诉讼程序。",
            "第三十二中学和桥门社区假期班聘请志愿服务队成员担任法治辅导员，聘期五年。"
            "学校根据需要“点单”，服务队按“菜单”备课，内容涵盖预防未成年人违法犯罪、禁毒、"
            "网络安全等。",
        ),
    ),
    (
        "理论学习",
        False,
        "青年理论学习小组开展党史学习交流",
        "",
        "市直机关工委",
        (2022, 2, 25, 15),
        (
            "市直机关各青年理论学习小组围绕党史学习教育开展交流，青年干部结合岗位谈体会、讲打算。",
            "市直机关工委要求，各学习小组要把学习同推动本职工作结合起来，做到学有所思、学有所得。",
        ),
    ),
]


def load_portal(ctx: DemoContext) -> None:
    actor = ctx.users["gongwei"]
    columns = {
        name: services.column_ensure(actor, name, position=i) for i, name in enumerate(COLUMNS)
    }
    topic = services.topic_ensure(actor, TOPIC)
    for column, in_topic, title, subtitle, source, (y, m, d, h), paragraphs in ARTICLES:
        article = services.article_create(
            actor,
            title=title,
            subtitle=subtitle,
            source=source,
            body=_p(*paragraphs),
            column=columns[column],
            topic=topic if in_topic else None,
        )
        services.article_submit(actor, article)
        services.article_publish(actor, article, at=datetime(y, m, d, h, tzinfo=BEIJING))
    # The back office has work in progress too.
    services.article_create(
        actor,
        title="市直机关2022年党建工作要点",
        body=_p("（草稿）围绕建设“模范机关”，深入实施“五抓五提升”工程。"),
        column=columns["要闻动态"],
    )
    review = services.article_create(
        actor,
        title="市直机关开展“学史见行动，共建文明城”志愿服务",
        body=_p("各机关党组织结合共驻共建，组织党员到社区开展文明创建志愿服务。"),
        column=columns["基层党建"],
    )
    services.article_submit(actor, review)


# The work committee's administrator writes and publishes the articles.
STEPS = (DemoStep("portal", load_portal, after=("accounts.logins",)),)
