"""Pages of service orders: the board, ordering from the menu, one order with its open steps."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from mofan.cobuild import extensions, selectors, services
from mofan.cobuild import permissions as perms
from mofan.cobuild.forms import (
    OrderForm,
)
from mofan.cobuild.models import (
    Order,
    OrderState,
)
from mofan.cobuild.workflows import ORDER
from mofan.core import access
from mofan.core.uploads import stored_file_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    act,
    paginate,
    query_without_page,
    submit,
)
from mofan.core.workflow import Step

# ── Orders ──


def _month(raw: str) -> date | None:
    try:
        year, month = (int(x) for x in raw.split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None


def _options(choices: list[tuple[int, str]], chosen: str) -> str:
    """<option>s for a filter of hundreds of entries, built here rather than in a template
    loop (the board's largest cost for a whole city)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if str(pk) == chosen else "", name) for pk, name in choices),
    )


class OrderBoardView(ScopedView):
    """The order board: every order the person may see (a partner's contact: only its own),
    filtered by state, project, partner and month, with waiting times."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        state = state if state in OrderState.values else ""
        project = request.GET.get("project", "")
        partner = request.GET.get("partner", "")
        month_raw = request.GET.get("month", "")
        month = _month(month_raw)
        orders = selectors.order_board(
            actor=request.user,
            state=state,
            project_id=int(project) if project.isdigit() else None,
            partner_id=int(partner) if partner.isdigit() else None,
            month=month,
        )
        page = paginate(request, orders)
        contact = selectors.is_contact(request.user)
        staff = access.has_permission(request.user, perms.VIEW)
        context: dict[str, Any] = {
            "page": page,
            "query": query_without_page(request),
            "state": state,
            "states": OrderState.choices,
            "project": project,
            "partner": partner,
            "month": month_raw if month else "",
            "is_contact": contact,
            "is_staff": staff,
            "can_order": contact or access.has_permission(request.user, perms.MANAGE),
        }
        if staff:
            projects, partners = selectors.board_filter_choices(actor=request.user)
            context["project_options"] = _options(projects, project)
            context["partner_options"] = _options(partners, partner)
        if contact:
            context["agreements"] = list(selectors.partner_agreements(actor=request.user)[:20])
            context["demands"] = list(selectors.demand_list(actor=request.user)[:20])
        return render(request, "cobuild/orders.html", context)


class OrderCreateView(FormPageView):
    """点单 from the menu: a partner's contact, or staff for a partner they look after."""

    permission = access.AUTHENTICATED
    template_name = "cobuild/order_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        partners = selectors.partners_for(request.user)
        if not partners.exists():
            raise Http404
        topics = selectors.menu_topics()
        initial = {}
        raw = request.GET.get("topic", "")
        if raw.isdigit():
            topic = topics.filter(pk=int(raw)).first()
            if topic is not None:
                initial = {"topic": topic.pk, "format": (topic.project.formats or [""])[0]}
        return OrderForm(data, partners=partners, topics=topics, initial=initial)

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"topics": selectors.menu_topics()}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        order = services.order_place(actor=request.user, **data)
        return (
            _("Ordered. You will be told when a team takes it on."),
            reverse("cobuild:order", args=[order.pk]),
        )


def _step_form(step: Step, order: Order, data: Any = None, files: Any = None) -> Any:
    """The form the declaration names for the step (None for a button alone)."""
    return import_string(step.form)(data, files, order=order) if step.form else None


def _order_page(
    request: HttpRequest, order: Order, failed: tuple[str, Any] | None = None
) -> HttpResponse:
    """The order with the steps the person may take now, each with its form (the one just
    refused, `failed`, as it was typed, with its messages)."""
    steps = [
        (s, failed[1] if failed and failed[0] == s.name else _step_form(s, order))
        for s in ORDER.open_steps(request.user, order)
    ]
    return render(
        request,
        "cobuild/order.html",
        {
            "order": order,
            "steps": steps,
            "events": selectors.order_events(order),
            "taught_by": order.taught_by.all(),
            "photos": order.photos.all(),
            "states": OrderState,
            "panels": extensions.panels(request, order),
        },
    )


class OrderView(ScopedView):
    """One order: where it stands, its log and waiting times, and the form for each step the
    person may take now."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, order_id: int) -> HttpResponse:
        return _order_page(request, selectors.order_get(actor=request.user, pk=order_id))


class OrderStepView(ScopedView):
    """Every step after ordering, as declared in `workflows.ORDER`: its form, then its
    service (`services.order_<step>`), which decides who may take it."""

    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, order_id: int) -> HttpResponse:
        order = selectors.order_get(actor=request.user, pk=order_id)
        back = reverse("cobuild:order", kwargs={"order_id": order.pk})
        name = request.POST.get("step", "")
        step = next((s for s in ORDER.steps if s.name == name and s.sources), None)
        if step is None:
            messages.error(request, _("Choose what to do."))
            return redirect(back)
        service = getattr(services, f"order_{step.name}")
        try:
            if not step.form:
                return act(
                    request,
                    lambda: service(actor=request.user, order=order),
                    done=step.message,
                    to=back,
                )
            return submit(
                request,
                _step_form(step, order, request.POST, request.FILES),
                lambda form: service(actor=request.user, order=order, **form.arguments()),
                done=step.message,
                to=back,
                page=lambda form: self._again(request, order.pk, step, form),
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You do not have permission to do this here."))
            return redirect(back)

    def _again(self, request: HttpRequest, order_id: int, step: Step, form: Any) -> HttpResponse:
        """The page again after a refused step: its form as typed, next to the step, while the
        step is still open; else (the order has moved on) the reason at the top."""
        order = selectors.order_get(actor=request.user, pk=order_id)
        if ORDER.can_take(request.user, order, step.name):
            return _order_page(request, order, failed=(step.name, form))
        reasons = [e for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join(reasons))
        return redirect("cobuild:order", order_id=order.pk)


class OrderFileView(ScopedView):
    """The lesson plan or the slides, to whoever sees the order."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, order_id: int, which: str) -> HttpResponseBase:
        order = selectors.order_get(actor=request.user, pk=order_id)
        if which == "lesson_plan":
            return stored_file_response(
                order.lesson_plan, order.lesson_plan_type, order.lesson_plan_name
            )
        if which == "slides":
            return stored_file_response(order.slides, order.slides_type, order.slides_name)
        raise Http404


class OrderPhotoView(ScopedView):
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, order_photo_id: int) -> HttpResponseBase:
        photo = selectors.order_photo_get(actor=request.user, pk=order_photo_id)
        return stored_file_response(photo.file, photo.content_type, photo.name)
