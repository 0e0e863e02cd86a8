from django.utils.translation import gettext_lazy as _

VIEW = "volunteer.view"  # activities, participations, wishes and statistics in scope
MANAGE = "volunteer.manage"  # organise activities, record and confirm hours, issue certificates
REVIEW_WISHES = "volunteer.review_wishes"  # review and publish the wishes of linked communities

PERMISSIONS = {
    VIEW: _("View volunteering, micro-wishes and their statistics"),
    MANAGE: _("Organise volunteer activities, confirm hours and issue certificates"),
    REVIEW_WISHES: _("Review and publish micro-wishes of partner communities"),
}

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (VIEW, MANAGE, REVIEW_WISHES),
    "committee_admin": (VIEW, MANAGE, REVIEW_WISHES),
    "branch_secretary": (VIEW, MANAGE),
    "branch_committee": (VIEW, MANAGE),
}
