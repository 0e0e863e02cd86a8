"""The member's own volunteering page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mofan.core import access
from mofan.core.views import (
    ScopedView,
)
from mofan.members.selectors import member_of_user
from mofan.volunteer import selectors

# ---- The member's own volunteering --------------------------------------------------------


class MyVolunteeringView(ScopedView):
    """On a phone: activities to sign up for (by community), wishes offered, my hours, stars,
    certificates and claims."""

    # Members, community contacts and staff each find their own part here.
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        member = member_of_user(request.user)
        raw = request.GET.get("community", "")
        partner_id = int(raw) if raw.isdigit() else None
        context: dict[str, Any] = {
            "member": member,
            "activities": list(selectors.activities_open(partner_id=partner_id)[:30]),
            "communities": selectors.communities_with_open_activities(),
            "community": partner_id,
        }
        is_contact = selectors.is_community_contact(user=request.user)
        context["contact_wishes"] = (
            list(selectors.wishes_of_contact(user=request.user)[:30]) if is_contact else None
        )
        context["to_decide"] = list(selectors.registrations_to_decide(user=request.user)[:50])
        context["my_communities"] = (
            selectors.contact_communities(user=request.user) if is_contact else []
        )
        if member is not None:
            context["registration"] = selectors.my_registration(member=member)
            context["tasks"] = list(selectors.my_tasks(member=member)[:20])
            context["evaluations"] = list(selectors.my_evaluations(member=member)[:5])
            context["residences"] = selectors.residences()
            context["record"] = selectors.my_volunteering(member=member)
            context["wishes"] = list(selectors.wishes_for_member(member=member)[:30])
            context["claims"] = list(selectors.my_claims(member=member)[:30])
        return render(request, "volunteer/mine.html", context)
