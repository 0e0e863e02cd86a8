"""Search in Chinese behind one interface, with two backends.

Text is segmented by jieba into space-separated words. On SQLite the words go into the FTS5
table `portal_search` (title and body columns, bm25 ranking); on PostgreSQL into
`ArticleSearch`, whose generated tsvector ('simple' configuration, title weight A, body weight
B) has a GIN index. Both rank a title hit far above a body hit. The service layer calls
`index_article` on every write; `search` returns public articles only, best first.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mofan.portal.models import Article, ArticleSearch, ArticleState
from mofan.portal.text import plain_text

MAX_QUERY_WORDS = 8
CANDIDATE_MARGIN = 200  # SQLite: best index matches checked before the full join


@cache
def _jieba() -> Any:
    # Loaded on first use: its dictionary takes a while and most requests never search.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    """The words of `text` for the index (fine-grained, as jieba's search mode gives them)."""
    return [w for w in (t.strip() for t in _jieba().cut_for_search(text or "")) if _is_word(w)]


def query_words(query: str) -> list[str]:
    """The words of a query, segmented as the index is: each must occur in the article (in the
    title or in the body)."""
    found: list[str] = []
    for w in (t.strip() for t in _jieba().cut_for_search(query or "")):
        if _is_word(w) and w not in found:
            found.append(w)
    return found[:MAX_QUERY_WORDS]


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


class Backend(Protocol):
    def index(self, article_id: int, title: str, body: str) -> None: ...

    def remove(self, article_id: int) -> None: ...

    def ranked_ids(self, terms: list[str], limit: int) -> list[int]: ...


class SqliteBackend:
    def index(self, article_id: int, title: str, body: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portal_search WHERE rowid = %s", [article_id])
            cursor.execute(
                "INSERT INTO portal_search (rowid, title, body) VALUES (%s, %s, %s)",
                [article_id, " ".join(words(title)), " ".join(words(body))],
            )

    def remove(self, article_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portal_search WHERE rowid = %s", [article_id])

    def ranked_ids(self, terms: list[str], limit: int) -> list[int]:
        match = " AND ".join('"' + t.replace('"', "") + '"' for t in terms)
        now = timezone.now()
        # First the best-ranked matches from the index alone, then only those checked against
        # the articles (nearly every indexed article is public); the whole join only when
        # too many of the best were not public.
        candidates = limit + CANDIDATE_MARGIN
        sql = (
            "SELECT a.id FROM (SELECT rowid AS id, bm25(portal_search, 20.0, 1.0) AS score "
            "FROM portal_search WHERE portal_search MATCH %s ORDER BY score LIMIT %s) s "
            "JOIN portal_article a ON a.id = s.id "
            "WHERE a.state = %s AND a.published_at <= %s "
            "ORDER BY s.score, a.published_at DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, candidates, ArticleState.PUBLISHED, now, limit])
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) == limit:
                return ids
            cursor.execute(
                "SELECT count(*) FROM portal_search WHERE portal_search MATCH %s", [match]
            )
            if cursor.fetchone()[0] <= candidates:
                return ids  # every match was considered
            cursor.execute(
                "SELECT a.id FROM portal_search s JOIN portal_article a ON a.id = s.rowid "
                "WHERE portal_search MATCH %s AND a.state = %s AND a.published_at <= %s "
                "ORDER BY bm25(portal_search, 20.0, 1.0), a.published_at DESC LIMIT %s",
                [match, ArticleState.PUBLISHED, now, limit],
            )
            return [row[0] for row in cursor.fetchall()]


class PostgresBackend:
    def index(self, article_id: int, title: str, body: str) -> None:
        ArticleSearch.objects.update_or_create(
            article_id=article_id,
            defaults={"title_words": " ".join(words(title)), "body_words": " ".join(words(body))},
        )

    def remove(self, article_id: int) -> None:
        ArticleSearch.objects.filter(article_id=article_id).delete()

    def ranked_ids(self, terms: list[str], limit: int) -> list[int]:
        sql = (
            "SELECT a.id FROM portal_articlesearch s JOIN portal_article a "
            "ON a.id = s.article_id, plainto_tsquery('simple', %s) q "
            "WHERE s.vector @@ q AND a.state = %s AND a.published_at <= %s "
            "ORDER BY ts_rank('{0, 0, 0.05, 1}', s.vector, q) DESC, a.published_at DESC "
            "LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [" ".join(terms), ArticleState.PUBLISHED, timezone.now(), limit])
            return [row[0] for row in cursor.fetchall()]


def backend() -> Backend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()


def index_article(article: Article) -> None:
    backend().index(article.pk, article.title + " " + article.subtitle, plain_text(article.body))


@dataclass(frozen=True)
class Hit:
    article: Article
    title: SafeString
    snippet: SafeString


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with every occurrence of a query word marked."""
    if not terms:
        return mark_safe(escape(text))  # noqa: S308 - escaped just above
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    # Neighbouring words of the query read as one mark: <mark>模拟法庭</mark>.
    return mark_safe("".join(out).replace("</mark><mark>", ""))  # noqa: S308 - every piece escaped above


def snippet(text: str, terms: list[str], width: int = 90) -> SafeString:
    """About `width` characters around the first query word, highlighted."""
    text = " ".join(text.split())
    first = min((i for i in (text.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, first - width // 3)
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + highlight(piece, terms) + suffix)  # noqa: S308 - escaped inside


def search(query: str, *, limit: int = 20) -> list[Hit]:
    terms = query_words(query)
    if not terms:
        return []
    ids = backend().ranked_ids(terms, limit)
    marks = list(dict.fromkeys([*query.split(), *terms]))
    found = Article.objects.select_related("column", "topic").in_bulk(ids)
    return [
        Hit(
            article=found[i],
            title=highlight(found[i].title, marks),
            snippet=snippet(plain_text(found[i].body), marks),
        )
        for i in ids
        if i in found
    ]
