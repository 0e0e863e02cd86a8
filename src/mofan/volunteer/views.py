from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mofan.core import access, checkin
from mofan.core.errors import DomainError
from mofan.core.exports import local_minutes, wants_xlsx, xlsx_response
from mofan.core.uploads import stored_file_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    apply_domain_error,
    paginate,
    query_without_page,
)
from mofan.members.models import Member
from mofan.orgs.models import PartnerUnit
from mofan.orgs.selectors import org_get
from mofan.volunteer import permissions as perms
from mofan.volunteer import selectors, services
from mofan.volunteer.documents import certificate_docx
from mofan.volunteer.forms import (
    ActivityForm,
    CertificateCheckForm,
    CertificateForm,
    EvaluationForm,
    FulfilForm,
    HoursCorrectForm,
    HoursRuleForm,
    StatisticsForm,
    TaskAssignForm,
    TaskReportForm,
    TeamForm,
    TimesForm,
    WishForm,
)
from mofan.volunteer.models import (
    ActivityKind,
    ActivityStatus,
    Certificate,
    CommunityRegistration,
    EvaluationGrade,
    HoursRule,
    Participation,
    ParticipationState,
    RegistrationTask,
    Wish,
    WishPhoto,
    WishStatus,
)

CHECKIN_KIND = "volunteer.activity"


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


def _member_of(user: Any) -> Member | None:
    return (
        Member.objects.filter(user_id=user.pk, archived_at__isnull=True)
        .select_related("org")
        .first()
    )


# ---- Activities (staff) --------------------------------------------------------------------


EXPORT_MAX_ROWS = 100_000


class ActivityListView(ScopedView):
    """The activities of a year; `?export=xlsx` gives the same list as the 台账 in Excel."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year = _year(request)
        activities = selectors.activity_list(actor=request.user, year=year)
        if wants_xlsx(request):
            return _activities_xlsx(activities[:EXPORT_MAX_ROWS], year)
        page = paginate(request, activities)
        return render(
            request,
            "volunteer/activities.html",
            {
                "page": page,
                "year": year,
                "query": query_without_page(request),
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


def _activities_xlsx(activities: Any, year: int) -> HttpResponse:
    now = timezone.now()
    header = [
        _("Starts at"),
        _("Ends at"),
        _("Title"),
        _("Kind"),
        _("Organised by"),
        _("Community or partner served"),
        _("Place"),
        _("Places"),
        _("Signed up"),
        _("On the waiting list"),
        _("Status"),
    ]
    rows = (
        [
            local_minutes(a.starts_at),
            local_minutes(a.ends_at),
            a.title,
            a.kind.name,
            a.org.name,
            a.partner.name if a.partner else "",
            a.place,
            a.capacity,
            a.n_signed,
            a.n_waiting,
            str(a.phase_at(now).label),
        ]
        for a in activities
    )
    return xlsx_response(
        _("Volunteer activities"), header, rows, filename=f"志愿活动台账-{year}.xlsx"
    )


class ActivityCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "volunteer/activity_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return ActivityForm(data, actor=request.user)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        activity = services.activity_create(
            actor=request.user,
            org=org,
            kind=data["kind"],
            title=data["title"],
            place=data["place"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            capacity=data["capacity"],
            description=data["description"],
            partner=data["partner"],
            team=data["team"],
            signup_deadline=data["signup_deadline"],
            cancel_deadline=data["cancel_deadline"],
        )
        return _("The activity is published."), reverse("volunteer:activity", args=[activity.pk])


class ActivityView(ScopedView):
    """An activity as a member sees it (sign up, cancel); its organisers also see the roster,
    the check-in code, the times and the hours."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        activity = selectors.activity_public(pk=activity_id)
        if activity is None:
            raise Http404
        member = _member_of(request.user)
        mine = (
            Participation.objects.filter(activity=activity, member=member)
            .exclude(state=ParticipationState.CANCELLED)
            .first()
            if member
            else None
        )
        can_manage = access.can(request.user, perms.MANAGE, activity.org)
        can_view = can_manage or access.can(request.user, perms.VIEW, activity.org)
        return render(
            request,
            "volunteer/activity.html",
            {
                "activity": activity,
                "mine": mine,
                "party_member": member is not None,
                "now": timezone.now(),
                "can_manage": can_manage,
                "roster": list(selectors.roster(activity=activity)) if can_view else [],
                "is_over": activity.ends_at < timezone.now(),
            },
        )


