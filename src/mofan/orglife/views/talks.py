"""谈心谈话: the list of talks and recording one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.views import (
    FormPageView,
    ScopedView,
    paginate,
    query_without_page,
)
from mofan.orglife import permissions as perms
from mofan.orglife import selectors, services
from mofan.orglife.forms import (
    HeartTalkForm,
    TalkFilterForm,
)
from mofan.orglife.views.filters import year_filter
from mofan.orgs.models import OrgKind
from mofan.orgs.selectors import org_get


class HeartTalkListView(ScopedView):
    """谈心谈话: the talks in scope for a year; for a branch, how far they reach."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year = year_filter(request)
        org = None
        if request.GET.get("org", "").isdigit():
            org = org_get(actor=request.user, pk=int(request.GET["org"]), permission=perms.VIEW)
        coverage = (
            selectors.talk_coverage(org=org, year=year)
            if org is not None and org.kind == OrgKind.BRANCH
            else None
        )
        page = paginate(request, selectors.talk_list(actor=request.user, org=org, year=year))
        form = TalkFilterForm(
            {"org": org.pk if org else "", "year": year}, actor=request.user, chosen=org
        )
        return render(
            request,
            "orglife/talks.html",
            {
                "year": year,
                "org": org,
                "page": page,
                "coverage": coverage,
                "form": form,
                "query": query_without_page(request),
                "can_record": org is not None
                and org.kind == OrgKind.BRANCH
                and access.can(request.user, perms.MANAGE_MEETINGS, org),
                "tab": "talks",
            },
        )


class HeartTalkCreateView(FormPageView):
    permission = perms.MANAGE_MEETINGS
    template_name = "orglife/talk_form.html"

    def load_subject(self, request: HttpRequest) -> Any:
        return org_get(
            actor=request.user, pk=self.kwargs["org_id"], permission=perms.MANAGE_MEETINGS
        )

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        people = selectors.branch_people(org=self.subject(request))
        return HeartTalkForm(data, people=people, initial={"talked_on": timezone.localdate()})

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"org": self.subject(request)}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        org, data = self.subject(request), form.cleaned_data
        people = selectors.members_by_pk([data["initiator"], data["counterpart"]])
        services.heart_talk_record(
            actor=request.user,
            org=org,
            initiator=people[data["initiator"]],
            counterpart=people[data["counterpart"]],
            talked_on=data["talked_on"],
            summary=data["summary"],
        )
        return (
            _("The talk is recorded."),
            f"{reverse('orglife:talks')}?org={org.pk}&year={data['talked_on'].year}",
        )
