from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mofan.core import access, identity
from mofan.core.errors import DomainError
from mofan.core.exports import xlsx_file_response, xlsx_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    act,
    apply_domain_error,
    counted_page,
    page_number,
    paginate,
    pk_url,
    query_without_page,
)
from mofan.members import permissions as perms
from mofan.members import selectors, services
from mofan.members.forms import (
    ArchiveForm,
    LinkUserForm,
    MakeFullForm,
    MemberFilterForm,
    MemberForm,
    RosterImportForm,
    TransferForm,
)
from mofan.members.imports import template_xlsx as roster_template
from mofan.members.models import Gender, Member, MemberStatus
from mofan.members.rules import whole_years
from mofan.orgs.models import Organisation
from mofan.orgs.selectors import org_get

FIELD_LABELS = {
    **{f.name: f.verbose_name for f in Member._meta.get_fields() if hasattr(f, "verbose_name")},
    "id_number_masked": Member._meta.get_field("id_number_masked").verbose_name,
    "mobile_masked": Member._meta.get_field("mobile_masked").verbose_name,
}


def _shown(value: Any) -> Any:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def birth_shown(born: Any, *, full: bool) -> str:
    """The date of birth in full only to holders of the sensitive permission; to others the
    year, so that with the masked ID number it never completes the number."""
    if not born:
        return ""
    if full:
        return f"{born.year}年{born.month}月{born.day}日"
    return _("%(year)s (year only)") % {"year": str(born)[:4]}


def _history_value(key: str, value: Any, *, full: bool) -> Any:
    """A value of the record's history as the reader may see it: older masks re-masked, the
    date of birth by year for those without the sensitive permission."""
    if full or value is None:
        return _shown(value)
    if key == "birth_date":
        return birth_shown(value, full=False)
    if key == "id_number_masked" and isinstance(value, str):
        return identity.remask_id(value)
    return _shown(value)


def _filters(request: HttpRequest) -> tuple[MemberFilterForm, selectors.MemberFilters]:
    form = MemberFilterForm(request.GET or None, actor=request.user)
    filters = selectors.MemberFilters()
    if form.is_valid():
        data = form.cleaned_data
        org = form.chosen_org if data.get("org") else None
        lead = data.get("leading_cadre")
        filters = selectors.MemberFilters(
            org=org,
            query=data.get("q") or "",
            status=data.get("status") or "",
            gender=data.get("gender") or "",
            age_band=data.get("age_band") or "",
            standing_band=data.get("standing_band") or "",
            education=data.get("education") or "",
            leading_cadre=None if not lead else lead == "1",
            archived=bool(data.get("archived")),
            sort=data.get("sort") or "name",
        )
    return form, filters


