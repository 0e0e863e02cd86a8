"""The editorial workflow of portal articles: draft → review → published (or scheduled when the
publication time lies ahead; the periodic task releases it), review → draft (returned),
published/scheduled → unpublished → review."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mofan.core import access
from mofan.core.workflow import Workflow, step
from mofan.portal import permissions as perms
from mofan.portal.models import Article, ArticleState

S = ArticleState


def _editor(actor: Any, article: Article) -> bool:
    return access.can(actor, perms.EDIT, article.org)


def _publisher(actor: Any, article: Article) -> bool:
    return access.can(actor, perms.PUBLISH, article.org)


ARTICLE: Workflow[Article] = Workflow(
    name="portal.article",
    model=Article,
    steps=(
        step(
            "submit",
            {S.DRAFT, S.UNPUBLISHED},
            S.REVIEW,
            "editor",
            label=_("Submit to the editor-in-charge"),
            message=_("The article was submitted for review."),
        ),
        step(
            "return",
            {S.REVIEW},
            S.DRAFT,
            "publisher",
            label=_("Return for changes"),
            message=_("The article was returned to its editor."),
        ),
        step(
            "publish",
            {S.REVIEW},
            S.PUBLISHED,
            "publisher",
            also=frozenset({S.SCHEDULED}),  # when its time lies in the future
            label=_("Publish"),
            message=_("The article is published."),
        ),
        step(
            "unpublish",
            {S.PUBLISHED, S.SCHEDULED},
            S.UNPUBLISHED,
            "publisher",
            label=_("Unpublish"),
            message=_("The article is no longer on the portal."),
        ),
        # Taken by the periodic task when a scheduled article's time has come.
        step("release", {S.SCHEDULED}, S.PUBLISHED, "publisher"),
    ),
    actors={"editor": _editor, "publisher": _publisher},
    org=lambda article: article.org,
    related=("org",),
    stale=_("The article is {state}; this step is not possible now."),
    # The services refused who asks before the state: a refusal keeps that order.
    actor_first=True,
)

WORKFLOWS = (ARTICLE,)
