from __future__ import annotations

from html import escape
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.exports import xlsx_file_response, xlsx_response
from mofan.core.paths import subtree_q
from mofan.core.registry import all_permissions
from mofan.core.views import FormPageView, ScopedView, act, apply_domain_error, paginate
from mofan.orgs import permissions as perms
from mofan.orgs import selectors, services
from mofan.orgs.forms import (
    ContactForm,
    ImportForm,
    OrganForm,
    OrgArchiveForm,
    OrgCreateForm,
    OrgMoveForm,
    OrgUpdateForm,
    PartnerForm,
    SeatEndForm,
    SeatForm,
    TermForm,
)
from mofan.orgs.imports import org_import_plan, template_xlsx
from mofan.orgs.models import Organ, Organisation, OrgKind
from mofan.orgs.rules import TERM_YEARS


class TreeView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.get("q", "").strip()
        show_archived = request.GET.get("archived") == "1"
        roots = selectors.org_tree(actor=request.user, query=query, include_archived=show_archived)
        template = "orgs/_tree.html" if request.headers.get("HX-Request") else "orgs/tree.html"
        return render(
            request,
            template,
            {
                "roots": roots,
                "q": query,
                "show_archived": show_archived,
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


class TreeExportView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        header = [
            _("Name"),
            _("Kind"),
            _("Parent organisation"),
            _("Organ"),
            _("Members (with subordinates)"),
            _("Full members"),
            _("Secretary"),
            _("Term ends on"),
        ]
        return xlsx_response(
            _("Organisations"),
            header,
            selectors.org_ledger(actor=request.user),
            filename="organisations.xlsx",
        )


class OrgChildrenView(ScopedView):
    """The next level of a large tree, fetched when a node is opened."""

    permission = perms.VIEW

    def get(self, request: HttpRequest, org_id: int) -> HttpResponse:
        org = selectors.org_get(actor=request.user, pk=org_id)
        forest = selectors.org_tree(actor=request.user, under=org, levels=1)
        nodes = forest[0].children if forest else []
        return render(request, "orgs/_children.html", {"nodes": nodes})


class OrgDetailView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, org_id: int) -> HttpResponse:
        org = selectors.org_get(actor=request.user, pk=org_id)
        visible_children = selectors.org_list(actor=request.user, include_archived=True).filter(
            subtree_q(org.path), depth=org.depth + 1
        )
        parent = Organisation.objects.get_parent(org)
        return render(
            request,
            "orgs/detail.html",
            {
                "org": org,
                "parent": parent
                if parent and access.can(request.user, perms.VIEW, parent)
                else None,
                "children": visible_children,
                "seats": selectors.seat_list(org=org),
                "members": selectors.org_members(org=org),
                "terms": selectors.term_list(org=org),
                "flags": selectors.branch_flags(
                    actor=request.user, orgs=Organisation.objects.filter(pk=org.pk)
                ),
                "can_manage": access.can(request.user, perms.MANAGE, org),
                "has_committee": org.kind != OrgKind.GROUP,
                "has_terms": org.kind in TERM_YEARS,
            },
        )


class OrgCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "orgs/form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return OrgCreateForm(
            data, initial={"parent": request.GET.get("parent")}, actor=request.user
        )

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"title": _("New organisation")}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        parent = selectors.org_get(actor=request.user, pk=data["parent"], permission=perms.MANAGE)
        org = services.org_create(
            actor=request.user,
            name=data["name"],
            kind=data["kind"],
            parent=parent,
            organ=data["organ"],
            is_joint=data["is_joint"],
        )
        return _("%(name)s was created.") % {"name": org.name}, _detail(org)


def _detail(org: Organisation) -> str:
    return reverse("orgs:detail", kwargs={"org_id": org.pk})


class OrgFormView(FormPageView):
    """A form about one organisation the user manages (`org_id` in the address), on
    orgs/form.html; the organisation is read once per request (404 outside the scope)."""

    permission = perms.MANAGE
    template_name = "orgs/form.html"
    title: Any = ""
    danger = False

    def load_subject(self, request: HttpRequest) -> Organisation:
        return selectors.org_get(
            actor=request.user, pk=self.kwargs["org_id"], permission=perms.MANAGE
        )

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"org": self.subject(request), "title": self.title, "danger": self.danger}