class MemberListView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        form, filters = _filters(request)
        found, total, number = selectors.member_page(
            actor=request.user, filters=filters, number=page_number(request), per_page=20
        )
        page = counted_page(found, total, number, 20)
        today = timezone.localdate()
        # Labels translated once per page, not once per row.
        genders = {key: str(label) for key, label in Gender.choices}
        statuses = {key: str(label) for key, label in MemberStatus.choices}
        link = pk_url("members:detail")
        rows = [
            (
                m,
                link.format(m.pk),
                whole_years(m.birth_date, today),
                whole_years(m.joined_on, today),
                genders.get(m.gender, m.gender),
                statuses.get(m.status, m.status),
            )
            for m in found
        ]
        template = (
            "members/_list.html" if request.headers.get("HX-Request") else "members/list.html"
        )
        return render(
            request,
            template,
            {
                "form": form,
                "page": page,
                "rows": rows,
                "query": query_without_page(request),
                "can_unmask": access.has_permission(request.user, perms.VIEW_SENSITIVE),
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


class MemberExportView(ScopedView):
    """Excel of exactly the filtered list; numbers masked unless the holder of the sensitive
    permission asks for them (`full=1`), which is audited."""

    permission = perms.VIEW
    max_rows = 100_000

    def get(self, request: HttpRequest) -> HttpResponse:
        _form, filters = _filters(request)
        found = selectors.member_list(actor=request.user, filters=filters)[: self.max_rows]
        today = timezone.localdate()
        unmasked: dict[int, services.Unmasked] = {}
        members: Iterable[Member]
        # Only a full export (the holder's, audited) gives the whole date of birth.
        if request.GET.get("full") == "1":
            if not access.has_permission(request.user, perms.VIEW_SENSITIVE):
                raise PermissionDenied
            members = list(found)
            unmasked = services.members_unmask_for_export(actor=request.user, members=members)
        else:
            members = found.iterator(chunk_size=2000)
        header = [
            _("Full name"),
            _("Gender"),
            _("Ethnicity"),
            _("Date of birth"),
            _("Age"),
            _("ID number"),
            _("Mobile number"),
            _("Education"),
            _("Organ"),
            _("Job title"),
            _("Joined the party on"),
            _("Party standing (years)"),
            _("Full member since"),
            _("Status"),
            _("Branch"),
            _("Party group"),
            _("Leading cadre"),
            _("Mobile member"),
        ]
        yes, no = _("Yes"), _("No")
        body = (
            [
                m.full_name,
                m.get_gender_display(),
                m.ethnicity,
                m.birth_date if m.pk in unmasked else birth_shown(m.birth_date, full=False),
                whole_years(m.birth_date, today),
                unmasked[m.pk].id_number if m.pk in unmasked else m.id_number_masked,
                unmasked[m.pk].mobile if m.pk in unmasked else m.mobile_masked,
                m.get_education_display(),
                m.organ.name if m.organ else "",
                m.job_title,
                m.joined_on,
                whole_years(m.joined_on, today),
                m.full_member_on,
                m.get_status_display(),
                m.org.name,
                m.group.name if m.group else "",
                yes if m.is_leading_cadre else no,
                yes if m.is_mobile else no,
            ]
            for m in members
        )
        return xlsx_response(_("Party members"), header, body, filename="members.xlsx")


class MemberDetailView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, member_id: int) -> HttpResponse:
        member = selectors.member_get(actor=request.user, pk=member_id)
        return render(request, "members/detail.html", self._context(request, member))

    @staticmethod
    def _context(request: HttpRequest, member: Member, **extra: Any) -> dict[str, Any]:
        today = timezone.localdate()
        full = access.can(request.user, perms.VIEW_SENSITIVE, member.org)
        return {
            "member": member,
            "age": whole_years(member.birth_date, today),
            "birth": birth_shown(member.birth_date, full=full),
            "standing": whole_years(member.joined_on, today),
            "history": [
                (
                    event,
                    [
                        (
                            FIELD_LABELS.get(key, key),
                            [_history_value(key, v, full=full) for v in change],
                        )
                        for key, change in event.changes.items()
                        if isinstance(change, list)
                    ],
                )
                for event in selectors.member_history(member=member)[:50]
            ],
            "transfers": selectors.member_transfers(actor=request.user, member=member),
            "can_manage": access.can(request.user, perms.MANAGE, member.org),
            "can_unmask": full,
            **extra,
        }


class MemberUnmaskView(ScopedView):
    permission = perms.VIEW_SENSITIVE

    def post(self, request: HttpRequest, member_id: int) -> HttpResponse:
        member = selectors.member_get(
            actor=request.user, pk=member_id, permission=perms.VIEW_SENSITIVE
        )
        unmasked = services.member_unmask(actor=request.user, member=member)
        return render(
            request,
            "members/detail.html",
            MemberDetailView._context(request, member, unmasked=unmasked),
        )


def _fields_from(form: MemberForm, org: Organisation) -> services.MemberFields:
    data = form.cleaned_data
    group = Organisation.objects.filter(pk=data["group"]).first() if data.get("group") else None
    return services.MemberFields(
        full_name=data["full_name"],
        org=org,
        status=data.get("status") or "full",
        group=group,
        gender=data.get("gender") or "",
        ethnicity=data.get("ethnicity") or "",
        birth_date=data.get("birth_date"),
        id_number=data.get("id_number") or "",
        mobile=data.get("mobile") or "",
        education=data.get("education") or "",
        organ=data.get("organ"),
        job_title=data.get("job_title") or "",
        joined_on=data.get("joined_on"),
        full_member_on=data.get("full_member_on"),
        is_leading_cadre=data.get("is_leading_cadre", False),
        is_mobile=data.get("is_mobile", False),
    )


class MemberCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "members/form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return MemberForm(data, actor=request.user, initial={"org": request.GET.get("org")})

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"title": _("New member")}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        org = org_get(actor=request.user, pk=form.cleaned_data["org"], permission=perms.MANAGE)
        member = services.member_add(actor=request.user, fields=_fields_from(form, org))
        return (
            _("The record of %(name)s was created.") % {"name": member.full_name},
            reverse("members:detail", kwargs={"member_id": member.pk}),
        )


