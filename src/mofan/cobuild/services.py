"""Writes of co-building: agreements, their parties and duties, joint meetings; service
projects with their teams and menus, demands, and orders through one transition table."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.cobuild import extensions
from mofan.cobuild import permissions as perms
from mofan.cobuild.models import (
    Agreement,
    AgreementParty,
    Demand,
    DemandState,
    JointMeeting,
    MenuTopic,
    Order,
    OrderFormat,
    OrderPhoto,
    ProjectKind,
    ProjectMember,
    ServiceProject,
)
from mofan.cobuild.workflows import ORDER
from mofan.core import access, richtext
from mofan.core.audit import audit_record, diff
from mofan.core.errors import DomainError
from mofan.core.uploads import check_upload
from mofan.orgs.models import Organisation, PartnerUnit

RENEWAL_NOTICE_DAYS = 60  # the keepers are reminded this many days before an agreement ends


def _clean(text: str) -> str:
    return " ".join((text or "").split())


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    org: Organisation,
    title: str,
    signed_on: date,
    ends_on: date,
    party_orgs: list[Organisation],
    party_partners: list[PartnerUnit],
    summary: str = "",
    scan: Any = None,
) -> Agreement:
    """Record a signed agreement kept by `org`, with two or more parties."""
    access.require(actor, perms.MANAGE, org)
    title = _clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    if ends_on <= signed_on:
        raise DomainError({"ends_on": _("The term ends after the signing date.")})
    if signed_on > timezone.localdate():
        raise DomainError({"signed_on": _("The signing date cannot be in the future.")})
    orgs = list({o.pk: o for o in party_orgs}.values())
    partners = list({p.pk: p for p in party_partners}.values())
    if len(orgs) + len(partners) < 2:
        raise DomainError(_("An agreement has at least two parties."))
    if not orgs:
        raise DomainError({"party_orgs": _("At least one party organisation of ours signs it.")})
    agreement = Agreement(
        org=org,
        title=title,
        signed_on=signed_on,
        ends_on=ends_on,
        summary=(summary or "").strip(),
        created_by=actor if actor is not None else None,
    )
    if scan:
        checked = check_upload(scan)
        agreement.scan.save(checked.stored_name, checked.upload, save=False)
        agreement.scan_name, agreement.scan_type = checked.name, checked.kind.content_type
    agreement.save()
    AgreementParty.objects.bulk_create(
        [AgreementParty(agreement=agreement, org=o) for o in orgs]
        + [AgreementParty(agreement=agreement, partner=p) for p in partners]
    )
    audit_record(
        actor=actor,
        action="cobuild.agreement.create",
        target=agreement,
        org=org,
        changes=diff(
            {},
            {
                "title": title,
                "signed_on": signed_on,
                "ends_on": ends_on,
                "parties": "、".join([o.name for o in orgs] + [p.name for p in partners]),
            },
        ),
    )
    return agreement


@transaction.atomic
def party_duties_save(*, actor: Any, party: AgreementParty, duties: str) -> AgreementParty:
    agreement = (
        Agreement.objects.select_for_update().select_related("org").get(pk=party.agreement_id)
    )
    access.require(actor, perms.MANAGE, agreement.org)
    party = AgreementParty.objects.get(pk=party.pk)
    before = party.duties
    party.duties = (duties or "").strip()[:2000]
    party.save(update_fields=["duties"])
    audit_record(
        actor=actor,
        action="cobuild.agreement.duties",
        target=agreement,
        org=agreement.org,
        target_label=f"{agreement} · {party}",
        changes={"duties": [before, party.duties]},
    )
    return party


@transaction.atomic
def agreement_end(*, actor: Any, agreement: Agreement, reason: str) -> Agreement:
    """End an agreement before its term (the record stays)."""
    agreement = Agreement.objects.select_for_update().select_related("org").get(pk=agreement.pk)
    access.require(actor, perms.MANAGE, agreement.org)
    if agreement.ended_at is not None:
        raise DomainError(_("The agreement has already ended."))
    reason = _clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    agreement.ended_at = timezone.now()
    agreement.save(update_fields=["ended_at"])
    audit_record(
        actor=actor,
        action="cobuild.agreement.end",
        target=agreement,
        org=agreement.org,
        changes={"reason": [None, reason]},
    )
    return agreement


@transaction.atomic
def joint_meeting_record(
    *,
    actor: Any,
    agreement: Agreement,
    held_on: date,
    attendees: str,
    place: str = "",
    minutes: str = "",
    decisions: str = "",
) -> JointMeeting:
    access.require(actor, perms.MANAGE, agreement.org)
    attendees = _clean(attendees)
    if not attendees:
        raise DomainError({"attendees": _("Say who took part.")})
    if held_on > timezone.localdate():
        raise DomainError({"held_on": _("The date cannot be in the future.")})
    if held_on < agreement.signed_on:
        raise DomainError(
            {"held_on": _("A joint meeting under the agreement follows its signing.")}
        )
    meeting = JointMeeting.objects.create(
        agreement=agreement,
        held_on=held_on,
        place=_clean(place),
        attendees=attendees[:500],
        minutes=richtext.clean(minutes),
        decisions=(decisions or "").strip(),
        created_by=actor if actor is not None else None,
    )
    audit_record(
        actor=actor,
        action="cobuild.joint_meeting",
        target=agreement,
        org=agreement.org,
        target_label=f"{agreement} · {held_on}",
        changes={"held_on": [None, held_on], "attendees": [None, attendees]},
    )
    return meeting


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
    name = _clean(name)
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


def _current_team(project_id: int, people: list[ProjectMember]) -> bool:
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
    name = _clean(name)
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
    reason = _clean(reason)
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
    reason = _clean(reason)
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
    role, unit = _clean(role), _clean(unit)
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
        name = _clean(name)
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
    title = _clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    if MenuTopic.objects.filter(project=project, title=title).exists():
        raise DomainError({"title": _("The menu already has this topic.")})
    lecturers = lecturers or []
    if not _current_team(project.pk, lecturers):
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
    title = _clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    if MenuTopic.objects.filter(project=project, title=title).exclude(pk=topic.pk).exists():
        raise DomainError({"title": _("The menu already has this topic.")})
    lecturers = lecturers or []
    if not _current_team(project.pk, lecturers):
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


# ── Demands (需求清单) ──


@transaction.atomic
def demand_post(
    *,
    actor: Any,
    partner: PartnerUnit,
    title: str,
    description: str = "",
    audience: str = "",
    wanted_by: date | None = None,
) -> Demand:
    """A partner's contact posts a demand, or staff who look after the partner post it."""
    access.require_partner_or(actor, partner, perms.MANAGE)
    title = _clean(title)
    if not title:
        raise DomainError({"title": _("Enter the title.")})
    if partner.archived_at is not None:
        raise DomainError(_("The partner unit is archived."))
    if wanted_by is not None and wanted_by < timezone.localdate():
        raise DomainError({"wanted_by": _("The date cannot be in the past.")})
    demand = Demand.objects.create(
        partner=partner,
        title=title,
        description=(description or "").strip(),
        audience=_clean(audience)[:100],
        wanted_by=wanted_by,
        posted_by=actor if actor is not None else None,
    )
    audit_record(
        actor=actor,
        action="cobuild.demand.post",
        target=demand,
        org=partner.org,
        changes=diff({}, {"partner": partner.name, "title": title, "wanted_by": wanted_by}),
    )
    return demand


