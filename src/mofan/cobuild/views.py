from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mofan.cobuild import permissions as perms
from mofan.cobuild import selectors, services
from mofan.cobuild.forms import (
    AgreementForm,
    ArchiveForm,
    DemandForm,
    JointMeetingForm,
    OrderForm,
    ProjectEditForm,
    ProjectForm,
    ProjectMemberForm,
    TopicForm,
)
from mofan.cobuild.models import (
    AgreementParty,
    DemandState,
    Order,
    OrderFormat,
    OrderPhoto,
    OrderState,
    ServiceProject,
)
from mofan.cobuild.workflows import ORDER
from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.exports import wants_xlsx, xlsx_response
from mofan.core.uploads import stored_file_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    act,
    apply_domain_error,
    paginate,
    query_without_page,
    submit,
)
from mofan.core.workflow import Step
from mofan.orgs.models import Organisation
from mofan.orgs.selectors import org_get

EXPORT_MAX_ROWS = 100_000


class AgreementListView(ScopedView):
    """The co-building agreements, all or those in force or ended; `?export=xlsx` gives the
    same list as the 台账 in Excel."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        state = state if state in selectors.AGREEMENT_STATES else ""
        agreements = selectors.agreement_list(actor=request.user, state=state)
        today = timezone.localdate()
        if wants_xlsx(request):
            return _agreements_xlsx(agreements[:EXPORT_MAX_ROWS], today)
        return render(
            request,
            "cobuild/agreements.html",
            {
                "agreements": agreements[:200],
                "state": state,
                "states": [("active", _("In force")), ("ended", _("Ended"))],
                "query": query_without_page(request),
                "today": today,
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


def _agreements_xlsx(agreements: Any, today: date) -> HttpResponse:
    header = [
        _("Title"),
        _("Kept by"),
        _("Signed on"),
        _("Ends on"),
        _("In force"),
        _("Party organisations"),
        _("Partner units"),
        pgettext("agreement", "Summary"),
    ]
    yes, no = _("Yes"), _("No")
    rows = (
        [
            a.title,
            a.org.name,
            a.signed_on,
            a.ends_on,
            no if a.ended_at or a.ends_on < today else yes,
            "、".join(p.org.name for p in a.parties.all() if p.org),
            "、".join(p.partner.name for p in a.parties.all() if p.partner),
            a.summary,
        ]
        for a in agreements
    )
    return xlsx_response(_("Co-building agreements"), header, rows, filename="共建协议台账.xlsx")


class AgreementCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "cobuild/agreement_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return AgreementForm(data, files, actor=request.user)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        agreement = services.agreement_create(
            actor=request.user,
            org=org,
            title=data["title"],
            signed_on=data["signed_on"],
            ends_on=data["ends_on"],
            party_orgs=list(Organisation.objects.filter(pk__in=data["party_orgs"])),
            party_partners=list(data["party_partners"]),
            summary=data["summary"],
            scan=data["scan"],
        )
        return (
            _("The agreement is recorded; add each party's duties."),
            reverse("cobuild:agreement", args=[agreement.pk]),
        )


class AgreementView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, agreement_id: int) -> HttpResponse:
        agreement = selectors.agreement_get(actor=request.user, pk=agreement_id)
        return render(
            request,
            "cobuild/agreement.html",
            {
                "agreement": agreement,
                "parties": agreement.parties.select_related("org", "partner"),
                "meetings": agreement.joint_meetings.all(),
                "meeting_form": JointMeetingForm(initial={"held_on": timezone.localdate()}),
                "can_manage": access.can(request.user, perms.MANAGE, agreement.org),
                "today": timezone.localdate(),
            },
        )

    def post(self, request: HttpRequest, agreement_id: int) -> HttpResponse:
        """The keeper's changes: a party's duties, a joint meeting, or ending the agreement."""
        agreement = selectors.agreement_get(
            actor=request.user, pk=agreement_id, permission=perms.MANAGE
        )
        step = request.POST.get("step", "")
        try:
            if step == "duties":
                raw = request.POST.get("party", "")
                party = (
                    AgreementParty.objects.filter(agreement=agreement, pk=int(raw)).first()
                    if raw.isdigit()
                    else None
                )
                if party is None:
                    raise Http404
                services.party_duties_save(
                    actor=request.user, party=party, duties=request.POST.get("duties", "")
                )
                done = _("The duties are saved.")
            elif step == "meeting":
                form = JointMeetingForm(request.POST)
                if not form.is_valid():
                    raise DomainError(_("Enter the date and who took part."))
                services.joint_meeting_record(
                    actor=request.user, agreement=agreement, **form.cleaned_data
                )
                done = _("The joint meeting is recorded.")
            elif step == "end":
                services.agreement_end(
                    actor=request.user, agreement=agreement, reason=request.POST.get("reason", "")
                )
                done = _("The agreement has ended.")
            else:
                raise DomainError(_("Choose what to do."))
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return redirect("cobuild:agreement", agreement_id=agreement.pk)


class AgreementScanView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, agreement_id: int) -> HttpResponseBase:
        agreement = selectors.agreement_get(actor=request.user, pk=agreement_id)
        return stored_file_response(agreement.scan, agreement.scan_type, agreement.scan_name)


# ── Service projects ──


class ProjectListView(ScopedView):
    """The project list: on offer by default; the archived ones (已归档) or all on request."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        show = request.GET.get("show", "")
        show = show if show in selectors.PROJECT_SHOWS else "current"
        return render(
            request,
            "cobuild/projects.html",
            {
                "projects": selectors.project_list(actor=request.user, show=show)[:200],
                "show": show,
                "shows": [
                    ("current", _("On offer")),
                    ("archived", _("Archived")),
                    ("all", _("All")),
                ],
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


class ProjectCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "cobuild/project_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return ProjectForm(data, actor=request.user)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        project = services.project_create(
            actor=request.user,
            org=org,
            name=data["name"],
            kind=data["kind"],
            formats=data["formats"],
            team_orgs=list(Organisation.objects.filter(pk__in=data["team_orgs"])),
            summary=data["summary"],
        )
        return (
            _("The project is on the list; add its team and menu."),
            reverse("cobuild:project", args=[project.pk]),
        )


class ProjectEditView(FormPageView):
    """Edit a project: name, summary, formats, team organisations, owning organisation (only
    to one the editor manages too)."""

    permission = perms.MANAGE
    template_name = "cobuild/project_form.html"

    def load_subject(self, request: HttpRequest) -> ServiceProject:
        project = selectors.project_get(
            actor=request.user, pk=self.kwargs["project_id"], permission=perms.MANAGE
        )
        if project.archived_at is not None:
            raise Http404
        return project

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        project = self.subject(request)
        return ProjectEditForm(
            data,
            actor=request.user,
            initial={
                "org": project.org_id,
                "name": project.name,
                "formats": project.formats,
                "team_orgs": [o.pk for o in project.team_orgs.all()],
                "summary": project.summary,
            },
        )

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"project": self.subject(request)}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        project = self.subject(request)
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        services.project_update(
            actor=request.user,
            project=project,
            org=org,
            name=data["name"],
            formats=data["formats"],
            team_orgs=list(Organisation.objects.filter(pk__in=data["team_orgs"])),
            summary=data["summary"],
        )
        return _("The project is saved."), reverse("cobuild:project", args=[project.pk])


