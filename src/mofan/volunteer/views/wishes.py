"""The pages of micro-wishes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.exports import local_minutes, wants_xlsx, xlsx_response
from mofan.core.uploads import stored_file_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    paginate,
    query_without_page,
)
from mofan.orgs.models import PartnerUnit
from mofan.volunteer import permissions as perms
from mofan.volunteer import selectors, services
from mofan.volunteer.forms import (
    FulfilForm,
    WishForm,
)
from mofan.volunteer.models import (
    Wish,
    WishPhoto,
    WishStatus,
)
from mofan.volunteer.views.common import EXPORT_MAX_ROWS, member_of


class WishListView(ScopedView):
    """Staff: the wishes of the communities in scope, by state."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "")
        status = status if status in WishStatus.values else ""
        wishes = selectors.wish_list(actor=request.user, status=status)
        if wants_xlsx(request):
            return _wishes_xlsx(wishes[:EXPORT_MAX_ROWS])
        page = paginate(request, wishes)
        return render(
            request,
            "volunteer/wishes.html",
            {
                "page": page,
                "status": status,
                "statuses": WishStatus.choices,
                "query": query_without_page(request),
            },
        )


def _wishes_xlsx(wishes: Any) -> HttpResponse:
    header = [
        _("Wish"),
        _("Community"),
        _("Beneficiary"),
        _("Estimated value (yuan)"),
        _("Deadline"),
        _("Status"),
        _("Claimed by"),
        _("Claimed for"),
        _("Claimed at"),
        _("Fulfilled on"),
        _("Confirmed at"),
    ]
    rows = (
        [
            w.title,
            w.community.name,
            w.public_beneficiary,
            w.estimated_value,
            w.deadline,
            w.get_status_display(),
            w.claimed_by.full_name if w.claimed_by else "",
            w.claimed_for.name if w.claimed_for else "",
            local_minutes(w.claimed_at),
            w.fulfilled_on or "",
            local_minutes(w.confirmed_at),
        ]
        for w in wishes
    )
    return xlsx_response(_("Micro-wishes"), header, rows, filename="微心愿台账.xlsx")


def _communities_for(user: Any) -> Any:
    from django.db.models import Q

    from mofan.core.paths import subtree_q

    condition = Q(contacts__user_id=user.pk)
    for grant in access.grants_of(user):
        if perms.REVIEW_WISHES in grant.permissions:
            condition |= (
                subtree_q(grant.path, "org") if grant.include_subtree else Q(org_id=grant.org_id)
            )
    return (
        PartnerUnit.objects.filter(condition, archived_at__isnull=True).distinct().order_by("name")
    )


class WishCreateView(FormPageView):
    """A community contact posts a wish; staff may post one for a community they look after."""

    permission = access.AUTHENTICATED
    template_name = "volunteer/wish_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        communities = _communities_for(request.user)
        if not communities.exists():
            raise Http404
        return WishForm(data, files, communities=communities)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        wish = services.wish_post(
            actor=request.user,
            community=data["community"],
            beneficiary=data["beneficiary"],
            title=data["title"],
            description=data["description"],
            estimated_value=data["estimated_value"],
            deadline=data["deadline"],
            photos=[data["photo"]] if data["photo"] else [],
        )
        return _("The wish is posted and awaits review."), reverse("volunteer:wish", args=[wish.pk])


class WishView(ScopedView):
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, wish_id: int) -> HttpResponse:
        wish = selectors.wish_get_for(user=request.user, pk=wish_id)
        member = member_of(request.user)
        is_contact = access.is_partner_contact(request.user, wish.community)
        can_review = access.can(request.user, perms.REVIEW_WISHES, wish.community.org)
        return render(
            request,
            "volunteer/wish.html",
            {
                "wish": wish,
                "photos": list(wish.photos.all()),
                "is_claimer": member is not None and wish.claimed_by_id == member.pk,
                "can_claim": member is not None
                and wish.status == WishStatus.PUBLISHED
                and services.can_see_wish(member, wish),
                "can_review": can_review,
                "can_confirm": is_contact or can_review,
                "fulfil_form": FulfilForm(initial={"fulfilled_on": timezone.localdate()}),
            },
        )


class WishActionView(ScopedView):
    """Every step of a wish after posting: review, claim, fulfil, confirm or return. The
    services decide who may take which step."""

    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, wish_id: int) -> HttpResponse:
        step = request.POST.get("step", "")
        if step == "claim":
            return self._claim(request, wish_id)
        wish = selectors.wish_get_for(user=request.user, pk=wish_id)
        text = request.POST.get("text", "")
        try:
            if step in {"publish", "reject"}:
                services.wish_review(
                    actor=request.user, wish=wish, approve=step == "publish", note=text
                )
                done = _("Published.") if step == "publish" else _("Not accepted.")
            elif step == "fulfil":
                form = FulfilForm(request.POST, request.FILES)
                if not form.is_valid():
                    raise DomainError(_("Enter the date and how the wish was fulfilled."))
                services.wish_fulfil(
                    user=request.user,
                    wish=wish,
                    fulfilled_on=form.cleaned_data["fulfilled_on"],
                    note=form.cleaned_data["note"],
                    photos=[form.cleaned_data["photo"]] if form.cleaned_data["photo"] else [],
                )
                done = _("Reported; the community will confirm.")
            elif step in {"confirm", "return"}:
                services.wish_confirm(
                    actor=request.user, wish=wish, approve=step == "confirm", reason=text
                )
                done = _("Confirmed.") if step == "confirm" else _("Returned to the claimer.")
            else:
                raise DomainError(_("Choose what to do."))
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return redirect("volunteer:wish", wish_id=wish.pk)

    def _claim(self, request: HttpRequest, wish_id: int) -> HttpResponse:
        """A member claims a wish offered to them. Those refused are told why; when the wish
        is no longer open (someone else won the race, so it is no longer theirs to see) they go
        back to their own page, which lists the wishes offered to them and their claims."""
        wish, member = selectors.wish_for_claim(user=request.user, pk=wish_id)
        try:
            services.wish_claim(user=request.user, wish=wish, member=member)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
            # A claim refused for the wish's state says which (no second read); any other
            # refusal reads whether the wish is still open.
            still_open = (
                exc.status == WishStatus.PUBLISHED
                if isinstance(exc, services.ClaimRefusedError)
                else Wish.objects.filter(pk=wish.pk, status=WishStatus.PUBLISHED).exists()
            )
            own = isinstance(exc, services.ClaimRefusedError) and exc.own
            if not still_open and not own:
                return redirect("volunteer:mine")
        else:
            messages.success(request, _("Claimed. Fulfil it, then report it here with a photo."))
        return redirect("volunteer:wish", wish_id=wish.pk)


class WishPhotoView(ScopedView):
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, photo_id: int) -> HttpResponseBase:
        photo = WishPhoto.objects.filter(pk=photo_id).first()
        if photo is None:
            raise Http404
        selectors.wish_get_for(user=request.user, pk=photo.wish_id)  # 404 unless visible
        return stored_file_response(photo.file, photo.content_type)


class WallView(ScopedView):
    """Public: fulfilled wishes, the beneficiary shown by family name only."""

    permission = access.PUBLIC

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "volunteer/wall.html", {"wishes": selectors.wall()})