class SignupView(ScopedView):
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        activity = selectors.activity_public(pk=activity_id)
        if activity is None:
            raise Http404
        try:
            participation, changed = services.signup(user=request.user, activity=activity)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if not changed:
                messages.info(request, _("You have already signed up."))
            elif participation.state == ParticipationState.WAITLISTED:
                messages.warning(request, _("The places are taken; you are on the waiting list."))
            else:
                messages.success(request, _("You have a place."))
        return redirect("volunteer:activity", activity_id=activity_id)


class SignupCancelView(ScopedView):
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        member = _member_of(request.user)
        participation = (
            Participation.objects.filter(activity_id=activity_id, member=member)
            .select_related("activity")
            .first()
            if member
            else None
        )
        if participation is None:
            raise Http404
        try:
            services.signup_cancel(user=request.user, participation=participation)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your sign-up is cancelled."))
        return redirect("volunteer:activity", activity_id=activity_id)


class ActivityCancelView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        activity = selectors.activity_get(
            actor=request.user, pk=activity_id, permission=perms.MANAGE
        )
        try:
            services.activity_cancel(
                actor=request.user, activity=activity, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The activity is cancelled; those signed up are told."))
        return redirect("volunteer:activity", activity_id=activity.pk)


def _scan_url(request: HttpRequest, activity_id: int) -> str:
    token = checkin.make_token(CHECKIN_KIND, activity_id)
    return request.build_absolute_uri(reverse("volunteer:scan", args=[token]))


class CheckInScreenView(ScopedView):
    """The organiser's screen: one code for checking in and, later, out (it changes every 30
    seconds, as for meetings)."""

    permission = perms.MANAGE

    def get(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        activity = selectors.activity_get(
            actor=request.user, pk=activity_id, permission=perms.MANAGE
        )
        url = _scan_url(request, activity.pk)
        rows = activity.participations.filter(state=ParticipationState.SIGNED_UP)
        context = {
            "activity": activity,
            "qr": checkin.qr_svg(url),
            "url": url,
            "seconds": checkin.SLOT_SECONDS,
            "checked_in": rows.filter(checked_in_at__isnull=False).count(),
            "checked_out": rows.filter(checked_out_at__isnull=False).count(),
            "expected": rows.count(),
        }
        template = (
            "volunteer/_checkin_qr.html"
            if request.headers.get("HX-Request")
            else "volunteer/checkin_screen.html"
        )
        return render(request, template, context)


class ScanView(ScopedView):
    """Where a member's phone lands after scanning: the first scan checks in, the next out."""

    permission = access.AUTHENTICATED

    def _activity(self, token: str) -> Any:
        activity = selectors.activity_public(pk=checkin.read_token(token, kind=CHECKIN_KIND))
        if activity is None:
            raise DomainError(_("This check-in code is not valid."))
        return activity

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            activity = self._activity(token)
        except DomainError as exc:
            return render(request, "volunteer/scan.html", {"error": " ".join(exc.messages)})
        member = _member_of(request.user)
        mine = (
            Participation.objects.filter(activity=activity, member=member).first()
            if member
            else None
        )
        return render(
            request, "volunteer/scan.html", {"activity": activity, "token": token, "mine": mine}
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            activity = self._activity(token)
            result = services.scan(user=request.user, activity=activity)
        except DomainError as exc:
            return render(request, "volunteer/scan.html", {"error": " ".join(exc.messages)})
        return render(
            request,
            "volunteer/scan.html",
            {"activity": activity, "result": result, "mine": result.participation},
        )


class _ParticipationFormView(ScopedView):
    """An organiser's form about one participant (times, hours): the form, the service, the
    message, back to the roster."""

    permission = perms.MANAGE
    form_class: type[Any]
    invalid: str
    done: str

    def act(self, request: HttpRequest, participation: Participation, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, participation_id: int) -> HttpResponse:
        participation = access.get_for_actor(
            Participation.objects.select_related("activity", "activity__org"),
            request.user,
            perms.MANAGE,
            pk=participation_id,
        )
        form = self.form_class(request.POST)
        try:
            if not form.is_valid():
                raise DomainError(_(self.invalid))
            self.act(request, participation, form.cleaned_data)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _(self.done))
        return redirect(f"{reverse('volunteer:activity', args=[participation.activity_id])}#roster")


class TimesView(_ParticipationFormView):
    form_class = TimesForm
    invalid = gettext_noop("Enter the times as date and time.")
    done = gettext_noop("The times are recorded.")

    def act(self, request: HttpRequest, participation: Participation, data: dict[str, Any]) -> None:
        services.times_record(
            actor=request.user,
            participation=participation,
            checked_in_at=data["checked_in_at"],
            checked_out_at=data["checked_out_at"],
            reason=data["reason"],
        )


class HoursCorrectView(_ParticipationFormView):
    form_class = HoursCorrectForm
    invalid = gettext_noop("Enter the hours and the reason.")
    done = gettext_noop("The hours are corrected.")

    def act(self, request: HttpRequest, participation: Participation, data: dict[str, Any]) -> None:
        services.hours_correct(
            actor=request.user,
            participation=participation,
            hours=data["hours"],
            reason=data["reason"],
        )


class HoursConfirmView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest, activity_id: int) -> HttpResponse:
        activity = selectors.activity_get(
            actor=request.user, pk=activity_id, permission=perms.MANAGE
        )
        try:
            services.hours_confirm(actor=request.user, activity=activity)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The hours are confirmed."))
        return redirect(f"{reverse('volunteer:activity', args=[activity.pk])}#roster")


# ---- The member's own volunteering --------------------------------------------------------


class MyVolunteeringView(ScopedView):
    """On a phone: activities to sign up for (by community), wishes offered, my hours, stars,
    certificates and claims."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest) -> HttpResponse:
        member = _member_of(request.user)
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


# ---- Certificates ---------------------------------------------------------------------------


class CertificateCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "volunteer/certificate_form.html"

    def load_subject(self, request: HttpRequest) -> Member:
        """A member who took part in an activity of the actor's organisations (404 else)."""
        participation = (
            access.scope(Participation.objects.select_related("member"), request.user, perms.MANAGE)
            .filter(member_id=self.kwargs["member_id"])
            .first()
        )
        if participation is None:
            raise Http404
        return participation.member

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

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, certificate_id: int) -> HttpResponseBase:
        certificate = (
            Certificate.objects.select_related("member", "org").filter(pk=certificate_id).first()
        )
        if certificate is None or not (
            certificate.member.user_id == request.user.pk
            or access.can(request.user, perms.VIEW, certificate.org)
        ):
            raise Http404
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


