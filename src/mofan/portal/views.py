from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.uploads import stored_file_response
from mofan.core.views import FormPageView, ScopedView, act, paginate, query_without_page, submit
from mofan.portal import feeds, pagecache, search, selectors, services
from mofan.portal import permissions as perms
from mofan.portal.forms import (
    STATE_FILTER,
    ArticleForm,
    ColumnForm,
    DecisionForm,
    ImageForm,
    SearchForm,
    TopicForm,
)
from mofan.portal.models import Article, ArticleState
from mofan.portal.text import plain_text
from mofan.portal.workflows import ARTICLE

LATEST = 10
PER_PAGE = 15

# Public pages (no sign-in)


class HomeView(ScopedView):
    permission = access.PUBLIC

    def get(self, request: HttpRequest) -> HttpResponse:
        def page() -> HttpResponse:
            latest = list(selectors.public_articles().select_related("column", "topic")[:LATEST])
            return render(
                request,
                "portal/home.html",
                {
                    "columns": selectors.columns(),
                    "topics": [t for t, depth in selectors.topic_tree() if depth == 0],
                    "latest": latest,
                    "search_form": SearchForm(),
                },
            )

        return pagecache.cached(request, page)


class ColumnView(ScopedView):
    permission = access.PUBLIC

    def get(self, request: HttpRequest, column_id: int) -> HttpResponse:
        def page() -> HttpResponse:
            column = selectors.column_get(pk=column_id)
            if column is None:
                raise Http404
            articles = selectors.public_articles().filter(column=column).select_related("topic")
            return render(
                request,
                "portal/list.html",
                {
                    "heading": column.name,
                    "crumbs": [],
                    "page": paginate(request, articles, PER_PAGE),
                    "feed_url": reverse("portal:column_feed", args=[column.pk]),
                    "subtopics": [],
                },
            )

        return pagecache.cached(request, page)


class TopicView(ScopedView):
    permission = access.PUBLIC

    def get(self, request: HttpRequest, topic_id: int) -> HttpResponse:
        def page() -> HttpResponse:
            topic = selectors.topic_get(pk=topic_id)
            if topic is None:
                raise Http404
            ids = selectors.topic_descendant_ids(topic)
            articles = (
                selectors.public_articles()
                .filter(topic_id__in=ids)
                .select_related("column", "topic")
            )
            path = selectors.topic_path(topic)
            return render(
                request,
                "portal/list.html",
                {
                    "heading": topic.name,
                    "crumbs": path[:-1],
                    "page": paginate(request, articles, PER_PAGE),
                    "feed_url": reverse("portal:topic_feed", args=[topic.pk]),
                    "subtopics": list(topic.children.order_by("position", "id")),
                },
            )

        return pagecache.cached(request, page)


def _article_context(article: Article) -> dict[str, Any]:
    path = selectors.topic_path(article.topic) if article.topic_id else []
    previous, following = selectors.neighbours(article) if article.published_at else (None, None)
    if path:
        back_url = reverse("portal:topic", args=[path[-1].pk])
    elif article.column_id:
        back_url = reverse("portal:column", args=[article.column_id])
    else:
        back_url = reverse("portal:home")
    return {
        "article": article,
        "topic_path": path,
        "previous": previous,
        "next": following,
        "images": list(article.images.all()),
        "back_url": back_url,
        "has_text": bool(plain_text(article.body)),
    }


class ArticleView(ScopedView):
    permission = access.PUBLIC

    def get(self, request: HttpRequest, article_id: int) -> HttpResponse:
        def page() -> HttpResponse:
            article = selectors.public_article_get(pk=article_id)
            if article is None:
                raise Http404
            return render(request, "portal/article.html", _article_context(article))

        return pagecache.cached(request, page)


class ArticleAudioView(ScopedView):
    """The read-aloud audio made at publication; back to the article while there is none."""

    permission = access.PUBLIC

    def get(self, request: HttpRequest, article_id: int) -> HttpResponseBase:
        article = selectors.public_article_get(pk=article_id)
        if article is None:
            raise Http404
        if not article.audio:
            return redirect("portal:article", article_id=article.pk)
        # Recordings made before the MP3 encoder stay WAV until the article is read again.
        extension = ".wav" if (article.audio.name or "").endswith(".wav") else ".mp3"
        content_type = "audio/wav" if extension == ".wav" else "audio/mpeg"
        response = stored_file_response(article.audio, content_type, article.title + extension)
        response["Cache-Control"] = "public, max-age=600"
        return response


