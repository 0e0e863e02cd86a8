from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.cobuild.models import OrderFormat
from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.exports import wants_xlsx, xlsx_response
from mofan.core.uploads import stored_file_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    act,
    apply_domain_error,
    query_without_page,
)
from mofan.lawedu import permissions as perms
from mofan.lawedu import rules, selectors, services
from mofan.lawedu.forms import (
    AdjustForm,
    AppointmentForm,
    AttachmentForm,
    EndForm,
    MaterialForm,
    MockTrialForm,
    ReceiveForm,
    ThresholdForm,
    issue_form,
)
from mofan.lawedu.models import ParticipantKind, TrialRole
from mofan.orgs.selectors import org_get

EXPORT_MAX_ROWS = 100_000


class MaterialListView(ScopedView):
    """普法资料: every handout in scope (or only those low on stock) with its stock, the low
    ones first, and the latest movements; `?export=xlsx` gives the 台账 in Excel, with what was
    received and given out this year."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        low_only = request.GET.get("low") == "1"
        if wants_xlsx(request):
            year = timezone.localdate().year
            ledger = selectors.material_ledger(actor=request.user, low_only=low_only, year=year)
            return _materials_xlsx(ledger[:EXPORT_MAX_ROWS], year)
        materials = list(selectors.material_list(actor=request.user, low_only=low_only)[:300])
        materials.sort(key=lambda m: (not m.is_low, m.org.path, m.name))
        return render(
            request,
            "lawedu/materials.html",
            {
                "materials": materials,
                "low_only": low_only,
                "query": query_without_page(request),
                "low": [m for m in materials if m.is_low],
                "movements": selectors.recent_movements(actor=request.user),
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


def _materials_xlsx(materials: Any, year: int) -> HttpResponse:
    header = [
        _("Handout"),
        _("Unit"),
        _("Stock kept by"),
        _("On hand"),
        _("Reserved"),
        _("Available"),
        _("Low-stock threshold"),
        _("Received in %(year)s") % {"year": year},
        _("Given out in %(year)s") % {"year": year},
        _("Note"),
    ]
    rows = (
        [
            m.name,
            m.unit,
            m.org.name,
            m.stock,
            m.reserved,
            m.available,
            m.low_stock_at,
            m.received_in_year,
            m.issued_in_year,
            m.note,
        ]
        for m in materials
    )
    return xlsx_response(_("Handouts"), header, rows, filename=f"普法资料台账-{year}.xlsx")


class MaterialCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "lawedu/material_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return MaterialForm(data, actor=request.user)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        material = services.material_create(
            actor=request.user,
            org=org,
            name=data["name"],
            unit=data["unit"],
            stock=data["stock"],
            low_stock_at=data["low_stock_at"],
            note=data["note"],
        )
        return _("The handout is added to the stock."), reverse(
            "lawedu:material", args=[material.pk]
        )


class MaterialView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, material_id: int) -> HttpResponse:
        material = selectors.material_get(actor=request.user, pk=material_id)
        return render(
            request,
            "lawedu/material.html",
            {
                "material": material,
                "movements": selectors.movement_list(material=material)[:200],
                "reservations": selectors.reservation_list(material=material)[:100],
                "can_manage": access.can(request.user, perms.MANAGE, material.org),
                "receive_form": ReceiveForm(),
                "adjust_form": AdjustForm(),
                "threshold_form": ThresholdForm(
                    initial={"low_stock_at": material.low_stock_at, "note": material.note}
                ),
            },
        )

    def post(self, request: HttpRequest, material_id: int) -> HttpResponse:
        """The keeper's changes: copies received, a counted correction, the threshold."""
        material = selectors.material_get(
            actor=request.user, pk=material_id, permission=perms.MANAGE
        )
        actor, post = request.user, request.POST

        def threshold() -> Any:
            form = ThresholdForm(post)
            if not form.is_valid():
                raise DomainError(_("Enter the threshold as a whole number."))
            return services.material_update(
                actor=actor,
                material=material,
                low_stock_at=form.cleaned_data["low_stock_at"],
                note=form.cleaned_data["note"],
            )

        steps: dict[str, tuple[Callable[[], Any], str]] = {
            "receive": (
                lambda: services.material_receive(
                    actor=actor,
                    material=material,
                    quantity=post.get("quantity"),
                    note=post.get("note", ""),
                ),
                _("The copies are added to the stock."),
            ),
            "adjust": (
                lambda: services.material_adjust(
                    actor=actor,
                    material=material,
                    delta=post.get("delta"),
                    reason=post.get("reason", ""),
                ),
                _("The stock is corrected."),
            ),
            "threshold": (threshold, _("Saved.")),
        }
        back = reverse("lawedu:material", kwargs={"material_id": material.pk})
        if post.get("step", "") not in steps:
            messages.error(request, _("Choose what to do."))
            return redirect(back)
        call, done = steps[post["step"]]
        return act(request, call, done=done, to=back)


