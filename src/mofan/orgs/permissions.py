from django.utils.translation import gettext_lazy as _

VIEW = "orgs.view"
MANAGE = "orgs.manage"
MANAGE_PARTNERS = "orgs.manage_partners"

PERMISSIONS = {
    VIEW: _("View organisations"),
    MANAGE: _("Manage organisations, committees and terms"),
    MANAGE_PARTNERS: _("Manage partner units"),
}

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (VIEW, MANAGE, MANAGE_PARTNERS),
    "committee_admin": (VIEW, MANAGE, MANAGE_PARTNERS),
    "branch_secretary": (VIEW, MANAGE),
    "branch_committee": (VIEW,),
    "member": (VIEW,),
}
