"""Pages of service projects: the list, a new or edited project, its team and menu."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.cobuild import permissions as perms
from mofan.cobuild import selectors, services
from mofan.cobuild.forms import (
    ArchiveForm,
    ProjectEditForm,
    ProjectForm,
    ProjectMemberForm,
    TopicForm,
)
from mofan.cobuild.models import (
    OrderFormat,
    ServiceProject,
)
from mofan.core import access
from mofan.core.errors import DomainError
from mofan.core.views import (
    FormPageView,
    ScopedView,
    act,
    apply_domain_error,
)
from mofan.orgs.selectors import org_get

# ── Service projects ──


class ProjectListView(ScopedView):
    """The project list: on offer by default; the archived ones (已归档) or all on request."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        show = request.GET.get("show", "")
        show = show if show in selectors.PROJECT_SHOWS else "current"
        return render(
            request,
            "cobuild/projects.html",
            {
                "projects": selectors.project_list(actor=request.user, show=show)[:200],
                "show": show,
                "shows": [
                    ("current", _("On offer")),
                    ("archived", _("Archived")),
                    ("all", _("All")),
                ],
                "can_manage": access.has_permission(request.user, perms.MANAGE),
            },
        )


class ProjectCreateView(FormPageView):
    permission = perms.MANAGE
    template_name = "cobuild/project_form.html"

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        return ProjectForm(data, actor=request.user)

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        project = services.project_create(
            actor=request.user,
            org=org,
            name=data["name"],
            kind=data["kind"],
            formats=data["formats"],
            team_orgs=selectors.organisations(data["team_orgs"]),
            summary=data["summary"],
        )
        return (
            _("The project is on the list; add its team and menu."),
            reverse("cobuild:project", args=[project.pk]),
        )