class ProjectView(ScopedView):
    """A project's team and menu; its managers add people and topics here."""

    permission = perms.VIEW

    def get(self, request: HttpRequest, project_id: int) -> HttpResponse:
        project = selectors.project_get(actor=request.user, pk=project_id)
        return self._render(request, project)

    def _render(
        self,
        request: HttpRequest,
        project: ServiceProject,
        member_form: Any = None,
        topic_form: Any = None,
        edit_form: Any = None,
        archive_form: Any = None,
    ) -> HttpResponse:
        manager = access.can(request.user, perms.MANAGE, project.org)
        can_manage = manager and project.archived_at is None
        people = list(project.team.select_related("member").order_by("id"))
        topics = list(project.topics.prefetch_related(selectors.current_lecturers()).order_by("id"))
        editing = None
        if can_manage and edit_form is None:
            editing = next(
                (t for t in topics if str(t.pk) == request.GET.get("edit_topic", "")), None
            )
            if editing is not None and editing.archived_at is None:
                edit_form = TopicForm(
                    project=project,
                    prefix="edit",
                    initial={
                        "title": editing.title,
                        "description": editing.description,
                        "lecturers": [p.pk for p in editing.lecturers.all()],
                    },
                )
        elif edit_form is not None:
            editing = next((t for t in topics if str(t.pk) == request.POST.get("topic", "")), None)
        return render(
            request,
            "cobuild/project.html",
            {
                "project": project,
                "formats": [OrderFormat(f).label for f in project.formats],
                "team_orgs": project.team_orgs.order_by("path"),
                "team": [p for p in people if p.left_at is None],
                "former": [p for p in people if p.left_at is not None],
                "topics": [t for t in topics if t.archived_at is None],
                "retired": [t for t in topics if t.archived_at is not None],
                "can_manage": can_manage,
                "member_form": member_form or (ProjectMemberForm(project=project)),
                "topic_form": topic_form or TopicForm(project=project),
                "editing": editing,
                "edit_form": edit_form,
                "archive_form": archive_form or ArchiveForm(),
                "can_restore": manager and project.archived_at is not None,
            },
        )

    def post(self, request: HttpRequest, project_id: int) -> HttpResponse:
        project = selectors.project_get(actor=request.user, pk=project_id, permission=perms.MANAGE)
        step = request.POST.get("step", "")
        if step == "member":
            form: Any = ProjectMemberForm(request.POST, project=project)
            if form.is_valid():
                try:
                    services.project_member_add(
                        actor=request.user, project=project, **form.cleaned_data
                    )
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Added to the team."))
                    return redirect("cobuild:project", project_id=project.pk)
            return self._render(request, project, member_form=form)
        if step in ("topic", "topic_edit"):
            # A new topic and an edited one: the same form, each its own service.
            editing = step == "topic_edit"
            topic = (
                get_object_or_404(project.topics, pk=request.POST.get("topic") or 0)
                if editing
                else None
            )
            form = TopicForm(request.POST, project=project, prefix="edit" if editing else None)
            if form.is_valid():
                data = form.cleaned_data
                fields = {
                    "title": data["title"],
                    "description": data["description"],
                    "lecturers": list(data["lecturers"]),
                }
                try:
                    if topic is not None:
                        services.topic_update(actor=request.user, topic=topic, **fields)
                    else:
                        services.topic_add(actor=request.user, project=project, **fields)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("The topic is saved.") if editing else _("The topic is on the menu."),
                    )
                    return redirect("cobuild:project", project_id=project.pk)
            if editing:
                return self._render(request, project, edit_form=form)
            return self._render(request, project, topic_form=form)
        if step in ("archive", "restore"):
            # Archiving and restoring share the reason form; each is its own service.
            form = ArchiveForm(request.POST)
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                try:
                    if step == "archive":
                        services.project_archive(actor=request.user, project=project, reason=reason)
                    else:
                        services.project_restore(actor=request.user, project=project, reason=reason)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("The project is archived: nothing new is ordered from it.")
                        if step == "archive"
                        else _("The project is on offer again."),
                    )
                    return redirect("cobuild:project", project_id=project.pk)
            return self._render(request, project, archive_form=form)
        try:
            if step == "topic_retire":
                topic = get_object_or_404(project.topics, pk=request.POST.get("topic") or 0)
                services.topic_retire(actor=request.user, topic=topic)
                messages.success(request, _("%(title)s is off the menu.") % {"title": topic.title})
            elif step == "member_end":
                person = get_object_or_404(project.team, pk=request.POST.get("person") or 0)
                services.project_member_end(actor=request.user, person=person)
                messages.success(request, _("%(name)s has left the team.") % {"name": person.name})
            else:
                messages.error(request, _("Choose what to do."))
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("cobuild:project", project_id=project.pk)


