"""Rich text: the one sanitiser every rich-text field goes through on save, and how its length is
counted. The editor (`core.widgets.RichTextarea` + static/js/richtext.js) offers the same tags, so
what a person formats is what is kept; anything else (scripts, styles, event handlers, frames,
links, pictures of other sites) is removed here whatever the browser sent."""

from __future__ import annotations

import html
from typing import Literal

import nh3

Profile = Literal["text", "article"]

# Minutes, speeches, case sections: paragraphs, emphasis, small headings, lists, quotes, tables.
TEXT_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "h3",
        "h4",
        "ol",
        "ul",
        "li",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
    }
)
# Portal articles add a larger heading and pictures, but only pictures the portal itself serves.
ARTICLE_TAGS = TEXT_TAGS | {"h2", "figure", "figcaption", "img"}
IMAGE_PREFIX = "/portal/images/"

TAGS: dict[str, frozenset[str]] = {"text": TEXT_TAGS, "article": ARTICLE_TAGS}


def _keep_article_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        # Only pictures uploaded to the portal: never another site, never data: or javascript:.
        if value.startswith(IMAGE_PREFIX) and ".." not in value and "//" not in value:
            return value
        return None
    if element == "img" and attribute == "alt":
        return value
    return None


def clean(raw: str | None, *, profile: Profile = "text") -> str:
    """The HTML with only the profile's tags (and, for articles, our own pictures) left."""
    if profile == "article":
        cleaned = nh3.clean(
            raw or "",
            tags=set(ARTICLE_TAGS),
            attributes={"img": {"src", "alt"}},
            attribute_filter=_keep_article_attribute,
            url_schemes=set(),
            link_rel=None,
            strip_comments=True,
        )
    elif profile == "text":
        cleaned = nh3.clean(raw or "", tags=set(TEXT_TAGS), attributes={}, strip_comments=True)
    else:
        raise ValueError(f"unknown rich-text profile {profile!r}")
    return cleaned.strip()


def text_length(fragment: str | None) -> int:
    """Characters of the text without markup or white space (how 字数 is counted)."""
    plain = html.unescape(nh3.clean(fragment or "", tags=set(), attributes={}))
    return sum(1 for ch in plain if not ch.isspace())