class ProjectEditView(FormPageView):
    """Edit a project: name, summary, formats, team organisations, owning organisation (only
    to one the editor manages too)."""

    permission = perms.MANAGE
    template_name = "cobuild/project_form.html"

    def load_subject(self, request: HttpRequest) -> ServiceProject:
        project = selectors.project_get(
            actor=request.user, pk=self.kwargs["project_id"], permission=perms.MANAGE
        )
        if project.archived_at is not None:
            raise Http404
        return project

    def make_form(self, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
        project = self.subject(request)
        return ProjectEditForm(
            data,
            actor=request.user,
            initial={
                "org": project.org_id,
                "name": project.name,
                "formats": project.formats,
                "team_orgs": [o.pk for o in project.team_orgs.all()],
                "summary": project.summary,
            },
        )

    def context(self, request: HttpRequest, form: Any) -> dict[str, Any]:
        return {"project": self.subject(request)}

    def save(self, request: HttpRequest, form: Any) -> tuple[str, str]:
        data = form.cleaned_data
        project = self.subject(request)
        org = org_get(actor=request.user, pk=data["org"], permission=perms.MANAGE)
        services.project_update(
            actor=request.user,
            project=project,
            org=org,
            name=data["name"],
            formats=data["formats"],
            team_orgs=selectors.organisations(data["team_orgs"]),
            summary=data["summary"],
        )
        return _("The project is saved."), reverse("cobuild:project", args=[project.pk])


class ProjectView(ScopedView):
    """A project's team and menu; its managers add people and topics here."""

    permission = perms.VIEW

    def get(self, request: HttpRequest, project_id: int) -> HttpResponse:
        project = selectors.project_get(actor=request.user, pk=project_id)
        return self._render(request, project)

    def _render(
        self,
        request: HttpRequest,
        project: ServiceProject,
        member_form: Any = None,
        topic_form: Any = None,
        edit_form: Any = None,
        archive_form: Any = None,
    ) -> HttpResponse:
        manager = access.can(request.user, perms.MANAGE, project.org)
        can_manage = manager and project.archived_at is None
        people = list(project.team.select_related("member").order_by("id"))
        topics = list(project.topics.prefetch_related(selectors.current_lecturers()).order_by("id"))
        editing = None
        if can_manage and edit_form is None:
            editing = next(
                (t for t in topics if str(t.pk) == request.GET.get("edit_topic", "")), None
            )
            if editing is not None and editing.archived_at is None:
                edit_form = TopicForm(
                    project=project,
                    prefix="edit",
                    initial={
                        "title": editing.title,
                        "description": editing.description,
                        "lecturers": [p.pk for p in editing.lecturers.all()],
                    },
                )
        elif edit_form is not None:
            editing = next((t for t in topics if str(t.pk) == request.POST.get("topic", "")), None)
        return render(
            request,
            "cobuild/project.html",
            {
                "project": project,
                "formats": [OrderFormat(f).label for f in project.formats],
                "team_orgs": project.team_orgs.order_by("path"),
                "team": [p for p in people if p.left_at is None],
                "former": [p for p in people if p.left_at is not None],
                "topics": [t for t in topics if t.archived_at is None],
                "retired": [t for t in topics if t.archived_at is not None],
                "can_manage": can_manage,
                "member_form": member_form or (ProjectMemberForm(project=project)),
                "topic_form": topic_form or TopicForm(project=project),
                "editing": editing,
                "edit_form": edit_form,
                "archive_form": archive_form or ArchiveForm(),
                "can_restore": manager and project.archived_at is not None,
            },
        )

    def post(self, request: HttpRequest, project_id: int) -> HttpResponse:
        project = selectors.project_get(actor=request.user, pk=project_id, permission=perms.MANAGE)
        step = request.POST.get("step", "")
        if step == "member":
            form: Any = ProjectMemberForm(request.POST, project=project)
            if form.is_valid():
                try:
                    services.project_member_add(
                        actor=request.user, project=project, **form.cleaned_data
                    )
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Added to the team."))
                    return redirect("cobuild:project", project_id=project.pk)
            return self._render(request, project, member_form=form)
        if step in ("topic", "topic_edit"):
            # A new topic and an edited one: the same form, each its own service.
            editing = step == "topic_edit"
            topic = (
                get_object_or_404(project.topics, pk=request.POST.get("topic") or 0)
                if editing
                else None
            )
            form = TopicForm(request.POST, project=project, prefix="edit" if editing else None)
            if form.is_valid():
                data = form.cleaned_data
                fields = {
                    "title": data["title"],
                    "description": data["description"],
                    "lecturers": list(data["lecturers"]),
                }
                try:
                    if topic is not None:
                        services.topic_update(actor=request.user, topic=topic, **fields)
                    else:
                        services.topic_add(actor=request.user, project=project, **fields)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("The topic is saved.") if editing else _("The topic is on the menu."),
                    )
                    return redirect("cobuild:project", project_id=project.pk)
            if editing:
                return self._render(request, project, edit_form=form)
            return self._render(request, project, topic_form=form)
        if step in ("archive", "restore"):
            # Archiving and restoring share the reason form; each is its own service.
            form = ArchiveForm(request.POST)
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                try:
                    if step == "archive":
                        services.project_archive(actor=request.user, project=project, reason=reason)
                    else:
                        services.project_restore(actor=request.user, project=project, reason=reason)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(
                        request,
                        _("The project is archived: nothing new is ordered from it.")
                        if step == "archive"
                        else _("The project is on offer again."),
                    )
                    return redirect("cobuild:project", project_id=project.pk)
            return self._render(request, project, archive_form=form)
        back = reverse("cobuild:project", kwargs={"project_id": project.pk})
        if step == "topic_retire":
            topic = get_object_or_404(project.topics, pk=request.POST.get("topic") or 0)
            return act(
                request,
                lambda: services.topic_retire(actor=request.user, topic=topic),
                done=_("%(title)s is off the menu.") % {"title": topic.title},
                to=back,
            )
        if step == "member_end":
            person = get_object_or_404(project.team, pk=request.POST.get("person") or 0)
            return act(
                request,
                lambda: services.project_member_end(actor=request.user, person=person),
                done=_("%(name)s has left the team.") % {"name": person.name},
                to=back,
            )
        messages.error(request, _("Choose what to do."))
        return redirect(back)
