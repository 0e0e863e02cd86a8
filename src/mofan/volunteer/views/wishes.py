"""The pages of micro-wishes."""

from __future__ import annotations

from collections.abc import Callable
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
    act,
    paginate,
    query_without_page,
)
from mofan.members.selectors import member_of_user
from mofan.volunteer import permissions as perms
from mofan.volunteer import policies, selectors, services
from mofan.volunteer.forms import (
    FulfilForm,
    WishForm,
)
from mofan.volunteer.models import (
    Wish,
    WishStatus,
)
from mofan.volunteer.views.common import EXPORT_MAX_ROWS
from mofan.volunteer.workflows import WISH


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


class WishCreateView(FormPageView):
    """A community contact posts a wish; staff may post one for a community they look after."""

    permission = access.AUTHENTICATED
    template_name = "volunteer/wish_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        communities = selectors.communities_for_wishes(user=request.user)
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
    # Community contacts, members and staff alike: the selector decides per wish (404).
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, wish_id: int) -> HttpResponse:
        member = member_of_user(request.user)
        wish = selectors.wish_get_for(user=request.user, pk=wish_id, member=member)
        is_contact = access.is_partner_contact(request.user, wish.community)
        can_review = policies.reviews_wishes(request.user, wish)
        return render(
            request,
            "volunteer/wish.html",
            {
                "wish": wish,
                "photos": list(wish.photos.all()),
                "is_claimer": member is not None and wish.claimed_by_id == member.pk,
                "can_claim": member is not None
                and wish.status == WishStatus.PUBLISHED
                and policies.wish_offered_to(member, wish),
                "can_review": can_review,
                "can_confirm": is_contact or can_review,
                "fulfil_form": FulfilForm(initial={"fulfilled_on": timezone.localdate()}),
            },
        )


def _fulfil(request: HttpRequest, wish: Wish) -> Any:
    form = FulfilForm(request.POST, request.FILES)
    if not form.is_valid():
        raise DomainError(_("Enter the date and how the wish was fulfilled."))
    return services.wish_fulfil(
        user=request.user,
        wish=wish,
        fulfilled_on=form.cleaned_data["fulfilled_on"],
        note=form.cleaned_data["note"],
        photos=[form.cleaned_data["photo"]] if form.cleaned_data["photo"] else [],
    )


# The steps of `workflows.WISH` a button on the wish's page posts (the claim has its own way).
_WISH_STEPS: dict[str, Callable[[HttpRequest, Wish, str], Any]] = {
    "publish": lambda request, wish, text: services.wish_review(
        actor=request.user, wish=wish, approve=True, note=text
    ),
    "reject": lambda request, wish, text: services.wish_review(
        actor=request.user, wish=wish, approve=False, note=text
    ),
    "fulfil": lambda request, wish, text: _fulfil(request, wish),
    "confirm": lambda request, wish, text: services.wish_confirm(
        actor=request.user, wish=wish, approve=True, reason=text
    ),
    "return": lambda request, wish, text: services.wish_confirm(
        actor=request.user, wish=wish, approve=False, reason=text
    ),
}


def _no_step() -> None:
    raise DomainError(_("Choose what to do."))


class WishActionView(ScopedView):
    """Every step of a wish after posting: review, claim, fulfil, confirm or return. The
    services decide who may take which step."""

    # Contacts, members and staff each take their own steps: the service decides.
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, wish_id: int) -> HttpResponse:
        name = request.POST.get("step", "")
        if name == "claim":
            return self._claim(request, wish_id)
        wish = selectors.wish_get_for(user=request.user, pk=wish_id)
        text = request.POST.get("text", "")
        take = _WISH_STEPS.get(name)
        return act(
            request,
            (lambda: take(request, wish, text)) if take else _no_step,
            done=WISH[name].message if take else "",
            to=reverse("volunteer:wish", args=[wish.pk]),
        )

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
                else selectors.wish_is_open(pk=wish.pk)
            )
            own = isinstance(exc, services.ClaimRefusedError) and exc.own
            if not still_open and not own:
                return redirect("volunteer:mine")
        else:
            messages.success(request, _("Claimed. Fulfil it, then report it here with a photo."))
        return redirect("volunteer:wish", wish_id=wish.pk)


class WishPhotoView(ScopedView):
    # Whoever may see the wish may see its photos: the selector decides (404).
    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, photo_id: int) -> HttpResponseBase:
        photo = selectors.wish_photo_get(user=request.user, pk=photo_id)
        return stored_file_response(photo.file, photo.content_type)


class WallView(ScopedView):
    """Public: fulfilled wishes, the beneficiary shown by family name only."""

    permission = access.PUBLIC

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "volunteer/wall.html", {"wishes": selectors.wall()})
