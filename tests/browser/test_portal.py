"""The portal on a phone: an editor writes, submits and publishes an article; a reader opens it
and listens with 智能朗读 (play, pause, resume, speed, the sentence being read highlighted).

Headless Chromium has no voices, so the reading tests replace the browser's speech API in the
test page only (`add_init_script`, before any page script runs) with a fake that "speaks" each
utterance for a fraction of a second and reports its events as a browser would. The player
under test is the product's own static script, unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from mofan.accounts.models import Role
from mofan.portal import services
from mofan.portal.models import Article, ArticleState
from tests.browser.conftest import rich_text, shot
from tests.conftest import Tree, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_SPEECH = """
(() => {
  const voices = %(voices)s;
  const spoken = [];
  window.__spoken = spoken;
  let queue = [], current = null, timer = null, ticks = 0;
  const fake = {
    speaking: false,
    paused: false,
    getVoices() { return voices; },
    addEventListener() {},
    removeEventListener() {},
    speak(u) { queue.push(u); this._next(); },
    pause() { this.paused = true; clearTimeout(timer); },
    resume() {
      if (!this.paused) return;
      this.paused = false;
      if (current) this._tick(); else this._next();
    },
    cancel() { clearTimeout(timer); queue = []; current = null; this.speaking = false; },
    _next() {
      if (current || this.paused) return;
      current = queue.shift();
      if (!current) { this.speaking = false; return; }
      this.speaking = true;
      ticks = 0;
      spoken.push({ text: current.text, rate: current.rate, lang: current.lang,
                    voice: current.voice && current.voice.name });
      if (current.onstart) current.onstart({ type: "start" });
      this._tick();
    },
    _tick() {
      timer = setTimeout(() => {
        if (!current || this.paused) return;
        ticks += 1;
        if (ticks < 4) {
          if (current.onboundary) current.onboundary({ type: "boundary", charIndex: ticks });
          this._tick();
        } else {
          const done = current;
          current = null;
          if (done.onend) done.onend({ type: "end" });
          this._next();
        }
      }, 150);
    },
  };
  class FakeUtterance {
    constructor(text) { this.text = text; this.lang = ""; this.rate = 1; this.voice = null; }
  }
  Object.defineProperty(window, "speechSynthesis", { value: fake, configurable: true });
  Object.defineProperty(window, "SpeechSynthesisUtterance",
                        { value: FakeUtterance, configurable: true, writable: true });
})();
"""
CHINESE_VOICE = '[{ name: "测试普通话", lang: "zh-CN", voiceURI: "test-zh", localService: true }]'
NO_VOICE = '[{ name: "Test English", lang: "en-US", voiceURI: "test-en", localService: true }]'

BODY = "".join(
    f"<p>第{n}段：志愿服务队在学校组织模拟法庭，同学们分别扮演审判长和辩护人。"
    f"律师讲解了未成年人保护法的要点！孩子们提出了许多问题。</p>"
    for n in range(1, 9)
)


def _published(tree: Tree) -> Article:
    topic = services.topic_ensure(None, ["本网专题", "2022", "互联网+普法宣传"])
    article = services.article_create(
        None,
        title="模拟法庭开进兰州市第三十二中学",
        subtitle="学生和家长分饰审判长、公诉人、辩护人",
        source="兰州日报",
        body=BODY,
        topic=topic,
    )
    services.article_submit(None, article)
    return services.article_publish(
        None, article, at=datetime(2022, 3, 29, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    )


def test_editor_writes_submits_and_publishes(
    live_server: Any, phone: Any, tree: Tree, roles: dict[str, Role]
) -> None:
    services.column_ensure(None, "要闻动态")
    services.topic_ensure(None, ["本网专题", "2022", "互联网+普法宣传"])
    make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    sign_in(phone, live_server.url, "gw")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/portal/manage/")
    phone.get_by_role("link", name="撰写文章").click()
    phone.get_by_label("标题", exact=True).fill("五方签约 共建青少年法治宣传")
    phone.get_by_label("来源").fill("兰州日报")
    phone.get_by_label("栏目").select_option(label="要闻动态")
    phone.get_by_label("专题").select_option(label="　　互联网+普法宣传")
    rich_text(phone, "正文").fill("服务队与两个社区签订了五方协议。")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("草稿已保存。")).to_be_visible()
    expect(phone.get_by_test_id("state")).to_have_text("草稿")
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.get_by_test_id("state")).to_have_text("待审核")
    phone.get_by_role("button", name="发布", exact=True).click()
    expect(phone.get_by_text("文章已发布。")).to_be_visible()
    expect(phone.get_by_test_id("state")).to_have_text("已发布")
    article = Article.objects.get(title="五方签约 共建青少年法治宣传")
    assert article.state == ArticleState.PUBLISHED
    assert article.body == "<p>服务队与两个社区签订了五方协议。</p>"
    # A reader (another phone, not signed in) finds it on the portal.
    reader = phone.context.browser.new_context(viewport={"width": 390, "height": 844})
    page = reader.new_page()
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="五方签约 共建青少年法治宣传").click()
    expect(page.get_by_test_id("breadcrumb")).to_have_text(
        "您的位置：首页 > 本网专题 > 2022 > 互联网+普法宣传"
    )
    expect(page.get_by_test_id("article-body")).to_have_text("服务队与两个社区签订了五方协议。")
    reader.close()


def test_reader_listens_with_the_player(live_server: Any, phone: Any, tree: Tree) -> None:
    article = _published(tree)
    phone.add_init_script(FAKE_SPEECH % {"voices": CHINESE_VOICE})
    phone.goto(f"{live_server.url}/portal/articles/{article.pk}/")
    expect(phone.get_by_test_id("breadcrumb")).to_contain_text("互联网+普法宣传")
    current = phone.locator(".ra-sentence.ra-current")
    expect(current).to_have_count(0)
    phone.get_by_role("button", name="智能朗读").click()
    # The title is read first, then the body sentence by sentence.
    expect(current).to_have_text("模拟法庭开进兰州市第三十二中学")
    expect(current).to_contain_text("第1段", timeout=5000)
    expect(phone.get_by_role("button", name="暂停")).to_be_visible()
    # Later on the highlight follows the reading down the page, into view.
    expect(current).to_contain_text("第3段", timeout=15000)
    expect(current).to_be_in_viewport()
    shot(phone, "portal-readaloud")
    phone.get_by_role("button", name="暂停").click()
    expect(phone.get_by_role("button", name="继续")).to_be_visible()
    paused_on = current.inner_text()
    phone.wait_for_timeout(1200)  # several sentences' time: nothing moves while paused
    expect(current).to_have_text(paused_on)
    spoken_while_paused = phone.evaluate("window.__spoken.length")
    phone.wait_for_timeout(600)
    assert phone.evaluate("window.__spoken.length") == spoken_while_paused
    phone.get_by_role("button", name="继续").click()
    expect(current).not_to_have_text(paused_on, timeout=5000)
    # Speed: the sentence being read starts again at the new rate.
    phone.get_by_label("语速").select_option("1.5")
    phone.wait_for_function("window.__spoken.some(s => s.rate === 1.5)")
    spoken = phone.evaluate("window.__spoken")
    assert all(s["lang"] == "zh-CN" and s["voice"] == "测试普通话" for s in spoken)
    assert spoken[0]["text"] == "模拟法庭开进兰州市第三十二中学"
    assert spoken[1]["text"].startswith("学生和家长分饰审判长")
    assert any(s["text"] == "律师讲解了未成年人保护法的要点！" for s in spoken)
    phone.get_by_role("button", name="停止").click()
    expect(current).to_have_count(0)


def test_without_a_chinese_voice_the_recording_plays(
    live_server: Any, phone: Any, tree: Tree
) -> None:
    article = _published(tree)
    article.refresh_from_db()
    phone.add_init_script(FAKE_SPEECH % {"voices": NO_VOICE})
    phone.goto(f"{live_server.url}/portal/articles/{article.pk}/")
    phone.get_by_role("button", name="智能朗读").click()
    if article.audio:  # espeak-ng made the recording at publication
        expect(phone.get_by_text("本浏览器没有中文语音，改为播放本文的朗读录音。")).to_be_visible()
        audio = phone.locator("audio[data-ra-audio]")
        expect(audio).to_be_visible()
        expect(audio).to_have_attribute("src", f"/portal/articles/{article.pk}/audio/")
        assert article.audio.name.endswith(".mp3")
        # Chromium decoded the MP3: it knows how long the reading is.
        phone.wait_for_function(
            "document.querySelector('audio[data-ra-audio]').duration > 1", timeout=15000
        )
    else:
        expect(phone.get_by_text("暂不能朗读：本浏览器没有中文语音")).to_be_visible()
    assert phone.evaluate("window.__spoken.length") == 0
