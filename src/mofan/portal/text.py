"""Article text: the plain text read aloud, searched and put in feeds. The body itself is
sanitised by `core.richtext` (profile "article")."""

from __future__ import annotations

import html
import re

_BLOCK_END = re.compile(r"</(p|h2|h3|h4|li|blockquote|figcaption)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def plain_text(body: str) -> str:
    """The body's text with one line per block."""
    text = _BLOCK_END.sub("\n", body or "")
    text = html.unescape(_TAG.sub("", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
