"""Writes of service projects: their owner, team and menu (项目清单, 师资, 内容)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.cobuild import permissions as perms
from mofan.cobuild.models import (
    MenuTopic,
    OrderFormat,
    ProjectKind,
    ProjectMember,
    ServiceProject,
)
from mofan.cobuild.services.common import clean
from mofan.core import access
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError
from mofan.orgs.models import Organisation

# ── Service projects: owner, team and menu ──


@transaction.atomic
def project_create(
    *,
    actor: Any,
    org: Organisation,
    name: str,
    formats: list[str],
    team_orgs: list[Organisation] | None = None,
    kind: str = ProjectKind.GENERAL,
    summary: str = "",
) -> ServiceProject:
    """Put a project on the project list (项目清单) of `org`, which coordinates its orders."""
    access.require(actor, perms.MANAGE, org)
    name = clean(name)
    if not name:
        raise DomainError({"name": _("Enter the name.")})
    if org.is_archived:
        raise DomainError({"org": _("The organisation is archived.")})
    formats = [f for f in OrderFormat.values if f in set(formats or [])]
    if not formats:
        raise DomainError({"formats": _("Offer at least one format.")})
    if ServiceProject.objects.filter(org=org, name=name).exists():
        raise DomainError({"name": _("This organisation already has a project of that name.")})
    project = ServiceProject.objects.create(
        org=org,
        name=name,
        kind=kind,
        summary=(summary or "").strip(),
        formats=formats,
        created_by=actor if actor is not None else None,
    )
    teams = list({o.pk: o for o in [org, *(team_orgs or [])]}.values())
    project.team_orgs.set(teams)
    audit_record(
        actor=actor,
        action="cobuild.project.create",
        target=project,
        org=org,
        changes=diff(
            {},
            {
                "name": name,
                "formats": "、".join(str(OrderFormat(f).label) for f in formats),
                "team_orgs": "、".join(o.name for o in teams),
            },
        ),
    )
    return project


def current_team(project_id: int, people: list[ProjectMember]) -> bool:
    """Whether every one of `people` is in the project's team now (read afresh)."""
    pks = {p.pk for p in people}
    return ProjectMember.objects.filter(
        pk__in=pks, project_id=project_id, left_at__isnull=True
    ).count() == len(pks)


def _project_for_change(
    actor: Any, project: ServiceProject, *, archived: bool = False
) -> ServiceProject:
    """The project locked for a change by one who manages it: on offer, or archived when the
    change is to restore it."""
    project = (
        ServiceProject.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=project.pk)
    )
    access.require(actor, perms.MANAGE, project.org)
    if archived and project.archived_at is None:
        raise DomainError(_("The project is not archived."))
    if not archived and project.archived_at is not None:
        raise DomainError(_("The project is archived."))
    return project


@transaction.atomic
def project_update(
    *,
    actor: Any,
    project: ServiceProject,
    name: str,
    formats: list[str],
    summary: str = "",
    org: Organisation | None = None,
    team_orgs: list[Organisation] | None = None,
) -> ServiceProject:
    """Edit a project: its name, summary and formats, its team organisations, and the owning
    organisation (moved only to one the editor also manages). Orders already placed keep
    their topic, format and team."""
    project = _project_for_change(actor, project)
    org = org or project.org
    if org.pk != project.org_id:
        access.require(actor, perms.MANAGE, org)
        if org.is_archived:
            raise DomainError({"org": _("The organisation is archived.")})
    name = clean(name)
    if not name:
        raise DomainError({"name": _("Enter the name.")})
    formats = [f for f in OrderFormat.values if f in set(formats or [])]
    if not formats:
        raise DomainError({"formats": _("Offer at least one format.")})
    if ServiceProject.objects.filter(org=org, name=name).exclude(pk=project.pk).exists():
        raise DomainError({"name": _("This organisation already has a project of that name.")})
    current_teams = list(project.team_orgs.order_by("path"))
    teams = (
        current_teams if team_orgs is None else list({o.pk: o for o in [org, *team_orgs]}.values())
    )
    before = {
        "name": project.name,
        "org": project.org.name,
        "summary": project.summary,
        "formats": "、".join(str(OrderFormat(f).label) for f in project.formats),
        "team_orgs": "、".join(o.name for o in current_teams),
    }
    project.name, project.org, project.summary = name, org, (summary or "").strip()
    project.formats = formats
    project.save(update_fields=["name", "org", "summary", "formats"])
    if team_orgs is not None:
        project.team_orgs.set(teams)
    changes = diff(
        before,
        {
            "name": name,
            "org": org.name,
            "summary": project.summary,
            "formats": "、".join(str(OrderFormat(f).label) for f in formats),
            "team_orgs": "、".join(o.name for o in sorted(teams, key=lambda o: o.path)),
        },
    )
    if changes:
        audit_record(
            actor=actor, action="cobuild.project.update", target=project, org=org, changes=changes
        )
    return project