# ── Demands ──


class DemandListView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        state = state if state in DemandState.values else ""
        page = paginate(request, selectors.demand_list(actor=request.user, state=state))
        return render(
            request,
            "cobuild/demands.html",
            {"page": page, "state": state, "states": DemandState.choices},
        )


class DemandCreateView(FormPageView):
    """A partner's contact posts a demand; staff may post one for a partner they look after."""

    permission = access.AUTHENTICATED
    template_name = "cobuild/demand_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        partners = selectors.partners_for(request.user)
        if not partners.exists():
            raise Http404
        return DemandForm(data, partners=partners)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        demand = services.demand_post(actor=request.user, **data)
        return _("The demand is posted."), reverse("cobuild:demand", args=[demand.pk])


class DemandView(ScopedView):
    """One demand: its coordinators match it to a project; the partner closes it."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, demand_id: int) -> HttpResponse:
        demand = selectors.demand_get(actor=request.user, pk=demand_id)
        projects = selectors.project_list(actor=request.user)
        coordinated = [p for p in projects if access.can(request.user, perms.COORDINATE, p.org)]
        return render(
            request,
            "cobuild/demand.html",
            {
                "demand": demand,
                "projects": coordinated,
                "can_close": demand.state != DemandState.CLOSED
                and (
                    access.is_partner_contact(request.user, demand.partner)
                    or access.can(request.user, perms.MANAGE, demand.partner.org)
                ),
                "is_contact": access.is_partner_contact(request.user, demand.partner),
            },
        )

    def post(self, request: HttpRequest, demand_id: int) -> HttpResponse:
        demand = selectors.demand_get(actor=request.user, pk=demand_id)
        step = request.POST.get("step", "")
        try:
            if step == "match":
                raw = request.POST.get("project", "")
                if not raw.isdigit():
                    raise DomainError(_("Choose a project."))
                project = selectors.project_get(
                    actor=request.user, pk=int(raw), permission=perms.COORDINATE
                )
                services.demand_match(actor=request.user, demand=demand, project=project)
                done = _("The demand is matched; the partner is told.")
            elif step == "close":
                services.demand_close(actor=request.user, demand=demand)
                done = _("The demand is closed.")
            else:
                raise DomainError(_("Choose what to do."))
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("cobuild:demand", demand_id=demand.pk)


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
        photo = OrderPhoto.objects.filter(pk=order_photo_id).first()
        if photo is None:
            raise Http404
        selectors.order_get(actor=request.user, pk=photo.order_id)
        return stored_file_response(photo.file, photo.content_type, photo.name)


# ── Statistics ──


def _stats_context(request: HttpRequest) -> dict[str, Any]:
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= this_year + 1 else this_year
    stats = selectors.order_statistics(actor=request.user, year=year)
    return {
        "year": year,
        "years": list(range(this_year, this_year - 5, -1)),
        "stats": stats,
        "groups": [
            (_("By topic"), stats.by_topic),
            (_("By school or partner"), stats.by_partner),
            (_("By team"), stats.by_team),
            (_("By month"), stats.by_month),
        ],
    }


class OrderStatisticsView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "cobuild/order_statistics.html", _stats_context(request))


class OrderStatisticsExportView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        context = _stats_context(request)
        stats, year = context["stats"], context["year"]
        rows: list[list[Any]] = [
            [_("Orders"), "", stats.total, ""],
            [_("Average rating"), "", stats.average_rating or "", stats.ratings],
            [_("Average wait for dispatch (hours)"), "", stats.wait_dispatch_hours or "", ""],
            [_("Average wait for the session (days)"), "", stats.wait_deliver_days or "", ""],
        ]
        for label, group in context["groups"]:
            rows += [[label, name, n, done] for name, n, done in group]
        rows += [
            [_("Lecturer"), f"{name}（{unit}）", n, people]
            for name, unit, n, people in stats.lecturers
        ]
        return xlsx_response(
            _("Service orders"),
            [_("Item"), _("Name"), _("Orders"), _("Took place / people")],
            rows,
            filename=f"服务订单统计-{year}.xlsx",
        )
