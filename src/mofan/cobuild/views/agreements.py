"""Pages of co-building agreements: the list (and its Excel 台账), one agreement, its signed
copy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
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
from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.exports import wants_xlsx, xlsx_response
from mofan.core.uploads import stored_file_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    act,
    query_without_page,
)
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
            party_orgs=selectors.organisations(data["party_orgs"]),
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
        actor, post = request.user, request.POST

        def meeting() -> Any:
            form = JointMeetingForm(post)
            if not form.is_valid():
                raise DomainError(_("Enter the date and who took part."))
            return services.joint_meeting_record(
                actor=actor, agreement=agreement, **form.cleaned_data
            )

        steps: dict[str, tuple[Callable[[], Any], str]] = {
            "duties": (
                lambda: services.party_duties_save(
                    actor=actor,
                    party=selectors.agreement_party(agreement, post.get("party", "")),
                    duties=post.get("duties", ""),
                ),
                _("The duties are saved."),
            ),
            "meeting": (meeting, _("The joint meeting is recorded.")),
            "end": (
                lambda: services.agreement_end(
                    actor=actor, agreement=agreement, reason=post.get("reason", "")
                ),
                _("The agreement has ended."),
            ),
        }
        back = reverse("cobuild:agreement", kwargs={"agreement_id": agreement.pk})
        if post.get("step", "") not in steps:
            messages.error(request, _("Choose what to do."))
            return redirect(back)
        call, done = steps[post["step"]]
        return act(request, call, done=done, to=back)


class AgreementScanView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, agreement_id: int) -> HttpResponseBase:
        agreement = selectors.agreement_get(actor=request.user, pk=agreement_id)
        return stored_file_response(agreement.scan, agreement.scan_type, agreement.scan_name)