# ---- Micro-wishes -------------------------------------------------------------------------


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
        member = _member_of(request.user)
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


# ---- Statistics ---------------------------------------------------------------------------


def _statistics_context(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    period = request.GET.get("period", "") or str(today.year)
    start, end, label = selectors.period_bounds(period, today)
    org = None
    if request.GET.get("org", "").isdigit():
        org = org_get(actor=request.user, pk=int(request.GET["org"]), permission=perms.VIEW)
    figures = selectors.statistics(actor=request.user, under=org, start=start, end=end)
    form = StatisticsForm(
        {"org": org.pk if org else "", "period": period}, actor=request.user, chosen=org
    )
    return {"figures": figures, "period": label, "org": org, "form": form}


def _figure_rows(f: selectors.Statistics) -> list[tuple[str, Any]]:
    return [
        (_("Wishes posted"), f.wishes_posted),
        (_("Wishes claimed"), f.wishes_claimed),
        (_("Wishes fulfilled"), f.wishes_fulfilled),
        (_("Volunteer activities"), f.activities),
        (_("Person-times"), f.person_times),
        (_("Hours"), f.hours.quantize(Decimal("0.01"))),
    ]


class StatisticsView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        context = _statistics_context(request)
        context["query"] = query_without_page(request)
        context["rows"] = _figure_rows(context["figures"])
        return render(request, "volunteer/statistics.html", context)


class StatisticsExportView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        context = _statistics_context(request)
        scope = context["org"].name if context["org"] else _("All in my scope")
        rows = [list(row) for row in _figure_rows(context["figures"])]
        return xlsx_response(
            _("Volunteering"),
            [_("Item"), f"{scope} {context['period']}"],
            rows,
            filename=f"志愿服务统计-{context['period']}.xlsx",
        )


# ---- Teams and kinds ------------------------------------------------------------------------


class TeamListView(ScopedView):
    permission = perms.VIEW

    def _render(self, request: HttpRequest, form: TeamForm) -> HttpResponse:
        return render(
            request,
            "volunteer/teams.html",
            {
                "teams": selectors.team_list(actor=request.user),
                "form": form,
                "can_manage": access.has_permission(request.user, perms.MANAGE),
                "kinds": ActivityKind.objects.filter(archived_at__isnull=True).order_by("id"),
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, TeamForm(actor=request.user))


class TeamCreateView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TeamForm(request.POST, actor=request.user)
        if form.is_valid():
            org = org_get(actor=request.user, pk=form.cleaned_data["org"], permission=perms.MANAGE)
            try:
                team = services.team_create(
                    actor=request.user, org=org, name=form.cleaned_data["name"]
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The team is set up; add its members."))
                return redirect("volunteer:team", team_id=team.pk)
        return TeamListView()._render(request, form)


class TeamView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, team_id: int) -> HttpResponse:
        team = selectors.team_get(actor=request.user, pk=team_id)
        can_manage = access.can(request.user, perms.MANAGE, team.org)
        q = request.GET.get("q", "")
        return render(
            request,
            "volunteer/team.html",
            {
                "team": team,
                "members": team.members.select_related("org").order_by("name_pinyin"),
                "candidates": selectors.team_candidates(team=team, q=q) if can_manage else [],
                "q": q,
                "can_manage": can_manage,
            },
        )

    def post(self, request: HttpRequest, team_id: int) -> HttpResponse:
        team = selectors.team_get(actor=request.user, pk=team_id, permission=perms.MANAGE)
        add_ids = [int(v) for v in request.POST.getlist("add") if v.isdigit()]
        remove_ids = [int(v) for v in request.POST.getlist("remove") if v.isdigit()]
        add = list(
            Member.objects.filter(pk__in=add_ids, archived_at__isnull=True).select_related("org")
        )
        remove = list(team.members.filter(pk__in=remove_ids))
        try:
            services.team_members_set(actor=request.user, team=team, add=add, remove=remove)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The team's members are saved."))
        return redirect("volunteer:team", team_id=team.pk)


class KindView(ScopedView):
    """The editable list of kinds of activity (add, take off)."""

    permission = perms.MANAGE

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            if request.POST.get("archive", "").isdigit():
                kind = ActivityKind.objects.filter(pk=int(request.POST["archive"])).first()
                if kind is None:
                    raise Http404
                services.kind_archive(actor=request.user, kind=kind)
            else:
                services.kind_add(actor=request.user, name=request.POST.get("name", ""))
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The list of kinds is saved."))
        return redirect("volunteer:teams")


class HoursRuleView(ScopedView):
    """The dated rules for crediting hours, star levels and the wish-claim limit."""

    permission = perms.MANAGE

    def _render(self, request: HttpRequest, form: HoursRuleForm) -> HttpResponse:
        return render(
            request,
            "volunteer/rules.html",
            {"rules": HoursRule.objects.order_by("-effective_from"), "form": form},
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(
            request, HoursRuleForm(initial={"effective_from": timezone.localdate()})
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = HoursRuleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.hours_rule_add(
                    actor=request.user,
                    effective_from=data["effective_from"],
                    presence_threshold=Decimal(data["presence_threshold"]) / 100,
                    star_hours=data["star_hours"],
                    open_claims_per_member=data["open_claims_per_member"],
                    registration_hours_target=data["registration_hours_target"] or 0,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The rule is saved."))
                return redirect("volunteer:rules")
        return self._render(request, form)


class RegisterView(ScopedView):
    """在职党员进社区报到: the member registers with their community (self-service)."""

    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("community", "")
        community = PartnerUnit.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        try:
            if community is None:
                raise DomainError(_("Choose your community."))
            services.registration_submit(user=request.user, community=community)
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Registered; the community will confirm."))
        return redirect("volunteer:mine")


class RegistrationDecideView(ScopedView):
    """The community's contact (or staff) confirms or declines a registration."""

    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, registration_id: int) -> HttpResponse:
        registration = (
            CommunityRegistration.objects.filter(pk=registration_id)
            .select_related("community", "community__org")
            .first()
        )
        if registration is None or not (
            access.is_partner_contact(request.user, registration.community)
            or access.can(request.user, perms.REVIEW_WISHES, registration.community.org)
        ):
            raise Http404
        try:
            services.registration_decide(
                actor=request.user,
                registration=registration,
                approve=request.POST.get("approve") == "1",
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Recorded."))
        return redirect("volunteer:mine")


class RegistrationStatsView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = selectors.registration_stats(actor=request.user)
        year = _year(request)
        return render(
            request,
            "volunteer/registrations.html",
            {
                "rows": rows,
                "year": year,
                "communities": selectors.community_registration_stats(
                    actor=request.user, year=year
                ),
                "members": sum(r.members for r in rows),
                "registered": sum(r.registered for r in rows),
            },
        )


# ---- The community's side of registration: tasks and the yearly evaluation ---------------------


def _community_or_404(request: HttpRequest, community: PartnerUnit | None) -> PartnerUnit:
    """A community the user acts for (its contact) or looks after (volunteering in scope)."""
    if community is None or not (
        access.is_partner_contact(request.user, community)
        or access.can(request.user, perms.VIEW, community.org)
    ):
        raise Http404
    return community


class CommunityView(ScopedView):
    """The members registered with a community: their open tasks, the year's hours against
    the target, and the yearly evaluation."""

    permission = access.AUTHENTICATED

    def get(self, request: HttpRequest, community_id: int) -> HttpResponse:
        community = _community_or_404(
            request,
            PartnerUnit.objects.filter(pk=community_id).select_related("org").first(),
        )
        year = _year(request)
        can_act = access.is_partner_contact(request.user, community) or access.can(
            request.user, perms.REVIEW_WISHES, community.org
        )
        this_year = timezone.localdate().year
        return render(
            request,
            "volunteer/community.html",
            {
                "community": community,
                "year": year,
                "years": list(range(this_year, this_year - 4, -1)),
                "rows": selectors.community_roster(community=community, year=year),
                "can_act": can_act,
                "grades": EvaluationGrade.choices,
                "assign_form": TaskAssignForm(),
            },
        )


def _registration_for_community(request: HttpRequest, registration_id: int) -> Any:
    registration = (
        CommunityRegistration.objects.filter(pk=registration_id)
        .select_related("community", "community__org")
        .first()
    )
    if registration is None:
        raise Http404
    _community_or_404(request, registration.community)
    return registration


class TaskAssignView(ScopedView):
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, registration_id: int) -> HttpResponse:
        registration = _registration_for_community(request, registration_id)
        form = TaskAssignForm(request.POST)
        try:
            if not form.is_valid():
                raise DomainError(form.errors)
            services.registration_task_assign(
                actor=request.user, registration=registration, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The task is given; the member is told."))
        return redirect("volunteer:community", registration.community_id)


class EvaluateView(ScopedView):
    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, registration_id: int) -> HttpResponse:
        registration = _registration_for_community(request, registration_id)
        form = EvaluationForm(request.POST)
        year = request.POST.get("year", "")
        try:
            if not form.is_valid():
                raise DomainError(form.errors)
            services.registration_evaluate(
                actor=request.user, registration=registration, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The evaluation is recorded."))
        url = reverse("volunteer:community", args=[registration.community_id])
        return redirect(f"{url}?year={year}" if year.isdigit() else url)


class TaskStepView(ScopedView):
    """One step of a community task: the member reports it done; the community confirms,
    returns or cancels it."""

    permission = access.AUTHENTICATED

    def post(self, request: HttpRequest, task_id: int, step: str) -> HttpResponse:
        task = (
            RegistrationTask.objects.filter(pk=task_id)
            .select_related("registration__community__org", "registration__member")
            .first()
        )
        if task is None or step not in {"report", "confirm", "return", "cancel"}:
            raise Http404
        community = task.registration.community
        if step == "report":
            if task.registration.member.user_id != request.user.pk:
                raise Http404
            back = reverse("volunteer:mine")
        else:
            _community_or_404(request, community)
            back = reverse("volunteer:community", args=[community.pk])
        try:
            if step == "report":
                form = TaskReportForm(request.POST)
                if not form.is_valid():
                    raise DomainError(form.errors)
                services.registration_task_report(user=request.user, task=task, **form.cleaned_data)
            elif step == "cancel":
                services.registration_task_cancel(
                    actor=request.user, task=task, note=request.POST.get("note", "")
                )
            else:
                services.registration_task_decide(
                    actor=request.user,
                    task=task,
                    confirm=step == "confirm",
                    note=request.POST.get("note", ""),
                )
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Recorded."))
        return redirect(back)