class OrgUpdateView(OrgFormView):
    title = gettext_lazy("Edit organisation")

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        org = self.subject(request)
        initial = {"name": org.name, "organ": org.organ, "is_joint": org.is_joint}
        return OrgUpdateForm(data, initial=initial)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        org = self.subject(request)
        services.org_update(actor=request.user, org=org, **form.cleaned_data)
        return _("The organisation was saved."), _detail(org)


class OrgMoveView(OrgFormView):
    title = gettext_lazy("Move organisation")

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return OrgMoveForm(data, actor=request.user, org=self.subject(request))

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        org = self.subject(request)
        target = selectors.org_get(
            actor=request.user, pk=form.cleaned_data["new_parent"], permission=perms.MANAGE
        )
        services.org_move(actor=request.user, org=org, new_parent=target)
        return (
            _("%(name)s now stands under %(parent)s.") % {"name": org.name, "parent": target.name},
            _detail(org),
        )


class OrgArchiveView(OrgFormView):
    title = gettext_lazy("Archive organisation")
    danger = True

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return OrgArchiveForm(data)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        org = self.subject(request)
        services.org_archive(actor=request.user, org=org, reason=form.cleaned_data["reason"])
        return _("The organisation was archived; its history is kept."), _detail(org)


class SeatAssignView(OrgFormView):
    title = gettext_lazy("Assign a committee seat")

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return SeatForm(data, holders=selectors.member_choices(org=self.subject(request)))

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        org, data = self.subject(request), form.cleaned_data
        holder = selectors.seat_holder_get(pk=data["holder"])
        services.seat_assign(
            actor=request.user,
            org=org,
            position=data["position"],
            holder=holder,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
        return _("The seat was assigned."), _detail(org)


class SeatEndView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest, seat_id: int) -> HttpResponse:
        seat = selectors.seat_get(actor=request.user, pk=seat_id)
        form = SeatEndForm(request.POST)
        back = reverse("orgs:detail", kwargs={"org_id": seat.org_id})
        if not form.is_valid():
            messages.error(request, _("Enter a valid end date."))
            return redirect(back)
        return act(
            request,
            lambda: services.seat_end(
                actor=request.user, seat=seat, ends_on=form.cleaned_data["ends_on"]
            ),
            done=_("The seat was ended."),
            to=back,
        )


class TermCreateView(OrgFormView):
    title = gettext_lazy("Record an election")

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return TermForm(data)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        org = self.subject(request)
        services.term_start(actor=request.user, org=org, **form.cleaned_data)
        return _("The new term was recorded."), _detail(org)


class TermWatchView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        page = paginate(request, selectors.term_watchlist(actor=request.user), 50)
        return render(request, "orgs/terms.html", {"page": page, "rows": page})


class FlagsView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        page = paginate(request, selectors.branch_flags(actor=request.user), 50)
        return render(request, "orgs/flags.html", {"page": page, "flags": page})


class OrganListView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request, "orgs/organs.html", {"organs": Organ.objects.all(), "form": OrganForm()}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OrganForm(request.POST)
        if form.is_valid():
            try:
                services.organ_create(actor=request.user, name=form.cleaned_data["name"])
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The organ was added."))
                return redirect("orgs:organs")
        return render(request, "orgs/organs.html", {"organs": Organ.objects.all(), "form": form})


class PartnerListView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "orgs/partners.html",
            {
                "partners": selectors.partner_list(actor=request.user),
                "can_manage": access.has_permission(request.user, perms.MANAGE_PARTNERS),
            },
        )


class PartnerCreateView(FormPageView):
    permission = perms.MANAGE_PARTNERS
    template_name = "orgs/form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return PartnerForm(data, actor=request.user)

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"title": _("New partner unit")}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = selectors.org_get(
            actor=request.user, pk=data["org"], permission=perms.MANAGE_PARTNERS
        )
        partner = services.partner_create(
            actor=request.user,
            org=org,
            name=data["name"],
            kind=data["kind"],
            address=data["address"],
        )
        return _("The partner unit was added."), reverse(
            "orgs:partner_detail", kwargs={"partner_id": partner.pk}
        )


