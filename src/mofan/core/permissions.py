from django.utils.translation import gettext_lazy as _

VIEW_AUDIT = "core.view_audit"
SEND_NOTICE = "core.send_notice"

PERMISSIONS = {
    VIEW_AUDIT: _("Read and export the audit log"),
    SEND_NOTICE: _("Send notices"),
}
SYSTEM_PERMISSIONS = frozenset({VIEW_AUDIT})

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (SEND_NOTICE,),
    "committee_admin": (SEND_NOTICE,),
    "branch_secretary": (SEND_NOTICE,),
    "audit_admin": (VIEW_AUDIT,),
}
