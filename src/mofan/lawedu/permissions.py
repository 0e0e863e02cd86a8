from django.utils.translation import gettext_lazy as _

VIEW = "lawedu.view"  # handout stock, mock trials and counsellor appointments in scope
MANAGE = "lawedu.manage"  # keep the stock, record mock trials, appoint and end appointments

PERMISSIONS = {
    VIEW: _("View legal education: handouts, mock trials, counsellors"),
    MANAGE: _("Manage legal education: handout stock, mock trials, counsellor appointments"),
}

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (VIEW, MANAGE),
    "committee_admin": (VIEW, MANAGE),
    "branch_secretary": (VIEW,),
}
