"""The member's own volunteering page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mofan.core import access
from mofan.core.views import (
    ScopedView,
)
from mofan.orgs.models import PartnerUnit
from mofan.volunteer import selectors
from mofan.volunteer.models import (
    ActivityStatus,
)
from mofan.volunteer.views.common import member_of

# ---- The member's own volunteering --------------------------------------------------------


class MyVolunteeringView(ScopedView):
    """On a phone: activities to sign up for (by community), wishes offered, my hours, stars,
    certificates and claims."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        member = member_of(request.user)
        raw = request.GET.get("community", "")
        partner_id = int(raw) if raw.isdigit() else None
        context: dict[str, Any] = {
            "member": member,
            "activities": list(selectors.activities_open(partner_id=partner_id)[:30]),
            "communities": PartnerUnit.objects.filter(
                archived_at__isnull=True, volunteer_activities__status=ActivityStatus.OPEN
            )
            .distinct()
            .order_by("name"),
            "community": partner_id,
        }
        is_contact = PartnerUnit.objects.filter(
            contacts__user_id=int(request.user.pk or 0)
        ).exists()
        context["contact_wishes"] = (
            list(selectors.wishes_of_contact(user=request.user)[:30]) if is_contact else None
        )
        context["to_decide"] = list(selectors.registrations_to_decide(user=request.user)[:50])
        context["my_communities"] = (
            list(
                PartnerUnit.objects.filter(
                    contacts__user_id=int(request.user.pk or 0),
                    kind__in=["community", "subdistrict"],
                ).order_by("name")
            )
            if is_contact
            else []
        )
        if member is not None:
            context["registration"] = selectors.my_registration(member=member)
            context["tasks"] = list(selectors.my_tasks(member=member)[:20])
            context["evaluations"] = list(selectors.my_evaluations(member=member)[:5])
            context["residences"] = PartnerUnit.objects.filter(
                archived_at__isnull=True, kind__in=["community", "subdistrict"]
            ).order_by("name")
            context["record"] = selectors.my_volunteering(member=member)
            context["wishes"] = list(selectors.wishes_for_member(member=member)[:30])
            context["claims"] = list(selectors.my_claims(member=member)[:30])
        return render(request, "volunteer/mine.html", context)