@transaction.atomic
def demand_match(*, actor: Any, demand: Demand, project: ServiceProject) -> Demand:
    """A coordinator of the project answers an open demand with it; the partner can then
    order from its menu."""
    project = ServiceProject.objects.select_related("org").get(pk=project.pk)
    access.require(actor, perms.COORDINATE, project.org)
    demand = Demand.objects.select_for_update().select_related("partner").get(pk=demand.pk)
    if demand.state != DemandState.OPEN:
        raise DomainError(_("Only an open demand can be matched."))
    if project.archived_at is not None:
        raise DomainError({"project": _("The project is archived.")})
    demand.state, demand.project, demand.matched_at = DemandState.MATCHED, project, timezone.now()
    demand.save(update_fields=["state", "project", "matched_at"])
    audit_record(
        actor=actor,
        action="cobuild.demand.match",
        target=demand,
        org=demand.partner.org,
        changes={"project": [None, project.name]},
    )
    from mofan.cobuild.tasks import demand_matched_notify

    transaction.on_commit(lambda: demand_matched_notify(demand.pk))
    return demand


@transaction.atomic
def demand_close(*, actor: Any, demand: Demand) -> Demand:
    """The partner (or staff for it) closes a demand: met or no longer wanted."""
    demand = Demand.objects.select_for_update().select_related("partner__org").get(pk=demand.pk)
    access.require_partner_or(actor, demand.partner, perms.MANAGE)
    if demand.state == DemandState.CLOSED:
        raise DomainError(_("The demand is already closed."))
    before = demand.state
    demand.state, demand.closed_at = DemandState.CLOSED, timezone.now()
    demand.save(update_fields=["state", "closed_at"])
    audit_record(
        actor=actor,
        action="cobuild.demand.close",
        target=demand,
        org=demand.partner.org,
        changes={"state": [before, demand.state]},
    )
    return demand


# ── Orders: 点单 → 派单 → 接单 → 服务 → 评单, declared once (`workflows.ORDER`) ──


def _when(actor: Any, at: datetime | None) -> datetime:
    """The moment of a step: now; the system alone (demo, imports) may record an earlier one."""
    if at is not None and actor is None:
        return at
    return timezone.now()


