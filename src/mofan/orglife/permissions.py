from django.utils.translation import gettext_lazy as _

VIEW = "orglife.view"
MANAGE_MEETINGS = "orglife.manage_meetings"
REVIEW_MEETINGS = "orglife.review_meetings"  # held from above: the organisations below

PERMISSIONS = {
    VIEW: _("View organisational life and its compliance"),
    MANAGE_MEETINGS: _("Schedule meetings and record attendance"),
    REVIEW_MEETINGS: _("Acknowledge and review the meeting records of the organisations below"),
}

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (VIEW, MANAGE_MEETINGS, REVIEW_MEETINGS),
    "committee_admin": (VIEW, MANAGE_MEETINGS, REVIEW_MEETINGS),
    "branch_secretary": (VIEW, MANAGE_MEETINGS),
    "branch_committee": (VIEW, MANAGE_MEETINGS),
}