class OrderHandoutsView(ScopedView):
    """The handouts given out at one ordered session, and the form to record an issue."""

    permission = perms.VIEW

    def _materials(self, request: HttpRequest, order: Any) -> list[Any]:
        if order.state not in services.SESSION_STATES:
            return []
        return selectors.issue_choices(actor=request.user)

    def _page(self, request: HttpRequest, order: Any, form: Any = None) -> HttpResponse:
        materials = self._materials(request, order)
        return render(
            request,
            "lawedu/order_handouts.html",
            {
                "order": order,
                "issues": selectors.order_issues(order=order),
                "form": form or (issue_form(materials) if materials else None),
                "can_issue": order.state in services.SESSION_STATES,
            },
        )

    def get(self, request: HttpRequest, order_id: int) -> HttpResponse:
        return self._page(request, selectors.order_get(actor=request.user, pk=order_id))

    def post(self, request: HttpRequest, order_id: int) -> HttpResponse:
        order = selectors.order_get(actor=request.user, pk=order_id)
        materials = self._materials(request, order)
        if not materials:
            messages.error(request, _("No handouts in stock that you may give out here."))
            return redirect("lawedu:order_handouts", order_id=order.pk)
        form = issue_form(materials, request.POST)
        if form.is_valid():
            quantities = {m: form.cleaned_data.get(f"qty_{m.pk}") or 0 for m in materials}
            try:
                issued = services.handouts_issue(
                    actor=request.user, order=order, quantities=quantities
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Issued: %(what)s.")
                    % {
                        "what": "、".join(
                            f"{mv.material.name} {-mv.quantity}{mv.material.unit}" for mv in issued
                        )
                    },
                )
                return redirect("lawedu:order_handouts", order_id=order.pk)
        return self._page(request, order, form)


class MockTrialView(ScopedView):
    """模拟法庭 of one session: the case, the nine roles (with what is still missing), the
    script and attachments, the outcome."""

    permission = perms.VIEW

    def get(self, request: HttpRequest, order_id: int) -> HttpResponse:
        order = selectors.order_get(actor=request.user, pk=order_id)
        return self._page(request, order)

    def _page(self, request: HttpRequest, order: Any, form: Any = None) -> HttpResponse:
        trial = selectors.mock_trial_of(order=order)
        initial = (
            {
                "case_title": trial.case_title,
                "case_summary": trial.case_summary,
                "script": trial.script,
                "outcome": trial.outcome,
            }
            if trial
            else {}
        )
        is_mock_trial = order.format == OrderFormat.MOCK_TRIAL
        return render(
            request,
            "lawedu/mock_trial.html",
            {
                "order": order,
                "trial": trial,
                "is_mock_trial": is_mock_trial,
                "can_record": is_mock_trial
                and order.state in services.SESSION_STATES
                and access.can(request.user, perms.MANAGE, order.project.org),
                "form": form or MockTrialForm(initial=initial),
                "seats": selectors.seat_table(trial),
                "missing": selectors.missing_roles(trial),
                "kinds": ParticipantKind.choices,
                "attachments": (trial.attachments.filter(removed_at__isnull=True) if trial else []),
                "attach_form": AttachmentForm(),
            },
        )

    def post(self, request: HttpRequest, order_id: int) -> HttpResponse:
        order = selectors.order_get(actor=request.user, pk=order_id, permission=perms.MANAGE)
        trial = selectors.mock_trial_of(order=order)
        step = request.POST.get("step", "")
        try:
            if step == "case":
                form = MockTrialForm(request.POST)
                if not form.is_valid():
                    return self._page(request, order, form)
                services.mock_trial_save(actor=request.user, order=order, **form.cleaned_data)
                done = _("The mock trial is saved.")
            elif trial is None:
                raise DomainError(_("Record the case first."))
            elif step == "roles":
                seats = {
                    role: {
                        "kind": request.POST.get(f"{role}-kind", ""),
                        "name": request.POST.get(f"{role}-name", ""),
                        "class_name": request.POST.get(f"{role}-class", ""),
                    }
                    for role in TrialRole.values
                }
                services.trial_roles_save(actor=request.user, trial=trial, seats=seats)
                missing = selectors.missing_roles(selectors.mock_trial_of(order=order))
                done = (
                    _("Roles saved; still to fill: %(roles)s.") % {"roles": "、".join(missing)}
                    if missing
                    else _("Roles saved; all nine roles are filled.")
                )
            elif step == "attach":
                services.trial_attach(
                    actor=request.user, trial=trial, upload=request.FILES.get("file")
                )
                done = _("The file is attached.")
            elif step == "remove":
                raw = request.POST.get("attachment", "")
                attachment = (
                    trial.attachments.filter(pk=int(raw), removed_at__isnull=True).first()
                    if raw.isdigit()
                    else None
                )
                if attachment is None:
                    raise Http404
                services.trial_attachment_remove(actor=request.user, attachment=attachment)
                done = _("The file is removed.")
            else:
                raise DomainError(_("Choose what to do."))
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return redirect("lawedu:mock_trial", order_id=order.pk)


