"""The article workflow as declared (`portal/workflows.py`): every transition taken once through
its service by the one who takes it, and every step refused from a state it does not start
from, with nothing changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.portal import permissions as perms
from mofan.portal import services
from mofan.portal.models import Article, ArticleState
from mofan.portal.workflows import ARTICLE
from tests.conftest import Tree, make_role, make_user

pytestmark = pytest.mark.django_db

S = ArticleState


@pytest.fixture
def people(tree: Tree) -> dict[str, Any]:
    """The article's editor and its publisher, at the top of the tree (the portal's org)."""
    editor = make_role("wf-editor", [perms.EDIT])
    publisher = make_role("wf-publisher", [perms.PUBLISH])
    return {
        "editor": make_user("wf-editor", grants=[(editor, tree.root, True)]),
        "publisher": make_user("wf-publisher", grants=[(publisher, tree.root, True)]),
    }


def _article_in(state: str) -> Article:
    article = services.article_create(None, title=f"文章 {state}", body="<p>正文</p>")
    # A scheduled article's time has come (the periodic task releases it); a published one is out.
    published_at = (
        timezone.now() - timedelta(minutes=1) if state in {S.SCHEDULED, S.PUBLISHED} else None
    )
    Article.objects.filter(pk=article.pk).update(state=state, published_at=published_at)
    return Article.objects.get(pk=article.pk)


def _take(name: str, actor: Any, article: Article, target: str) -> Any:
    if name == "submit":
        return services.article_submit(actor, article)
    if name == "return":
        return services.article_return(actor, article, reason="再改改")
    if name == "publish":
        at = timezone.now() + timedelta(days=1) if target == S.SCHEDULED else None
        return services.article_publish(actor, article, at=at)
    if name == "unpublish":
        return services.article_unpublish(actor, article, reason="过时")
    if name == "release":
        return services.articles_release_due()
    raise AssertionError(name)


def _actor(name: str, people: dict[str, Any]) -> Any:
    if name == "release":
        return None  # the periodic task
    return people[ARTICLE[name].actor]


@pytest.mark.parametrize(("source", "name", "target"), ARTICLE.transitions())
def test_each_transition_is_taken_by_its_actor(
    portal: dict[str, Any], people: dict[str, Any], source: str, name: str, target: str
) -> None:
    article = _article_in(source)
    _take(name, _actor(name, people), article, target)
    article.refresh_from_db()
    assert article.state == target
    assert AuditEvent.objects.filter(
        action=f"portal.article.{name}", target_id=str(article.pk)
    ).exists()


def _refusals() -> list[tuple[str, str]]:
    return [
        (name.name, state)
        for name in ARTICLE.steps
        for state in sorted(ARTICLE.states - name.sources)
    ]


@pytest.mark.parametrize(("name", "state"), _refusals())
def test_a_step_from_another_state_is_refused_and_changes_nothing(
    portal: dict[str, Any], people: dict[str, Any], name: str, state: str
) -> None:
    article = _article_in(state)
    events = AuditEvent.objects.count()
    expected = str(ARTICLE.stale).format(state=article.get_state_display())
    if name == "release":
        # The periodic task only picks scheduled articles; the step itself refuses the rest.
        assert services.articles_release_due() == 0
        with pytest.raises(DomainError) as refused, transaction.atomic():
            ARTICLE.begin(None, article, "release")
    else:
        with pytest.raises(DomainError) as refused:
            _take(name, _actor(name, people), article, ARTICLE[name].target)
    assert refused.value.messages == [expected]
    assert Article.objects.get(pk=article.pk).state == state
    assert AuditEvent.objects.count() == events
