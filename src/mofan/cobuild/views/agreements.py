"""Pages of co-building agreements: the list (and its Excel 台账), one agreement, its signed
copy."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mofan.cobuild import permissions as perms
from mofan.cobuild import selectors, services
from mofan.cobuild.forms import (
    AgreementForm,
    JointMeetingForm,
)
from mofan.cobuild.models import (
    AgreementParty,
)
from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.exports import wants_xlsx, xlsx_response
from mofan.core.uploads import stored_file_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    query_without_page,
)
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
