from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.exports import xlsx_response
from mofan.core.views import (
    FormPageView,
    ScopedView,
    act,
    apply_domain_error,
    paginate,
    query_without_page,
)
from mofan.members.selectors import member_of_user
from mofan.orglife import permissions as orglife_perms
from mofan.orglife.models import AttendanceStatus
from mofan.orglife.selectors import attendance_list
from mofan.orglife.views import scheduled_message
from mofan.orgs.selectors import org_get
from mofan.study import permissions as perms
from mofan.study import selectors, services
from mofan.study.forms import GroupForm, MembersForm, PlanForm, SessionForm, SpeechForm
from mofan.study.models import StudyGroup, StudyKind, StudySession
from mofan.study.rules import YOUTH_GROUP_MAX_AGE, too_old_for_youth_group


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


class GroupListView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year = _year(request)
        org = None
        if request.GET.get("org", "").isdigit():
            org = org_get(actor=request.user, pk=int(request.GET["org"]), permission=perms.VIEW)
        groups = selectors.group_list(actor=request.user, org=org, year=year)
        return render(
            request,
            "study/groups.html",
            {
                "page": paginate(request, groups),
                "year": year,
                "org": org,
                "query": query_without_page(request),
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


class HoursExportView(ScopedView):
    """学时 statistics as an Excel sheet: each current member of the study groups listed (the
    year and organisation filters of the list applied, or one group's page) with the sessions
    attended and the hours in the year."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year = _year(request)
        if request.GET.get("group", "").isdigit():
            group = selectors.group_get(actor=request.user, pk=int(request.GET["group"]))
            groups = selectors.groups_of(pks=[group.pk])
            label = group.name
        else:
            org = None
            if request.GET.get("org", "").isdigit():
                org = org_get(actor=request.user, pk=int(request.GET["org"]), permission=perms.VIEW)
            groups = selectors.group_list(actor=request.user, org=org)
            label = org.name if org else ""
        rows = selectors.hours_ledger(groups=groups, year=year)
        header = [
            _("Study group"),
            _("Kind"),
            _("Organisation"),
            _("Full name"),
            _("Branch"),
            _("Sessions attended"),
            _("Study hours"),
        ]
        body = (
            [
                row.group.name,
                row.group.get_kind_display(),
                row.group.org.name,
                row.member.full_name,
                row.member.org.name,
                row.sessions,
                float(row.hours),
            ]
            for row in rows
        )
        name = f"学时统计-{year}" + (f"-{label}" if label else "") + ".xlsx"
        return xlsx_response(_("Study hours"), header, body, filename=name)


class GroupCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "study/group_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return GroupForm(data, actor=request.user, initial={"org": request.GET.get("org")})

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"max_age": YOUTH_GROUP_MAX_AGE}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        group = services.study_group_create(
            actor=request.user, org=org, kind=data["kind"], name=data["name"]
        )
        return _("The study group was created; now add its members."), reverse(
            "study:group_detail", kwargs={"group_id": group.pk}
        )


def _group_page(
    request: HttpRequest, group: StudyGroup, members_form: MembersForm | None = None
) -> HttpResponse:
    year = _year(request)
    memberships = list(selectors.group_memberships(group=group))
    hours = selectors.study_hours(
        year=year, members=[m.member_id for m in memberships], group=group
    )
    today = timezone.localdate()
    youth = group.kind == StudyKind.YOUTH_GROUP
    rows = [
        (
            m,
            hours.get(m.member_id, {}).get(group.kind, selectors.ZERO),
            youth and too_old_for_youth_group(m.member.birth_date, today),
        )
        for m in memberships
    ]
    can_manage = access.can(request.user, perms.MANAGE, group.org)
    if can_manage and members_form is None:
        members_form = MembersForm(candidates=list(selectors.eligible_members(group=group)))
    return render(
        request,
        "study/group_detail.html",
        {
            "group": group,
            "year": year,
            "sessions": selectors.session_list(group=group, year=year),
            "rows": rows,
            "total_hours": sum((h for _m, h, _old in rows), selectors.ZERO),
            "members_form": members_form if can_manage else None,
            "can_manage": can_manage,
            "youth": youth,
            "max_age": YOUTH_GROUP_MAX_AGE,
        },
    )


class GroupDetailView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, group_id: int) -> HttpResponse:
        return _group_page(request, selectors.group_get(actor=request.user, pk=group_id))


class GroupMembersAddView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest, group_id: int) -> HttpResponse:
        group = selectors.group_get(actor=request.user, pk=group_id, permission=perms.MANAGE)
        candidates = list(selectors.eligible_members(group=group))
        form = MembersForm(request.POST, candidates=candidates)
        if form.is_valid():
            chosen = set(form.cleaned_data["members"])
            try:
                added = services.study_group_add_members(
                    actor=request.user,
                    group=group,
                    members=[m for m in candidates if m.pk in chosen],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("%(n)d members were added.") % {"n": added})
                return redirect("study:group_detail", group_id=group.pk)
        return _group_page(request, group, form)


class GroupMemberRemoveView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest, group_id: int, member_id: int) -> HttpResponse:
        group = selectors.group_get(actor=request.user, pk=group_id, permission=perms.MANAGE)
        membership = (
            group.memberships.filter(member_id=member_id, left_on__isnull=True)
            .select_related("member")
            .first()
        )
        if membership is None:
            raise Http404
        return act(
            request,
            lambda: services.study_group_remove_member(
                actor=request.user, group=group, member=membership.member
            ),
            done=_("%(name)s left the study group.") % {"name": membership.member.full_name},
            to=reverse("study:group_detail", kwargs={"group_id": group.pk}),
        )


class SessionCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "study/session_form.html"

    def load_subject(self, request: HttpRequest) -> StudyGroup:
        return selectors.group_get(
            actor=request.user, pk=self.kwargs["group_id"], permission=perms.MANAGE
        )

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return SessionForm(data)

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"group": self.subject(request)}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        session = services.study_session_schedule(
            actor=request.user, group=self.subject(request), **form.cleaned_data
        )
        message = scheduled_message(
            session.meeting, _("The study session was scheduled for %(n)d attendees.")
        )
        return message, reverse("study:session_detail", kwargs={"study_session_id": session.pk})


def _session_page(
    request: HttpRequest, session: StudySession, form: SpeechForm | None = None
) -> HttpResponse:
    meeting = session.meeting
    attendances = list(attendance_list(meeting=meeting))
    counts: dict[str, int] = {}
    for row in attendances:
        counts[row.status] = counts.get(row.status, 0) + 1
    speakers = [
        (a.member_id, a.member.full_name)
        for a in attendances
        if a.status not in {AttendanceStatus.ABSENT, AttendanceStatus.LEAVE}
    ]
    can_manage = access.can(request.user, perms.MANAGE, session.group.org)
    return render(
        request,
        "study/session_detail.html",
        {
            "session": session,
            "meeting": meeting,
            "attendances": attendances,
            "counts": counts,
            "speeches": selectors.speech_list(session=session),
            "form": (form or SpeechForm(speakers=speakers)) if can_manage else None,
            "can_manage": can_manage,
            "can_see_meeting": access.can(request.user, orglife_perms.VIEW, meeting.org),
        },
    )


class SessionDetailView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, study_session_id: int) -> HttpResponse:
        return _session_page(
            request, selectors.session_get(actor=request.user, pk=study_session_id)
        )


class SpeechAddView(ScopedView):
    permission = perms.MANAGE

    def post(self, request: HttpRequest, study_session_id: int) -> HttpResponse:
        session = selectors.session_get(
            actor=request.user, pk=study_session_id, permission=perms.MANAGE
        )
        attendees = {a.member_id: a.member for a in attendance_list(meeting=session.meeting)}
        form = SpeechForm(request.POST, speakers=[(pk, m.full_name) for pk, m in attendees.items()])
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.speech_add(
                    actor=request.user,
                    session=session,
                    speaker=attendees[data["speaker"]],
                    title=data["title"],
                    text=data["text"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The speech was recorded."))
                return redirect("study:session_detail", study_session_id=session.pk)
        return _session_page(request, session, form)


class PlanListView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year = request.GET.get("year", "")
        plans = selectors.plan_list(actor=request.user, year=int(year) if year.isdigit() else None)
        return render(
            request,
            "study/plans.html",
            {
                "page": paginate(request, plans),
                "year": year if year.isdigit() else "",
                "query": query_without_page(request),
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


class PlanCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "study/plan_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        initial = {"org": request.GET.get("org"), "year": timezone.localdate().year}
        return PlanForm(data, actor=request.user, initial=initial)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        plan = services.study_plan_create(
            actor=request.user,
            org=org,
            year=data["year"],
            title=data["title"],
            content=data["content"],
        )
        return _("The study plan was saved."), _plan_url(plan)


def _plan_url(plan: Any) -> str:
    return reverse("study:plan_detail", kwargs={"plan_id": plan.pk})


class PlanDetailView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest, plan_id: int) -> HttpResponse:
        plan = selectors.plan_get(actor=request.user, pk=plan_id)
        return render(
            request,
            "study/plan_detail.html",
            {"plan": plan, "can_manage": access.can(request.user, perms.MANAGE, plan.org)},
        )


class PlanEditView(FormPageView):
    permission = perms.MANAGE
    template_name = "study/plan_form.html"

    def load_subject(self, request: HttpRequest) -> Any:
        return selectors.plan_get(
            actor=request.user, pk=self.kwargs["plan_id"], permission=perms.MANAGE
        )

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        plan = self.subject(request)
        initial = {"title": plan.title, "content": plan.content}
        return PlanForm(data, actor=request.user, editing=True, initial=initial)

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"plan": self.subject(request)}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        plan = self.subject(request)
        services.study_plan_update(
            actor=request.user,
            plan=plan,
            title=form.cleaned_data["title"],
            content=form.cleaned_data["content"],
        )
        return _("The study plan was saved."), _plan_url(plan)


def _record_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "study/record.html", context)


class MyStudyView(ScopedView):
    """A member's own study record (self-service): hours per kind and sessions this year."""

    permission = access.PARTY_MEMBER

    def get(self, request: HttpRequest) -> HttpResponse:
        year = _year(request)
        member = member_of_user(request.user, related=("org", "group", "organ"))
        record = selectors.study_record(member=member, year=year) if member else None
        return _record_page(request, {"record": record, "year": year, "mine": True})


class MemberStudyView(ScopedView):
    """The same record, read by a manager of the member's organisation."""

    permission = perms.VIEW

    def get(self, request: HttpRequest, member_id: int) -> HttpResponse:
        year = _year(request)
        member = selectors.member_get(actor=request.user, pk=member_id)
        record = selectors.study_record(member=member, year=year)
        return _record_page(request, {"record": record, "year": year, "mine": False})