@transaction.atomic
def order_place(
    *,
    actor: Any,
    topic: MenuTopic,
    partner: PartnerUnit,
    format: str,
    audience: str,
    audience_size: int,
    venue: str,
    preferred_dates: str = "",
    notes: str = "",
    demand: Demand | None = None,
    at: datetime | None = None,
) -> Order:
    """点单: a partner's contact orders a topic from a project's menu (staff who look after
    the partner may order for it). The coordinators are told."""
    access.require_partner_or(actor, partner, perms.MANAGE)
    # Read afresh: the topic or its project may have left the menu since the form was shown.
    topic = MenuTopic.objects.select_related("project__org").get(pk=topic.pk)
    project = topic.project
    errors: dict[str, str] = {}
    if project.archived_at is not None or topic.archived_at is not None:
        errors["topic"] = _("This topic is no longer on the menu.")
    if format not in project.formats:
        errors["format"] = _("The project does not offer this format.")
    audience, venue = _clean(audience), _clean(venue)
    if not audience:
        errors["audience"] = _("Say who will attend.")
    if not audience_size or audience_size < 1:
        errors["audience_size"] = _("Give the number of people expected.")
    if not venue:
        errors["venue"] = _("Enter the venue.")
    if demand is not None and demand.partner_id != partner.pk:
        errors["demand"] = _("The demand belongs to another partner unit.")
    if errors:
        raise DomainError(errors)
    if partner.archived_at is not None:
        raise DomainError(_("The partner unit is archived."))
    when = _when(actor, at)
    order = Order.objects.create(
        project=project,
        topic=topic,
        partner=partner,
        format=format,
        audience=audience[:100],
        audience_size=audience_size,
        venue=venue[:200],
        preferred_dates=_clean(preferred_dates)[:200],
        notes=(notes or "").strip(),
        demand=demand,
        ordered_by=actor if actor is not None else None,
        ordered_at=when,
    )
    return ORDER.started(
        actor,
        order,
        "place",
        at=when,
        changes=diff(
            {},
            {
                "topic": topic.title,
                "format": order.get_format_display(),
                "audience": audience,
                "audience_size": audience_size,
            },
        ),
    )


@transaction.atomic
def order_dispatch(
    *, actor: Any, order: Order, team: Organisation, note: str = "", at: datetime | None = None
) -> Order:
    """派单: a coordinator gives the order to one of the project's team organisations. Of two
    coordinators dispatching at once, the second is told the order has moved on."""
    order = ORDER.begin(actor, order, "dispatch")
    if not order.project.team_orgs.filter(pk=team.pk).exists():
        raise DomainError({"team": _("Choose one of the project's team organisations.")})
    before = order.team.name if order.team else None
    order.team, order.dispatched_at = team, _when(actor, at)
    order.decline_reason = ""
    return ORDER.finish(
        actor,
        order,
        "dispatch",
        fields=["team", "dispatched_at", "decline_reason"],
        changes={"team": [before, team.name]},
        note=_clean(note),
        at=order.dispatched_at,
    )


@transaction.atomic
def order_accept(*, actor: Any, order: Order, at: datetime | None = None) -> Order:
    """接单: the team takes the order on."""
    order = ORDER.begin(actor, order, "accept")
    order.accepted_at = _when(actor, at)
    return ORDER.finish(actor, order, "accept", fields=["accepted_at"], at=order.accepted_at)


@transaction.atomic
def order_decline(*, actor: Any, order: Order, reason: str, at: datetime | None = None) -> Order:
    """The team declines, saying why; the coordinator dispatches it again."""
    order = ORDER.begin(actor, order, "decline")
    reason = _clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    order.decline_reason = reason[:500]
    # What other apps held for the session goes back (lawedu's handouts).
    extensions.take("decline", actor=actor, order=order)
    return ORDER.finish(
        actor,
        order,
        "decline",
        fields=["decline_reason"],
        changes={"reason": [None, reason]},
        note=reason,
        at=_when(actor, at),
    )


@transaction.atomic
def order_schedule(
    *, actor: Any, order: Order, scheduled_at: datetime, at: datetime | None = None
) -> Order:
    """The team fixes (or moves) the session's date and time; the partner is told."""
    order = ORDER.begin(actor, order, "schedule")
    when = _when(actor, at)
    if scheduled_at <= when:
        raise DomainError({"scheduled_at": _("The session is scheduled in the future.")})
    before = order.scheduled_at
    order.scheduled_at = scheduled_at
    return ORDER.finish(
        actor,
        order,
        "schedule",
        fields=["scheduled_at"],
        changes={"scheduled_at": [before, scheduled_at]},
        at=when,
    )