class _MemberActionView(FormPageView):
    """A form about one record the user manages (`member_id` in the address), read once per
    request; on success back to the record."""

    permission = perms.MANAGE
    template_name = "members/form.html"
    title: Any = ""

    def load_subject(self, request: HttpRequest) -> Member:
        return selectors.member_get(
            actor=request.user, pk=self.kwargs["member_id"], permission=perms.MANAGE
        )

    def perform(self, request: HttpRequest, member: Member, form: Any) -> str:
        raise NotImplementedError

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"member": self.subject(request), "title": self.title}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        member = self.subject(request)
        message = self.perform(request, member, form)
        return message, reverse("members:detail", kwargs={"member_id": member.pk})


class MemberUpdateView(_MemberActionView):
    title = gettext_lazy("Edit record")

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        member = self.subject(request)
        # The date of birth is read from the ID number on record when left empty; those who
        # may not see the full number do not see the full date either.
        hide_birth = bool(member.id_number_encrypted) and not access.can(
            request.user, perms.VIEW_SENSITIVE, member.org
        )
        initial = {
            "full_name": member.full_name,
            "org": member.org_id,
            "group": member.group_id,
            "status": member.status,
            "gender": member.gender,
            "birth_date": None if hide_birth else member.birth_date,
            "ethnicity": member.ethnicity,
            "education": member.education,
            "organ": member.organ,
            "job_title": member.job_title,
            "joined_on": member.joined_on,
            "full_member_on": member.full_member_on,
            "is_leading_cadre": member.is_leading_cadre,
            "is_mobile": member.is_mobile,
        }
        form = MemberForm(data, actor=request.user, editing=True, initial=initial)
        form.fields["id_number"].widget.attrs["placeholder"] = member.id_number_masked
        form.fields["mobile"].widget.attrs["placeholder"] = member.mobile_masked
        if hide_birth:
            form.fields["birth_date"].help_text = _(
                "On record: %(birth)s; read from the ID number when left empty."
            ) % {"birth": birth_shown(member.birth_date, full=False)}
        return form

    def perform(self, request: HttpRequest, member: Member, form: Any) -> str:
        services.member_update(
            actor=request.user, member=member, fields=_fields_from(form, member.org)
        )
        return _("The record was saved.")


class MemberTransferView(_MemberActionView):
    title = gettext_lazy("Transfer to another branch")

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return TransferForm(data, actor=request.user)

    def perform(self, request: HttpRequest, member: Member, form: Any) -> str:
        data = form.cleaned_data
        to_org = org_get(actor=request.user, pk=data["to_org"], permission=perms.MANAGE)
        services.member_transfer(
            actor=request.user,
            member=member,
            to_org=to_org,
            transferred_on=data["transferred_on"],
            reason=data["reason"],
        )
        return _("%(name)s was transferred to %(org)s.") % {
            "name": member.full_name,
            "org": to_org.name,
        }


