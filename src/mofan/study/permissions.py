from django.utils.translation import gettext_lazy as _

VIEW = "study.view"
MANAGE = "study.manage"

PERMISSIONS = {
    VIEW: _("View study groups, study sessions and study hours"),
    MANAGE: _("Manage study groups, study sessions, speeches and study plans"),
}

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (VIEW, MANAGE),
    "committee_admin": (VIEW, MANAGE),
    "branch_secretary": (VIEW, MANAGE),
    "branch_committee": (VIEW, MANAGE),
}
