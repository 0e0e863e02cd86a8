"""Every page of the authorization walk speaks Chinese to a Chinese user.

The catalogue check only sees strings that are marked for translation; an English string that
was never marked (a title typed straight into a template, a heading without `{% translate %}`)
passes it. This test renders each page as the walk's holder in scope, in the default language
(zh-hans), and fails on English words in what a person reads first: the title, headings,
buttons, labels, table headers and the menu.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from mofan.accounts.models import Role, User
from mofan.core import access
from mofan.core.models import NoticeReceipt
from mofan.members.models import Member
from tests.conftest import Tree, login, make_members, make_user
from tests.test_authorization_walk import (  # noqa: F401 - walk_setup is a fixture
    _url,
    mofan_patterns,
    walk_setup,
)

# Proper nouns, file formats and codes that Chinese offices write in Latin letters too.
ALLOWED = {
    *("EXCEL", "WORD", "PDF", "QR", "RSS", "ID", "MP3", "XLSX", "DOCX", "ICS", "APP"),
    *("IP", "JPG", "JPEG", "PNG"),
}
# Permission codes (`accounts.manage_grants`) are codes, shown beside their names on role forms.
CODE = re.compile(r"\b[a-z]+\.[a-z_]+\b")
# Elements whose text a person reads as the page's frame and controls.
FRAMED = {"title", "h1", "h2", "h3", "h4", "h5", "h6", "button", "label", "th", "nav", "summary"}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’][A-Za-z]+)?")
# Downloads and feeds: not pages, nothing to read in a language.
NOT_PAGES = (
    "application/vnd.openxmlformats",
    "application/pdf",
    "application/zip",
    "text/calendar",
    "text/csv",
    "image/",
    "audio/",
    "application/octet-stream",
    "application/rss+xml",
    "application/xml",
    "application/json",
)

# Not pages: a stored file of an order (the world's open order has none: 404 to everyone), the
# <option>s a picker fetches with its query string.
FRAGMENTS = {"cobuild:order_file", "orgs:picker"}
PAGES = sorted(
    name
    for name, pattern in mofan_patterns()
    if hasattr(pattern.callback.view_class, "get") and name not in FRAGMENTS
)


class _Framed(HTMLParser):
    """Collects (element, text) for the text inside FRAMED elements, `a.btn` and the values
    of submit buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.links: list[bool] = []
        self.skip = 0
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag in {"script", "style"}:
            self.skip += 1
        elif tag in FRAMED:
            self.open.append(tag)
        elif tag == "a":
            self.links.append("btn" in (attr.get("class") or "").split())
        elif tag == "input" and attr.get("type") in {"submit", "button"} and attr.get("value"):
            self.found.append(("input", attr["value"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self.skip = max(self.skip - 1, 0)
        elif tag in FRAMED and tag in self.open:
            # the innermost open element of this name
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag)]
        elif tag == "a" and self.links:
            self.links.pop()

    def handle_data(self, data: str) -> None:
        if self.skip or not data.strip():
            return
        if self.open:
            self.found.append((self.open[-1], data.strip()))
        elif self.links and self.links[-1]:
            self.found.append(("a.btn", data.strip()))


def english_words(html: str, data_words: set[str]) -> list[tuple[str, str]]:
    """(element, text) for every framed text that holds an English word."""
    parser = _Framed()
    parser.feed(html)
    parser.close()
    return [
        (element, text)
        for element, text in parser.found
        if any(
            len(word) > 1 and word.upper() not in ALLOWED and word not in data_words
            for word in WORD.findall(CODE.sub("", text))
        )
    ]


def test_the_check_sees_english_in_every_framed_element() -> None:
    html = (
        "<title>Edit · 模范</title><h1>编辑</h1><h3>Members <small>2</small></h3>"
        '<label for="x">Name</label><table><th>Org</th></table>'
        '<button type="submit">Save</button><input type="submit" value="Send">'
        '<a class="btn btn-primary" href="/">New record</a><a href="/">甲社区 Ltd</a>'
        "<nav><ul><li><a href='/'>Home</a></li></ul></nav><summary>Group</summary>"
        "<script>var title = 'English';</script><p>an English paragraph</p>"
        "<h2>导出 Excel 与 PDF、QR 码、MP3</h2><label>author</label>"
    )
    assert english_words(html, {"author"}) == [
        ("title", "Edit · 模范"),
        ("h3", "Members"),
        ("label", "Name"),
        ("th", "Org"),
        ("button", "Save"),
        ("input", "Send"),
        ("a.btn", "New record"),
        ("nav", "Home"),
        ("summary", "Group"),
    ]


def _readers(
    permission: str | access.Policy, tree: Tree, objects: dict[str, Any]
) -> list[User | None]:
    """Who opens the page, as in the walk's last step: anonymous for public pages; for pages a
    signed-in user opens on their own records, an administrator of the whole tree (the fullest
    menu), else the world's reviewer or member (a review, a notice are theirs); otherwise a
    holder of the page's code from the top."""
    if permission == access.PUBLIC:
        return [None]
    # A policy (a party member's own pages): the same reader, who is a party member too.
    if permission == access.AUTHENTICATED or isinstance(permission, access.Policy):
        role = Role.objects.get(code="work_committee_admin")
        admin = make_user("读者", grants=[(role, tree.root, True)])
        # A party member too, so that the members-only pages (我的档案…) open for them.
        Member.objects.filter(pk=make_members(tree.branch_a1, 1)[0].pk).update(user=admin)
        # The world's notice went out before this reader existed; it reaches them too.
        NoticeReceipt.objects.create(notice=objects["_notice"], user=admin)
        return [admin, *User.objects.filter(username__in=["expert", "target"]).order_by("pk")]
    role = Role.objects.create(code="page-reader", name="页面读者", permissions=[permission])
    return [make_user("读者", grants=[(role, tree.root, True)])]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
class TestPagesSpeakChinese:
    """One test per page, over the walk's world built once per worker (`walk_setup`)."""

    def test_page(self, name: str, client: Client, walk_setup: Any) -> None:  # noqa: F811
        check_page(name, client, *walk_setup)


def check_page(name: str, client: Client, tree: Tree, world: dict[str, Any]) -> None:
    pattern = dict(mofan_patterns())[name]
    url = _url(name, pattern, world)
    for reader in _readers(pattern.callback.view_class.permission, tree, world):
        if reader is not None:
            login(client, reader)
        response = client.get(url, follow=True)
        if response.status_code != 404:
            break
    assert response.status_code == 200, name
    content_type = response.get("Content-Type", "")
    if not content_type.startswith("text/html"):
        assert content_type.startswith(NOT_PAGES), (name, content_type)
        return
    # Names of people and accounts are data, not interface.
    data_words = {
        word
        for values in User.objects.values_list("username", "full_name")
        for value in values
        for word in WORD.findall(value)
    }
    assert english_words(response.content.decode(), data_words) == [], name
