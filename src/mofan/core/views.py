from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any, cast

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from mofan.core import access, selectors, services
from mofan.core import permissions as perms
from mofan.core.actions import action_label, describe_changes
from mofan.core.errors import DomainError
from mofan.core.exports import xlsx_response
from mofan.core.forms import AuditFilterForm, NoticeForm
from mofan.core.models import Message


class ScopedView(View):
    """Every Mofan view declares `permission`; this checks it before anything else runs.

    Object lookups inside the view go through `core.access.get_for_actor` (404 when missing
    or out of scope).
    """

    permission: str | access.Policy = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.permission:
            raise UndeclaredPermissionError(type(self).__name__)
        if self.permission != access.PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if isinstance(self.permission, access.Policy):
            self.permission.check(request.user)
        elif not access.has_permission(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UndeclaredPermissionError(RuntimeError):
    """A view without a permission declaration is a programming error."""


def apply_domain_error(form: djforms.BaseForm, error: DomainError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


def act(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    done: str | Promise | Callable[[Any], str],
    to: str,
    back: str = "",
) -> HttpResponse:
    """A button that posts no fields: call the service; when it succeeds say `done` (or
    `done(result)`) and go to `to`; when it refuses (`DomainError`), say why at the top of the
    page the button was on (`back`, else `to`) — the service changed nothing. An empty `done`
    says nothing: the page it goes to shows what changed."""
    try:
        result = call()
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back or to)
    text = done(result) if callable(done) else str(done)
    if text:
        messages.success(request, text)
    return redirect(to)


def submit(
    request: HttpRequest,
    form: djforms.BaseForm,
    call: Callable[[Any], Any],
    *,
    done: str | Promise | Callable[[Any], str],
    to: str | Callable[[Any], str],
    page: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """A posted form: when it is valid, call the service with it (`call(form)`); on success
    say `done` and go to `to`; otherwise — invalid, or refused by the service — draw the page
    again with `page(form)`, each message next to its field (a `DomainError` keyed by field
    name) or at the top of the form, and what was typed kept."""
    if form.is_valid():
        try:
            result = call(form)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, done(result) if callable(done) else str(done))
            return redirect(to(result) if callable(to) else to)
    return page(form)


class FormPageView(ScopedView):
    """A page with one form: GET shows it; POST validates it and calls `save` (which calls the
    service). On success the message is shown and the browser goes to the returned address; a
    `DomainError` is put back onto the form next to its field, and nothing is lost.

    Subclasses set `template_name` and write `make_form` and `save`; `context` adds to the
    template's context. URL arguments are in `self.kwargs`; a page about one object reads it in
    `load_subject` and uses `self.subject(request)`."""

    template_name: str = ""

    def load_subject(self, request: HttpRequest) -> Any:
        """The object the page is about (from `self.kwargs`, through a selector that checks the
        scope and raises 404), or None."""
        return None

    def subject(self, request: HttpRequest) -> Any:
        """`load_subject`, read once per request."""
        if not hasattr(self, "_subject"):
            self._subject = self.load_subject(request)
        return self._subject

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        raise NotImplementedError

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        """Do the work; return (success message, address to go to)."""
        raise NotImplementedError

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {}

    def render_form(self, request: HttpRequest, form: Any) -> HttpResponse:
        return render(request, self.template_name, {"form": form, **self.context(request, form)})

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(request, self.make_form(request))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return submit(
            request,
            self.make_form(request, request.POST, request.FILES),
            lambda form: self.save(request, form),
            done=lambda saved: saved[0],
            to=lambda saved: saved[1],
            page=lambda form: self.render_form(request, form),
        )


@cache
def pk_url(name: str) -> str:
    """The URL of the view `name` that takes one `pk`, as a `str.format` pattern: a list
    writes each row's link with `.format(pk)` instead of resolving the URL once per row.
    (`pk` is a number: nothing in it needs quoting.)"""
    marker = 987654321
    return reverse(name, args=[marker]).replace(str(marker), "{}")


def paginate(request: HttpRequest, queryset: Any, per_page: int = 25) -> Any:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class _Counted:
    """Stands for a list of `total` rows that the database counted but did not send."""

    def __init__(self, total: int) -> None:
        self.total = total

    def __len__(self) -> int:
        return self.total


def counted_page(rows: list[Any], total: int, number: int, per_page: int) -> Page:
    """A page for `_pager.html` from a selector that read one page of rows and the list's
    total itself (in one query), instead of a queryset the paginator counts and slices."""
    # The paginator only measures its list here (`count`, `num_pages`): it never slices it.
    return Page(rows, number, Paginator(cast(Any, _Counted(total)), per_page))


def page_number(request: HttpRequest) -> int:
    """The page asked for (`?page=`); anything that is not a positive number is the first."""
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


def query_without_page(request: HttpRequest) -> str:
    """The list's filters, to carry over to the other pages of the list."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class HomeView(ScopedView):
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        figures = selectors.home_figures(actor=request.user)
        latest = selectors.notice_inbox(actor=request.user)[:5]
        return render(request, "core/home.html", {"figures": figures, "latest": latest})


class NoticeInboxView(ScopedView):
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        page = paginate(request, selectors.notice_inbox(actor=request.user))
        return render(request, "core/notice_inbox.html", {"page": page})


class NoticeDetailView(ScopedView):
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, notice_id: int) -> HttpResponse:
        receipt = selectors.notice_receipt_get(actor=request.user, notice_pk=notice_id)
        services.notice_mark_read(actor=request.user, receipt=receipt)
        return render(
            request, "core/notice_detail.html", {"notice": receipt.notice, "receipt": receipt}
        )


class NoticeSentView(ScopedView):
    permission = perms.SEND_NOTICE

    def get(self, request: HttpRequest) -> HttpResponse:
        page = paginate(request, selectors.notice_sent_list(actor=request.user))
        return render(request, "core/notice_sent.html", {"page": page})


class NoticeCreateView(ScopedView):
    permission = perms.SEND_NOTICE

    def _form(self, request: HttpRequest, data: Any = None) -> NoticeForm:
        return NoticeForm(data, actor=request.user)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "core/notice_form.html", {"form": self._form(request)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                notice = services.notice_send(actor=request.user, **form.service_kwargs())
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The notice was sent to %(n)d people.") % {"n": notice.receipts.count()},
                )
                return redirect("core:notice_receipts", notice_id=notice.pk)
        return render(request, "core/notice_form.html", {"form": form})


class NoticeReceiptsView(ScopedView):
    permission = perms.SEND_NOTICE

    def get(self, request: HttpRequest, notice_id: int) -> HttpResponse:
        notice = selectors.notice_sent_get(actor=request.user, pk=notice_id)
        receipts = selectors.notice_receipts(notice=notice)
        return render(
            request, "core/notice_receipts.html", {"notice": notice, "receipts": receipts}
        )


class MessageInboxView(ScopedView):
    """消息: filtered by kind; an order's automatic messages make one line; marked read in
    bulk (all shown, or the lines ticked) with one POST."""

    permission = access.AUTHENTICATED
    max_lines = 500  # ticked at once: far more than one page shows

    @staticmethod
    def _kind(raw: str) -> str:
        return raw if raw in Message.Kind.values else ""

    def get(self, request: HttpRequest) -> HttpResponse:
        kind = self._kind(request.GET.get("kind", ""))
        page = paginate(request, selectors.message_lines(actor=request.user, kind=kind))
        unread = selectors.message_unread_by_kind(actor=request.user)
        kinds = [
            {"value": value, "label": label, "unread": unread.get(value, 0)}
            for value, label in Message.Kind.choices
        ]
        return render(
            request,
            "core/messages.html",
            {
                "page": page,
                "lines": selectors.message_threads(actor=request.user, lines=list(page)),
                "kind": kind,
                "kinds": kinds,
                "unread_total": sum(unread.values()),
                "query": query_without_page(request),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        kind = self._kind(request.POST.get("kind", ""))
        ids: list[int] | None = None
        if request.POST.get("scope") == "selected":
            # A line's box holds the ids of all its messages (an order's line: several).
            ids = [
                int(n)
                for box in request.POST.getlist("ids")[: self.max_lines]
                for n in box.split()[: self.max_lines]
                if n.isascii() and n.isdigit() and len(n) < 19
            ]
            if not ids:
                messages.error(request, _("Tick the messages to mark as read."))
        if ids is None or ids:
            marked = services.messages_mark_read(actor=request.user, kind=kind, message_ids=ids)
            messages.success(
                request,
                ngettext("%(n)d message marked as read.", "%(n)d messages marked as read.", marked)
                % {"n": marked},
            )
        url = reverse("core:messages")
        return redirect(f"{url}?kind={kind}" if kind else url)


def _audit_filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters["action"] = data.get("action") or ""
        filters["actor_name"] = data.get("actor_name") or ""
        tz = timezone.get_current_timezone()
        if data.get("since"):
            filters["since"] = datetime.combine(data["since"], time.min, tzinfo=tz)
        if data.get("until"):
            filters["until"] = datetime.combine(
                data["until"] + timedelta(days=1), time.min, tzinfo=tz
            )
    return form, filters


class AuditListView(ScopedView):
    permission = perms.VIEW_AUDIT

    def get(self, request: HttpRequest) -> HttpResponse:
        form, filters = _audit_filters(request)
        page = paginate(request, selectors.audit_list(actor=request.user, **filters), 50)
        for event in page:
            event.action_label = action_label(event.action)
            event.described = describe_changes(event)
        return render(
            request,
            "core/audit_list.html",
            {"form": form, "page": page, "query": query_without_page(request)},
        )


class AuditExportView(ScopedView):
    permission = perms.VIEW_AUDIT
    max_rows = 50_000

    def get(self, request: HttpRequest) -> HttpResponse:
        _form, filters = _audit_filters(request)
        rows = selectors.audit_list(actor=request.user, **filters)[: self.max_rows]
        header = [
            _("Time"),
            _("Actor"),
            _("Organisation"),
            _("Action"),
            _("Action code"),
            _("Target"),
            _("Changes"),
            _("IP address"),
            _("Hash"),
        ]
        body = (
            [
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_label,
                e.org.name if e.org else "",
                action_label(e.action),
                e.action,
                e.target_label,
                "; ".join(
                    f"{name}: {before} → {after}" for name, before, after in describe_changes(e)
                ),
                e.ip or "",
                e.hash,
            ]
            for e in rows.iterator(chunk_size=2000)
        )
        return xlsx_response(_("Audit log"), header, body, filename="audit-log.xlsx")