class MemberMakeFullView(_MemberActionView):
    title = gettext_lazy("Full membership")

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return MakeFullForm(data)

    def perform(self, request: HttpRequest, member: Member, form: Any) -> str:
        data = form.cleaned_data
        services.member_make_full(
            actor=request.user, member=member, full_member_on=data["full_member_on"]
        )
        return _("%(name)s is now a full member.") % {"name": member.full_name}


class MemberArchiveView(_MemberActionView):
    title = gettext_lazy("Archive the record")

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return ArchiveForm(data)

    def perform(self, request: HttpRequest, member: Member, form: Any) -> str:
        data = form.cleaned_data
        services.member_archive(
            actor=request.user, member=member, reason=data["reason"], note=data["note"]
        )
        return _("The record was archived; its history is kept.")


class TransferListView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        page = paginate(request, selectors.member_transfers(actor=request.user))
        return render(request, "members/transfers.html", {"page": page})


class RosterImportView(ScopedView):
    permission = perms.MANAGE

    def _render(self, request: HttpRequest, form: RosterImportForm) -> HttpResponse:
        jobs = selectors.import_jobs(actor=request.user)[:10]
        return render(request, "members/import.html", {"form": form, "jobs": jobs})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, RosterImportForm(actor=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RosterImportForm(request.POST, request.FILES, actor=request.user)
        if form.is_valid():
            target = org_get(
                actor=request.user, pk=form.cleaned_data["org"], permission=perms.MANAGE
            )
            try:
                job = services.roster_import_start(
                    actor=request.user,
                    target=target,
                    upload=form.cleaned_data["file"],
                    update_existing=form.cleaned_data["update_existing"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                return redirect("members:import_job", job_id=job.pk)
        return self._render(request, form)


class ImportJobView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = selectors.import_job_get(actor=request.user, pk=job_id)
        template = "members/_job.html" if request.headers.get("HX-Request") else "members/job.html"
        return render(request, template, {"job": job, "errors": job.errors[:500]})


class ImportJobConfirmView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = selectors.import_job_get(actor=request.user, pk=job_id)
        # No message on success: the job's page shows its progress.
        return act(
            request,
            lambda: services.roster_import_confirm(actor=request.user, job=job),
            to=reverse("members:import_job", kwargs={"job_id": job.pk}),
        )


class ImportJobErrorsView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = selectors.import_job_get(actor=request.user, pk=job_id)
        header = [_("Row"), _("Column"), _("Value"), _("Reason")]
        return xlsx_response(
            _("Import errors"), header, job.errors, filename=f"roster-errors-{job.pk}.xlsx"
        )


class RosterTemplateView(ScopedView):
    permission = perms.MANAGE

    def get(self, request: HttpRequest) -> HttpResponse:
        return xlsx_file_response(roster_template(), filename="roster-template.xlsx")


class MemberLinkUserView(_MemberActionView):
    title = gettext_lazy("Login account")

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return LinkUserForm(data)

    def perform(self, request: HttpRequest, member: Member, form: Any) -> str:
        data = form.cleaned_data
        linked = services.member_link_user(
            actor=request.user, member=member, username=data["username"]
        )
        if linked.user is None:
            return _("The record is no longer linked to a login.")
        return _("The record is linked to the login %(name)s.") % {"name": linked.user.username}


class MyRecordView(ScopedView):
    """A member's own record (self-service): their facts, masked, and their transfers."""

    permission = access.PARTY_MEMBER

    def get(self, request: HttpRequest) -> HttpResponse:
        member = selectors.own_record(actor=request.user)
        if member is None:
            return render(request, "members/my_record.html", {"member": None})
        today = timezone.localdate()
        return render(
            request,
            "members/my_record.html",
            {
                "member": member,
                "age": whole_years(member.birth_date, today),
                "standing": whole_years(member.joined_on, today),
                "transfers": member.transfers.select_related("from_org", "to_org"),
            },
        )