class TrialAttachmentView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, trial_attachment_id: int) -> HttpResponseBase:
        attachment = selectors.trial_attachment_get(actor=request.user, pk=trial_attachment_id)
        return stored_file_response(attachment.file, attachment.content_type, attachment.name)


class AppointmentListView(ScopedView):
    """法治辅导员: every appointment in scope with this year's class hours against the rule,
    and a warning where one person serves more than two schools."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        appointments = selectors.appointment_list(actor=request.user, today=today)
        return render(
            request,
            "lawedu/appointments.html",
            {
                "appointments": appointments,
                "year": today.year,
                "today": today,
                "required": rules.HOURS_PER_YEAR,
                "max_schools": rules.MAX_SCHOOLS,
                "short": [a for a in appointments if a.serving and not a.hours_met],  # type: ignore[attr-defined]
                "crowded": sorted(
                    {a.person.name for a in appointments if a.serving and a.too_many}  # type: ignore[attr-defined]
                ),
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


class AppointmentCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "lawedu/appointment_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return AppointmentForm(
            data, actor=request.user, initial={"starts_on": timezone.localdate()}
        )

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        appointment = services.appointment_create(
            actor=request.user,
            person=data["person"],
            partner=data["partner"],
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
        appointment = selectors.appointment_get(actor=request.user, pk=appointment.pk)
        done = _("The appointment is recorded.")
        if appointment.too_many:  # type: ignore[attr-defined]
            messages.warning(
                request,
                _("%(name)s now serves %(n)d schools; the rule allows at most two.")
                % {"name": appointment.person.name, "n": appointment.schools_now},  # type: ignore[attr-defined]
            )
        return done, reverse("lawedu:appointment", args=[appointment.pk])


class AppointmentView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, appointment_id: int) -> HttpResponse:
        appointment = selectors.appointment_get(actor=request.user, pk=appointment_id)
        return render(
            request,
            "lawedu/appointment.html",
            {
                "a": appointment,
                "year": timezone.localdate().year,
                "required": rules.HOURS_PER_YEAR,
                "can_manage": access.can(
                    request.user, perms.MANAGE, appointment.person.project.org
                ),
                "end_form": EndForm(initial={"ended_on": timezone.localdate()}),
            },
        )

    def post(self, request: HttpRequest, appointment_id: int) -> HttpResponse:
        appointment = selectors.appointment_get(
            actor=request.user, pk=appointment_id, permission=perms.MANAGE
        )
        form = EndForm(request.POST)
        try:
            if not form.is_valid():
                raise DomainError(_("Enter the date and the reason."))
            services.appointment_end(
                actor=request.user,
                appointment=appointment,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The appointment has ended."))
        return redirect("lawedu:appointment", appointment_id=appointment.pk)


class AppointmentExportView(ScopedView):
    """The counsellors' list with this year's class hours, as an Excel file."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        rows = [
            [
                a.person.name,
                a.person.unit,
                a.get_title_display(),
                a.partner.name,
                a.starts_on.isoformat(),
                a.last_day.isoformat(),
                a.end_reason,
                a.hours,  # type: ignore[attr-defined]
                _("yes") if a.hours_met else _("no"),  # type: ignore[attr-defined]
                a.schools_now,  # type: ignore[attr-defined]
            ]
            for a in selectors.appointment_list(actor=request.user, today=today)
        ]
        return xlsx_response(
            _("Legal counsellors"),
            [
                _("Person"),
                _("Unit"),
                _("Appointed as"),
                _("School or partner"),
                _("Starts on"),
                _("Ends on"),
                _("Reason for ending early"),
                _("Class hours in %(year)s") % {"year": today.year},
                _("At least four"),
                _("Schools served now"),
            ],
            rows,
            filename=f"法治辅导员-{today.year}.xlsx",
        )
