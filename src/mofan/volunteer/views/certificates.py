"""The pages of certificates: issue, download, the public check."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.views import (
    FormPageView,
    ScopedView,
)
from mofan.members.models import Member
from mofan.orgs.selectors import org_get
from mofan.volunteer import permissions as perms
from mofan.volunteer import selectors, services
from mofan.volunteer.documents import certificate_docx
from mofan.volunteer.forms import (
    CertificateCheckForm,
    CertificateForm,
)


class CertificateCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "volunteer/certificate_form.html"

    def load_subject(self, request: HttpRequest) -> Member:
        """A member who took part in an activity of the actor's organisations (404 else)."""
        return selectors.participant_member(actor=request.user, member_id=self.kwargs["member_id"])

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        self.subject(request)
        today = timezone.localdate()
        initial = {"period_from": today.replace(month=1, day=1), "period_to": today}
        return CertificateForm(data, actor=request.user, initial=initial)

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"member": self.subject(request)}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        certificate = services.certificate_issue(
            actor=request.user,
            member=self.subject(request),
            org=org,
            period_from=data["period_from"],
            period_to=data["period_to"],
            person_in_charge=data["person_in_charge"],
            handler=data["handler"],
            handler_contact=data["handler_contact"],
        )
        return (
            _("Certificate %(number)s issued.") % {"number": certificate.number},
            reverse("volunteer:certificate_docx", args=[certificate.pk]),
        )


class CertificateDocxView(ScopedView):
    """The certificate, for its holder or for staff who may see the issuing organisation."""

    # Its holder (a member, who holds no grant for it) or staff: the selector decides (404).
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, certificate_id: int) -> HttpResponseBase:
        certificate = selectors.certificate_get_for(user=request.user, pk=certificate_id)
        body = certificate_docx(
            certificate,
            check_url=request.build_absolute_uri(reverse("volunteer:certificate_check")),
        )
        response = HttpResponse(
            body,
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        name = f"志愿服务证明-{certificate.number}.docx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response


class CertificateCheckView(ScopedView):
    """Public: anyone holding a certificate's number and check code can verify it."""

    permission = access.PUBLIC

    def get(self, request: HttpRequest) -> HttpResponse:
        form = CertificateCheckForm(request.GET or None)
        found = None
        checked = False
        if form.is_valid():
            checked = True
            found = selectors.certificate_check(
                number=form.cleaned_data["number"], code=form.cleaned_data["code"]
            )
        return render(
            request,
            "volunteer/certificate_check.html",
            {"form": form, "found": found, "checked": checked},
        )