class ImageView(ScopedView):
    permission = access.PUBLIC

    def get(self, request: HttpRequest, image_id: int) -> HttpResponseBase:
        image = selectors.public_image_get(pk=image_id)
        if image is None:
            # Editors see the pictures of articles not yet public.
            image = _draft_image(request, image_id)
        return stored_file_response(image.file, image.content_type, image.name)


def _draft_image(request: HttpRequest, image_id: int) -> Any:
    return selectors.image_get(actor=request.user, pk=image_id)


class SearchView(ScopedView):
    permission = access.PUBLIC

    def get(self, request: HttpRequest) -> HttpResponse:
        form = SearchForm(request.GET or None)
        hits: list[search.Hit] = []
        query = ""
        if form.is_valid():
            query = form.cleaned_data["q"].strip()
            hits = search.search(query) if query else []
        return render(
            request,
            "portal/search.html",
            {"search_form": form, "hits": hits, "query": query},
        )


class ColumnFeedView(ScopedView):
    permission = access.PUBLIC

    def get(self, request: HttpRequest, column_id: int) -> HttpResponse:
        return feeds.ColumnFeed()(request, column_id=column_id)


class TopicFeedView(ScopedView):
    permission = access.PUBLIC

    def get(self, request: HttpRequest, topic_id: int) -> HttpResponse:
        return feeds.TopicFeed()(request, topic_id=topic_id)


# Back office


class ManageView(ScopedView):
    permission = perms.EDIT

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        if state not in ArticleState.values:
            state = ""
        page = paginate(request, selectors.article_list(actor=request.user, state=state))
        return render(
            request,
            "portal/manage.html",
            {
                "page": page,
                "state": state,
                "states": STATE_FILTER,
                "query": query_without_page(request),
            },
        )


def _article_form_kwargs(form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "subtitle": data["subtitle"],
        "source": data["source"],
        "body": data["body"],
        "column": data["column"],
        "topic": data["topic"],
    }


class ArticleCreateView(FormPageView):
    permission = perms.EDIT
    template_name = "portal/article_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return ArticleForm(data)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        article = services.article_create(request.user, **_article_form_kwargs(form))
        return _("The draft is saved."), reverse("portal:article_edit", args=[article.pk])


class ArticleEditView(FormPageView):
    """Edit an article; the page also offers its workflow steps, pictures and revisions."""

    permission = perms.EDIT
    template_name = "portal/article_form.html"

    def article(self, request: HttpRequest) -> Article:
        if not hasattr(self, "_article"):
            self._article = selectors.article_get(actor=request.user, pk=self.kwargs["article_id"])
        return self._article

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        article = self.article(request)
        initial = {
            "title": article.title,
            "subtitle": article.subtitle,
            "source": article.source,
            "body": article.body,
            "column": article.column_id,
            "topic": article.topic_id,
        }
        return ArticleForm(data, initial=initial)

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        article = self.article(request)
        actions = services.allowed_actions(article)
        return {
            "article": article,
            "can_submit": "submit" in actions,
            "can_publish": access.can(request.user, perms.PUBLISH, article.org),
            "actions": actions,
            "decision_form": DecisionForm(),
            "image_form": ImageForm(),
            "images": list(article.images.all()),
            "revision_count": article.revisions.count(),
        }

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        article = services.article_update(
            request.user, self.article(request), **_article_form_kwargs(form)
        )
        return _("The article is saved."), reverse("portal:article_edit", args=[article.pk])


class ArticlePreviewView(ScopedView):
    """The article as the public will see it, whatever its state; never cached."""

    permission = perms.EDIT

    def get(self, request: HttpRequest, article_id: int) -> HttpResponse:
        article = selectors.article_get(actor=request.user, pk=article_id)
        response = render(
            request, "portal/article.html", {**_article_context(article), "preview": True}
        )
        response["Cache-Control"] = "private, no-store"
        return response


