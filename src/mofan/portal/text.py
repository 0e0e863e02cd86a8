"""Article text: the sanitiser for the rich-text body, and the plain text read aloud and
searched."""

from __future__ import annotations

import html
import re

import nh3

from mofan.orglife.services import ALLOWED_TAGS

# The body may hold what the meeting minutes hold, plus headings, quotes and pictures that the
# portal itself serves. No script, no style, no event handlers, no frames of any origin.
BODY_TAGS = set(ALLOWED_TAGS) | {"h2", "h3", "h4", "blockquote", "img", "figure", "figcaption"}
IMAGE_PREFIX = "/portal/images/"


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        # Only pictures uploaded to the portal: never another site, never data: or javascript:.
        if value.startswith(IMAGE_PREFIX) and ".." not in value and "//" not in value:
            return value
        return None
    if element == "img" and attribute == "alt":
        return value
    return None


def sanitize_body(raw: str) -> str:
    return nh3.clean(
        raw or "",
        tags=BODY_TAGS,
        attributes={"img": {"src", "alt"}},
        attribute_filter=_keep_attribute,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    ).strip()


_BLOCK_END = re.compile(r"</(p|h2|h3|h4|li|blockquote|figcaption)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def plain_text(body: str) -> str:
    """The body's text with one line per block."""
    text = _BLOCK_END.sub("\n", body or "")
    text = html.unescape(_TAG.sub("", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
