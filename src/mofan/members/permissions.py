from django.utils.translation import gettext_lazy as _

VIEW = "members.view"
MANAGE = "members.manage"
VIEW_SENSITIVE = "members.view_sensitive"

PERMISSIONS = {
    VIEW: _("View member records"),
    MANAGE: _("Manage member records"),
    VIEW_SENSITIVE: _("See full ID and mobile numbers (every view is audited)"),
}

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (VIEW, MANAGE, VIEW_SENSITIVE),
    "committee_admin": (VIEW, MANAGE, VIEW_SENSITIVE),
    "branch_secretary": (VIEW, MANAGE),
    "branch_committee": (VIEW,),
}
