"""What each audit action is called: one label for every `action` that a service writes to the
audit log (`tests/core/test_action_labels.py` fails when one is missing), and the audit page's
reading of an event's changes (field names and choice values in words, not codes)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mofan.core.registry import all_permissions

ACTIONS: dict[str, str | Promise] = {
    # accounts
    "accounts.user.create": _("Account created"),
    "accounts.user.update": _("Account changed"),
    "accounts.user.reset_password": _("Password reset"),
    "accounts.user.change_password": _("Own password changed"),
    "accounts.user.unlock": _("Account unlocked"),
    "accounts.role.create": _("Role created"),
    "accounts.role.update": _("Role changed"),
    "accounts.grant.create": _("Grant made"),
    "accounts.grant.revoke": _("Grant revoked"),
    "accounts.grant_request.create": _("Grant requested"),
    "accounts.grant_request.approve": _("Grant request approved"),
    "accounts.grant_request.reject": _("Grant request rejected"),
    "accounts.reset_request.create": _("Password reset requested"),
    "accounts.reset_request.approve": _("Password reset request approved"),
    "accounts.reset_request.reject": _("Password reset request rejected"),
    "accounts.session.open": _("Signed in"),
    "accounts.session.end": _("Session ended by an administrator"),
    "accounts.session.refuse": _("Sign-in refused"),
    "accounts.session.sign_out": _("Signed out"),
    "accounts.session.time_out": _("Signed out after inactivity"),
    "accounts.session.expire": _("Session reached its maximum lifetime"),
    "accounts.session.end_by_limit": _("Oldest session ended (too many sessions)"),
    "accounts.two_factor.enrol": _("Second factor set up"),
    "accounts.two_factor.recovery_code_used": _("Recovery code used"),
    "accounts.two_factor.reset": _("Second factor reset"),
    # core
    "core.notice.send": _("Notice sent"),
    "core.audit.reseal": _("Audit chain resealed with the audit key"),
    "core.notice.read": _("Notice read"),
    # orgs
    "orgs.organisation.create": _("Organisation created"),
    "orgs.organisation.update": _("Organisation changed"),
    "orgs.organisation.move": _("Organisation moved"),
    "orgs.organisation.archive": _("Organisation dissolved"),
    "orgs.organisation.import": _("Organisations imported"),
    "orgs.organ.create": _("Organ created"),
    "orgs.seat.assign": _("Committee seat assigned"),
    "orgs.seat.end": _("Committee seat ended"),
    "orgs.term.start": _("Term started"),
    "orgs.partner.create": _("Partner unit added"),
    "orgs.partner_contact.create": _("Partner contact added"),
    "orgs.partner_contact.link_user": _("Partner contact given a login"),
    # members
    "members.member.create": _("Member added"),
    "members.member.update": _("Member record changed"),
    "members.member.archive": _("Member record archived"),
    "members.member.transfer": _("Member transferred"),
    "members.member.make_full": _("Probationary member made full member"),
    "members.member.link_user": _("Member linked to a login"),
    "members.member.unmask": _("Full ID number shown"),
    "members.member.export_unmasked": _("Members exported with full ID numbers"),
    "members.member.import": _("Member imported"),
    "members.member.import_update": _("Member updated by import"),
    "members.roster.upload": _("Roster uploaded"),
    "members.roster.import": _("Roster imported"),
    "members.synthetic.generate": _("Synthetic members generated"),
    # orglife
    "orglife.meeting.schedule": _("Meeting scheduled"),
    "orglife.meeting.held": _("Meeting marked held"),
    "orglife.meeting.cancelled": _("Meeting cancelled"),
    "orglife.meeting.scheduled": _("Meeting rescheduled"),
    "orglife.meeting.minutes": _("Minutes recorded"),
    "orglife.resolution.record": _("Resolution recorded"),
    "orglife.attendance.record": _("Attendance recorded"),
    "orglife.attendance.check_in": _("Checked in to a meeting"),
    "orglife.attachment.add": _("Attachment added"),
    "orglife.attachment.remove": _("Attachment removed"),
    "orglife.leave.request": _("Leave requested"),
    "orglife.leave.approve": _("Leave approved"),
    "orglife.leave.refuse": _("Leave refused"),
    "orglife.review.submit": _("Meeting record submitted for review"),
    "orglife.review.resubmit": _("Meeting record resubmitted"),
    "orglife.review.acknowledge": _("Meeting record acknowledged"),
    "orglife.review.approve": _("Meeting record approved"),
    "orglife.review.return": _("Meeting record returned"),
    "orglife.calendar.reset": _("Calendar link renewed"),
    "orglife.talk.record": _("Heart-to-heart talk recorded"),
    "orglife.appraisal.open": _("Appraisal opened"),
    "orglife.appraisal.self": _("Self-appraisal written"),
    "orglife.appraisal.peer": _("Peer appraisal given"),
    "orglife.appraisal.propose": _("Grade proposed"),
    "orglife.appraisal.conclude": _("Appraisal concluded"),
    # study
    "study.group.create": _("Study group created"),
    "study.group.add_members": _("Study group members added"),
    "study.group.remove_member": _("Study group member removed"),
    "study.session.schedule": _("Study session scheduled"),
    "study.speech.add": _("Speech recorded"),
    "study.plan.create": _("Study plan created"),
    "study.plan.update": _("Study plan changed"),
    # volunteer
    "volunteer.activity.create": _("Volunteer activity created"),
    "volunteer.activity.cancel": _("Volunteer activity cancelled"),
    "volunteer.kind.add": _("Activity kind added"),
    "volunteer.kind.archive": _("Activity kind archived"),
    "volunteer.signup": _("Signed up for an activity"),
    "volunteer.signup_cancel": _("Sign-up cancelled"),
    "volunteer.participant_add": _("Participant added"),
    "volunteer.promote": _("Moved up from the waiting list"),
    "volunteer.check_in": _("Checked in to an activity"),
    "volunteer.check_out": _("Checked out of an activity"),
    "volunteer.times": _("Times recorded"),
    "volunteer.hours_confirm": _("Service hours confirmed"),
    "volunteer.hours_correct": _("Service hours corrected"),
    "volunteer.hours_rule": _("Service hours rule changed"),
    "volunteer.certificate": _("Service certificate issued"),
    "volunteer.team.create": _("Volunteer team created"),
    "volunteer.team.members": _("Volunteer team members changed"),
    "volunteer.wish.post": _("Micro-wish posted"),
    "volunteer.wish.publish": _("Micro-wish published"),
    "volunteer.wish.reject": _("Micro-wish rejected"),
    "volunteer.wish.claim": _("Micro-wish claimed"),
    "volunteer.wish.fulfil": _("Micro-wish fulfilled"),
    "volunteer.wish.confirm": _("Micro-wish fulfilment confirmed"),
    "volunteer.wish.return": _("Micro-wish fulfilment returned"),
    "volunteer.wish.expire": _("Micro-wish expired"),
    "volunteer.registration.submit": _("Community registration submitted"),
    "volunteer.registration.confirm": _("Community registration confirmed"),
    "volunteer.registration.decline": _("Community registration declined"),
    "volunteer.registration.end": _("Community registration ended"),
    "volunteer.registration.evaluate": _("Community registration evaluated"),
    "volunteer.task.assign": _("Community task assigned"),
    "volunteer.task.report": _("Community task reported"),
    "volunteer.task.confirm": _("Community task confirmed"),
    "volunteer.task.return": _("Community task returned"),
    "volunteer.task.cancel": _("Community task cancelled"),
    # cobuild
    "cobuild.agreement.create": _("Co-building agreement signed"),
    "cobuild.agreement.duties": _("Agreement duties changed"),
    "cobuild.agreement.end": _("Co-building agreement ended"),
    "cobuild.joint_meeting": _("Joint meeting recorded"),
    "cobuild.demand.post": _("Demand posted"),
    "cobuild.demand.match": _("Demand matched"),
    "cobuild.demand.close": _("Demand closed"),
    "cobuild.project.create": _("Service project created"),
    "cobuild.project.update": _("Service project changed"),
    "cobuild.project.archive": _("Service project archived"),
    "cobuild.project.restore": _("Service project restored"),
    "cobuild.project.member_add": _("Project member added"),
    "cobuild.project.member_end": _("Project member left"),
    "cobuild.project.topic_add": _("Menu topic added"),
    "cobuild.project.topic_update": _("Menu topic changed"),
    "cobuild.project.topic_retire": _("Menu topic retired"),
    "cobuild.order.place": _("Service ordered"),
    "cobuild.order.dispatch": _("Order dispatched"),
    "cobuild.order.accept": _("Order accepted"),
    "cobuild.order.decline": _("Order declined"),
    "cobuild.order.schedule": _("Order scheduled"),
    "cobuild.order.prepare": _("Order prepared"),
    "cobuild.order.deliver": _("Order delivered"),
    "cobuild.order.confirm": _("Order confirmed"),
    "cobuild.order.cancel": _("Order cancelled"),
    # lawedu
    "lawedu.material.create": _("Handout added"),
    "lawedu.material.update": _("Handout changed"),
    "lawedu.material.received": _("Handouts received"),
    "lawedu.material.issued": _("Handouts issued"),
    "lawedu.material.adjusted": _("Handout stock adjusted"),
    "lawedu.material.reserved": _("Handouts reserved"),
    "lawedu.material.released": _("Handout reservation released"),
    "lawedu.material.consumed": _("Reserved handouts used"),
    "lawedu.appointment.create": _("Legal counsellor appointed"),
    "lawedu.appointment.end": _("Legal counsellor's appointment ended"),
    "lawedu.mock_trial.create": _("Mock trial recorded"),
    "lawedu.mock_trial.update": _("Mock trial changed"),
    "lawedu.mock_trial.roles": _("Mock trial roles changed"),
    "lawedu.mock_trial.attach": _("Mock trial file attached"),
    "lawedu.mock_trial.detach": _("Mock trial file removed"),
    # portal
    "portal.article.create": _("Article created"),
    "portal.article.edit": _("Article edited"),
    "portal.article.image": _("Article picture added"),
    "portal.article.audio": _("Article read aloud"),
    "portal.article.submit": _("Article submitted for review"),
    "portal.article.return": _("Article returned"),
    "portal.article.publish": _("Article published"),
    "portal.article.unpublish": _("Article withdrawn"),
    "portal.article.release": _("Scheduled article released"),
    "portal.column.create": _("Column created"),
    "portal.topic.create": _("Topic created"),
    # campaigns
    "campaigns.campaign.open": _("Case campaign opened"),
    "campaigns.campaign.update": _("Case campaign changed"),
    "campaigns.campaign.start_review": _("Case review started"),
    "campaigns.campaign.reopen_review": _("Case review reopened"),
    "campaigns.campaign.close_review": _("Case review closed"),
    "campaigns.campaign.decide": _("Case campaign results decided"),
    "campaigns.submission.create": _("Case created"),
    "campaigns.submission.save": _("Case saved"),
    "campaigns.submission.submit": _("Case submitted"),
    "campaigns.submission.withdraw": _("Case withdrawn"),
    "campaigns.submission.file_add": _("Case file added"),
    "campaigns.submission.file_remove": _("Case file removed"),
    "campaigns.submission.decide": _("Case graded"),
    "campaigns.submission.to_article": _("Case turned into an article"),
    "campaigns.review.assign": _("Reviewer assigned"),
    "campaigns.review.unassign": _("Reviewer removed"),
    "campaigns.review.score": _("Case scored"),
}

# Keys of `changes` that are not fields of the event's target ("action:key" for one action).
CHANGE_LABELS: dict[str, str | Promise] = {
    "accounts.session.end:session": _("signed-in session"),
    "reason": _("reason"),
    "session": _("session"),
    "locked": _("locked"),
    "requested_by": _("requested by"),
    "stock": _("stock"),
    "reserved": _("reserved"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def _model(label: str) -> Any:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _value(value: Any, choices: dict[str, Any], permissions: dict[str, Any]) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return "、".join(_value(v, choices, permissions) for v in value) or "—"
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    if isinstance(value, str) and value in permissions:
        return str(permissions[value])
    return str(value)


def describe_changes(event: Any) -> list[tuple[str, str, str]]:
    """(field, before, after) in words: the target's field names, choice labels for stored
    codes (a state change reads 已交付 → 已确认, not delivered → confirmed) and permission
    labels for role codes."""
    model = _model(event.target_type)
    permissions = all_permissions()
    rows = []
    for key, change in (event.changes or {}).items():
        name: Any = CHANGE_LABELS.get(f"{event.action}:{key}", CHANGE_LABELS.get(key, key))
        choices: dict[str, Any] = {}
        if model is not None:
            try:
                field = model._meta.get_field(key)
            except FieldDoesNotExist:
                field = None
            if field is not None:
                name = getattr(field, "verbose_name", key)
                choices = {str(k): v for k, v in (getattr(field, "flatchoices", None) or [])}
        pair = change if isinstance(change, list) and len(change) == 2 else [None, change]
        before, after = (_value(v, choices, permissions) for v in pair)
        rows.append((str(name), before, after))
    return rows