class PartnerDetailView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, partner_id: int) -> HttpResponse:
        partner = selectors.partner_get(actor=request.user, pk=partner_id)
        return render(
            request,
            "orgs/partner_detail.html",
            {
                "partner": partner,
                "contacts": partner.contacts.select_related("user"),
                "form": ContactForm(),
                "can_manage": access.can(request.user, perms.MANAGE_PARTNERS, partner.org),
            },
        )


class PartnerContactAddView(ScopedView):
    permission = perms.MANAGE_PARTNERS

    def post(self, request: HttpRequest, partner_id: int) -> HttpResponse:
        partner = selectors.partner_get(
            actor=request.user, pk=partner_id, permission=perms.MANAGE_PARTNERS
        )
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                services.partner_contact_add(
                    actor=request.user, partner=partner, **form.cleaned_data
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The contact was added."))
                return redirect("orgs:partner_detail", partner_id=partner.pk)
        return render(
            request,
            "orgs/partner_detail.html",
            {
                "partner": partner,
                "contacts": partner.contacts.select_related("user"),
                "form": form,
                "can_manage": True,
            },
        )


class PartnerContactLoginView(ScopedView):
    """Link a contact to a login, or unlink it (the form on the partner unit's page)."""

    permission = perms.MANAGE_PARTNERS

    def post(self, request: HttpRequest, partner_contact_id: int) -> HttpResponse:
        contact = selectors.partner_contact_get(actor=request.user, pk=partner_contact_id)
        username = "" if request.POST.get("unlink") else request.POST.get("username", "")
        back = reverse("orgs:partner_detail", kwargs={"partner_id": contact.partner_id})
        if not username.strip() and not request.POST.get("unlink"):
            messages.error(request, _("Enter the login username."))
            return redirect(back)
        return act(
            request,
            lambda: services.partner_contact_link_user(
                actor=request.user, contact=contact, username=username
            ),
            done=_linked_message,
            to=back,
        )


def _linked_message(linked: Any) -> str:
    if linked.user is None:
        return _("%(name)s no longer signs in for the unit.") % {"name": linked.name}
    return _("%(name)s signs in as %(login)s and acts for the unit.") % {
        "name": linked.name,
        "login": linked.user.username,
    }


IMPORT_ERRORS_KEY = "orgs_import_errors"


class OrgImportView(ScopedView):
    """Check a file (nothing written) or import it (all rows or none)."""

    permission = perms.MANAGE

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "orgs/import.html", {"form": ImportForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            try:
                plan = org_import_plan(actor=request.user, upload=form.cleaned_data["file"])
            except DomainError as exc:
                apply_domain_error(form, exc)
                return render(request, "orgs/import.html", context)
            request.session[IMPORT_ERRORS_KEY] = [
                [e.row, e.column, e.value, e.reason] for e in plan.errors[:2000]
            ]
            context["plan"] = plan
            if plan.ok and request.POST.get("commit") == "1":
                try:
                    created = services.org_import_commit(actor=request.user, plan=plan)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(
                        request, _("%(n)d organisations were imported.") % {"n": len(created)}
                    )
                    return redirect("orgs:tree")
        return render(request, "orgs/import.html", context)


class OrgImportTemplateView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest) -> HttpResponse:
        return xlsx_file_response(template_xlsx(), filename="org-import-template.xlsx")


class OrgImportErrorsView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = request.session.get(IMPORT_ERRORS_KEY, [])
        header = [_("Row"), _("Column"), _("Value"), _("Reason")]
        return xlsx_response(_("Import errors"), header, rows, filename="import-errors.xlsx")


class OrgPickerOptionsView(ScopedView):
    """The options of a long organisation picker, fetched by mofan.js after the page loads:
    only the organisations in the actor's scope for the named permission."""

    # Any form's picker asks: what is shown is already limited to the actor's scope for the
    # permission named (nothing without it), so a login is all the view itself needs.
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        code = request.GET.get("permission", "")
        kinds = {k for k in request.GET.get("kinds", "").split(",") if k in OrgKind.values}
        if code not in all_permissions():
            raise Http404
        rows = selectors.org_choices(actor=request.user, permission=code, kinds=kinds or None)
        blank = request.GET.get("blank")
        body = "".join(
            f'<option value="{escape(str(pk))}">{escape(label)}</option>' for pk, label in rows
        )
        if blank is not None:
            body = f'<option value="">{escape(blank)}</option>{body}'
        return HttpResponse(body)