@transaction.atomic
def project_archive(*, actor: Any, project: ServiceProject, reason: str) -> ServiceProject:
    """Take a project off the list: nothing new is ordered from it or matched to it; orders
    already placed go on to the end. The record stays (已归档)."""
    project = _project_for_change(actor, project)
    reason = clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    project.archived_at = timezone.now()
    project.save(update_fields=["archived_at"])
    audit_record(
        actor=actor,
        action="cobuild.project.archive",
        target=project,
        org=project.org,
        changes={"reason": [None, reason]},
    )
    return project


@transaction.atomic
def project_restore(*, actor: Any, project: ServiceProject, reason: str) -> ServiceProject:
    """Put an archived project back on offer (归档有误, or the service resumes): it can be ordered
    from and matched to again, with its team and menu as they were. Audited with the reason."""
    project = _project_for_change(actor, project, archived=True)
    reason = clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    archived_at, project.archived_at = project.archived_at, None
    project.save(update_fields=["archived_at"])
    audit_record(
        actor=actor,
        action="cobuild.project.restore",
        target=project,
        org=project.org,
        changes={"archived_at": [archived_at, None], "reason": [None, reason]},
    )
    return project


@transaction.atomic
def project_member_end(*, actor: Any, person: ProjectMember) -> ProjectMember:
    """A person leaves the team: kept in its history with the date, no longer offered as a
    lecturer, nor chosen as one who taught."""
    person = ProjectMember.objects.select_for_update(of=("self",)).get(pk=person.pk)
    project = _project_for_change(actor, person.project)
    if person.left_at is not None:
        raise DomainError(_("This person has already left the team."))
    person.left_at = timezone.now()
    person.save(update_fields=["left_at"])
    audit_record(
        actor=actor,
        action="cobuild.project.member_end",
        target=project,
        org=project.org,
        target_label=f"{project} · {person}",
        changes={"left_at": [None, person.left_at]},
    )
    return person


@transaction.atomic
def project_member_add(
    *,
    actor: Any,
    project: ServiceProject,
    member: Any = None,
    name: str = "",
    unit: str = "",
    role: str = "",
    is_lecturer: bool = True,
) -> ProjectMember:
    """Add a person to the project's team: a party member of the deployment (from one of the
    team organisations), or an outside professional named with their unit."""
    project = _project_for_change(actor, project)
    role, unit = clean(role), clean(unit)
    if member is not None:
        team_paths = list(project.team_orgs.values_list("path", flat=True))
        if not any(member.org.path.startswith(p) for p in team_paths):
            raise DomainError(
                {"member": _("The member belongs to none of the project's team organisations.")}
            )
        if member.archived_at is not None:
            raise DomainError({"member": _("The member's record is archived.")})
        if ProjectMember.objects.filter(project=project, member=member).exists():
            raise DomainError({"member": _("The member is already in the team.")})
        name = member.full_name
        unit = unit or member.org.name
    else:
        name = clean(name)
        if not name:
            raise DomainError({"name": _("Choose a member or enter the person's name.")})
        if not unit:
            raise DomainError({"unit": _("Enter the unit of an outside professional.")})
    person = ProjectMember.objects.create(
        project=project,
        member=member,
        name=name[:50],
        unit=unit[:100],
        role=role[:50],
        is_lecturer=is_lecturer,
    )
    audit_record(
        actor=actor,
        action="cobuild.project.member_add",
        target=project,
        org=project.org,
        target_label=f"{project} · {person}",
        changes=diff({}, {"name": person.name, "unit": person.unit, "role": person.role}),
    )
    return person