class ArticleSubmitView(ScopedView):
    permission = perms.EDIT

    def post(self, request: HttpRequest, article_id: int) -> HttpResponse:
        article = selectors.article_get(actor=request.user, pk=article_id)
        return act(
            request,
            lambda: services.article_submit(request.user, article),
            done=ARTICLE["submit"].message,
            to=reverse("portal:article_edit", args=[article.pk]),
        )


class ArticleDecideView(ScopedView):
    permission = perms.PUBLISH

    def post(self, request: HttpRequest, article_id: int) -> HttpResponse:
        article = selectors.article_get(
            actor=request.user, pk=article_id, permission=self.permission
        )
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Check the entries."))
            return redirect("portal:article_edit", article_id=article.pk)
        data = form.cleaned_data
        step = data["action"]
        steps = {
            "publish": lambda: services.article_publish(request.user, article, at=data["at"]),
            "return": lambda: services.article_return(request.user, article, reason=data["reason"]),
            "unpublish": lambda: services.article_unpublish(
                request.user, article, reason=data["reason"]
            ),
        }

        def done(taken: Article) -> str:
            # Publishing at a future time schedules the article: the page says which it was.
            if taken.state == ArticleState.SCHEDULED:
                return _("The article is scheduled.")
            return str(ARTICLE[step].message)

        return act(
            request,
            steps[step],
            done=done,
            to=reverse("portal:article_edit", args=[article.pk]),
        )


class ArticleImageAddView(ScopedView):
    permission = perms.EDIT

    def post(self, request: HttpRequest, article_id: int) -> HttpResponse:
        article = selectors.article_get(actor=request.user, pk=article_id)
        form = ImageForm(request.POST, request.FILES)
        back = reverse("portal:article_edit", args=[article.pk])
        if not form.is_valid():
            messages.error(request, _("Choose a file."))
            return redirect(back)
        return act(
            request,
            lambda: services.article_image_add(
                request.user,
                article,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            ),
            done=_("The picture was added."),
            to=back,
        )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


class RevisionsView(ScopedView):
    """Every revision, and the difference between two of them (line by line of the text)."""

    permission = perms.EDIT

    def get(self, request: HttpRequest, article_id: int) -> HttpResponse:
        article = selectors.article_get(actor=request.user, pk=article_id)
        revisions = list(selectors.revisions(article))
        newest = revisions[0].number if revisions else 0
        b = _int(request.GET.get("b"), newest)
        a = _int(request.GET.get("a"), max(1, b - 1))
        old = selectors.revision_get(article, a)
        new = selectors.revision_get(article, b)
        lines: list[tuple[str, str]] = []
        if old is not None and new is not None:
            lines = _diff_lines(old, new)
        return render(
            request,
            "portal/revisions.html",
            {"article": article, "revisions": revisions, "a": a, "b": b, "lines": lines},
        )


def _revision_text(revision: Any) -> list[str]:
    head = [revision.title, revision.subtitle, revision.source]
    return [*head, *plain_text(revision.body).splitlines()]


def _diff_lines(old: Any, new: Any) -> list[tuple[str, str]]:
    """(kind, text) for each line: "+" added, "-" removed, " " unchanged."""
    out = []
    for line in difflib.ndiff(_revision_text(old), _revision_text(new)):
        kind, text = line[:1], line[2:]
        if kind in {"+", "-", " "}:
            out.append((kind, text))
    return out


class StructureView(ScopedView):
    """Columns and special topics of the portal."""

    permission = perms.EDIT

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, ColumnForm(), TopicForm())

    def _page(self, request: HttpRequest, column_form: Any, topic_form: Any) -> HttpResponse:
        return render(
            request,
            "portal/structure.html",
            {
                "columns": selectors.columns(),
                "topics": selectors.topic_tree(),
                "column_form": column_form,
                "topic_form": topic_form,
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if "name" in request.POST:
            return submit(
                request,
                ColumnForm(request.POST),
                lambda form: services.column_ensure(request.user, form.cleaned_data["name"]),
                done=_("The column is ready."),
                to=reverse("portal:structure"),
                page=lambda form: self._page(request, form, TopicForm()),
            )
        return submit(
            request,
            TopicForm(request.POST),
            lambda form: services.topic_ensure(request.user, form.cleaned_data["path"].split(">")),
            done=_("The special topic is ready."),
            to=reverse("portal:structure"),
            page=lambda form: self._page(request, ColumnForm(), form),
        )
