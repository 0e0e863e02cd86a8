"""Prefix filters that an ordinary B-tree index serves on SQLite and PostgreSQL alike.

`LIKE 'prefix%'` uses no index on SQLite (its LIKE ignores case) nor on PostgreSQL under a
language collation. A range does: every string that starts with `prefix` sorts between `prefix`
and `prefix` padded with the alphabet's last character, in byte order and in the language
collations alike, because the paths use digits and upper-case letters only and 拼音 lower-case
letters only.
"""

from django.db.models import Q

PATH_MAX = 255
PINYIN_MAX = 200


def subtree_bounds(path: str) -> tuple[str, str]:
    """The inclusive range of paths of this organisation and everything under it."""
    return path, path + "Z" * (PATH_MAX - len(path))


def subtree_q(path: str, field: str = "") -> Q:
    """This organisation and everything under it (`field` leads to the organisation)."""
    prefix = f"{field}__" if field else ""
    lo, hi = subtree_bounds(path)
    return Q(**{f"{prefix}path__gte": lo, f"{prefix}path__lte": hi})


def pinyin_prefix_q(field: str, text: str) -> Q:
    """Values of `field` (lower-case 拼音) that start with `text`."""
    return Q(**{f"{field}__gte": text, f"{field}__lte": text + "z" * (PINYIN_MAX - len(text))})