@transaction.atomic
def topic_add(
    *,
    actor: Any,
    project: ServiceProject,
    title: str,
    description: str = "",
    lecturers: list[ProjectMember] | None = None,
) -> MenuTopic:
    """Put a topic (内容) on the project's menu with the lecturers who teach it (师资)."""
    project = _project_for_change(actor, project)
    title = clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    if MenuTopic.objects.filter(project=project, title=title).exists():
        raise DomainError({"title": _("The menu already has this topic.")})
    lecturers = lecturers or []
    if not current_team(project.pk, lecturers):
        raise DomainError({"lecturers": _("Lecturers come from the project's team.")})
    topic = MenuTopic.objects.create(
        project=project, title=title, description=(description or "").strip()
    )
    topic.lecturers.set(lecturers)
    audit_record(
        actor=actor,
        action="cobuild.project.topic_add",
        target=project,
        org=project.org,
        target_label=f"{project} · {title}",
        changes=diff({}, {"title": title, "lecturers": "、".join(p.name for p in lecturers)}),
    )
    return topic


@transaction.atomic
def topic_update(
    *,
    actor: Any,
    topic: MenuTopic,
    title: str,
    description: str = "",
    lecturers: list[ProjectMember] | None = None,
) -> MenuTopic:
    """Edit a topic of the menu; orders already placed keep it."""
    topic = MenuTopic.objects.select_for_update(of=("self",)).get(pk=topic.pk)
    project = _project_for_change(actor, topic.project)
    if topic.archived_at is not None:
        raise DomainError(_("This topic is no longer on the menu."))
    title = clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    if MenuTopic.objects.filter(project=project, title=title).exclude(pk=topic.pk).exists():
        raise DomainError({"title": _("The menu already has this topic.")})
    lecturers = lecturers or []
    if not current_team(project.pk, lecturers):
        raise DomainError({"lecturers": _("Lecturers come from the project's team.")})
    before = {
        "title": topic.title,
        "description": topic.description,
        "lecturers": "、".join(p.name for p in topic.lecturers.order_by("id")),
    }
    topic.title, topic.description = title, (description or "").strip()
    topic.save(update_fields=["title", "description"])
    topic.lecturers.set(lecturers)
    changes = diff(
        before,
        {
            "title": title,
            "description": topic.description,
            "lecturers": "、".join(p.name for p in sorted(lecturers, key=lambda p: p.pk)),
        },
    )
    if changes:
        audit_record(
            actor=actor,
            action="cobuild.project.topic_update",
            target=project,
            org=project.org,
            target_label=f"{project} · {title}",
            changes=changes,
        )
    return topic


@transaction.atomic
def topic_retire(*, actor: Any, topic: MenuTopic) -> MenuTopic:
    """Take a topic off the menu: no new orders for it; placed orders go on."""
    topic = MenuTopic.objects.select_for_update(of=("self",)).get(pk=topic.pk)
    project = _project_for_change(actor, topic.project)
    if topic.archived_at is not None:
        raise DomainError(_("This topic is no longer on the menu."))
    topic.archived_at = timezone.now()
    topic.save(update_fields=["archived_at"])
    audit_record(
        actor=actor,
        action="cobuild.project.topic_retire",
        target=project,
        org=project.org,
        target_label=f"{project} · {topic.title}",
        changes={"archived_at": [None, topic.archived_at]},
    )
    return topic