def _store(field: Any, upload: Any) -> tuple[str, str]:
    checked = check_upload(upload)
    field.save(checked.stored_name, checked.upload, save=False)
    return checked.name, checked.kind.content_type


@transaction.atomic
def order_prepare(
    *,
    actor: Any,
    order: Order,
    lesson_plan: Any = None,
    slides: Any = None,
    handouts: dict[Any, int] | None = None,
    at: datetime | None = None,
) -> Order:
    """The team uploads the lesson plan (required once) and the slides; uploading again
    replaces them. `handouts` (handout → copies) is given to the apps that join the step
    (`extensions`: lawedu reserves them of the team's stock, replacing what the session held)."""
    order = ORDER.begin(actor, order, "prepare")
    if not lesson_plan and not order.lesson_plan:
        raise DomainError({"lesson_plan": _("Upload the lesson plan.")})
    fields, changes = ["prepared_at"], {}
    if lesson_plan:
        order.lesson_plan_name, order.lesson_plan_type = _store(order.lesson_plan, lesson_plan)
        fields += ["lesson_plan", "lesson_plan_name", "lesson_plan_type"]
        changes["lesson_plan"] = [None, order.lesson_plan_name]
    if slides:
        order.slides_name, order.slides_type = _store(order.slides, slides)
        fields += ["slides", "slides_name", "slides_type"]
        changes["slides"] = [None, order.slides_name]
    changes.update(extensions.take("prepare", actor=actor, order=order, handouts=handouts))
    order.prepared_at = _when(actor, at)
    return ORDER.finish(
        actor, order, "prepare", fields=fields, changes=changes, at=order.prepared_at
    )


@transaction.atomic
def order_deliver(
    *,
    actor: Any,
    order: Order,
    taught_by: list[ProjectMember],
    attendance: int,
    photos: list[Any] | None = None,
    handouts: dict[Any, int] | None = None,
    at: datetime | None = None,
) -> Order:
    """服务: the team reports the session: who taught, how many attended, photos, and the
    handouts given out (`handouts`, handout → copies, for the apps that join the step: lawedu
    consumes the reservation and releases what it held beyond that). The partner is asked to
    confirm and rate it."""
    order = ORDER.begin(actor, order, "deliver")
    when = _when(actor, at)
    if not taught_by:
        raise DomainError({"taught_by": _("Say who taught.")})
    if not _current_team(order.project_id, taught_by):
        raise DomainError({"taught_by": _("Lecturers come from the project's team.")})
    if attendance is None or attendance < 1:
        raise DomainError({"attendance": _("Give the number of people who attended.")})
    if order.scheduled_at is not None and when < order.scheduled_at:
        raise DomainError(_("A session is reported after its scheduled time."))
    checked = [check_upload(p) for p in photos or []]
    added = extensions.take("deliver", actor=actor, order=order, handouts=handouts)
    order.delivered_at, order.attendance = when, attendance
    order.taught_by.set(taught_by)
    for c in checked:
        photo = OrderPhoto(order=order, name=c.name, content_type=c.kind.content_type)
        photo.file.save(c.stored_name, c.upload, save=False)
        photo.save()
    return ORDER.finish(
        actor,
        order,
        "deliver",
        fields=["delivered_at", "attendance"],
        at=when,
        changes={
            "attendance": [None, attendance],
            "taught_by": [None, "、".join(p.name for p in taught_by)],
            "photos": [None, len(checked)],
            **added,
        },
    )


@transaction.atomic
def order_confirm(
    *, actor: Any, order: Order, rating: int, comment: str = "", at: datetime | None = None
) -> Order:
    """评单: the partner's contact confirms the session took place and rates it 1–5."""
    order = ORDER.begin(actor, order, "confirm")
    if rating not in {1, 2, 3, 4, 5}:
        raise DomainError({"rating": _("Rate from 1 to 5.")})
    order.rating, order.comment = rating, (comment or "").strip()[:2000]
    order.confirmed_at = _when(actor, at)
    return ORDER.finish(
        actor,
        order,
        "confirm",
        fields=["rating", "comment", "confirmed_at"],
        changes={"rating": [None, rating]},
        note=order.comment,
        at=order.confirmed_at,
    )


@transaction.atomic
def order_cancel(*, actor: Any, order: Order, reason: str, at: datetime | None = None) -> Order:
    """Either side cancels an order not yet delivered, saying why."""
    order = ORDER.begin(actor, order, "cancel")
    reason = _clean(reason)
    if not reason:
        raise DomainError({"reason": _("Give the reason.")})
    order.cancel_reason, order.cancelled_at = reason[:500], _when(actor, at)
    extensions.take("cancel", actor=actor, order=order)
    return ORDER.finish(
        actor,
        order,
        "cancel",
        fields=["cancel_reason", "cancelled_at"],
        changes={"reason": [None, reason]},
        note=reason,
        at=order.cancelled_at,
    )
