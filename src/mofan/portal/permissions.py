from django.utils.translation import gettext_lazy as _

EDIT = "portal.edit"  # write and revise articles, keep columns and special topics
PUBLISH = "portal.publish"  # publish, schedule, return and unpublish articles

PERMISSIONS = {
    EDIT: _("Write and edit portal articles"),
    PUBLISH: _("Publish and unpublish portal articles"),
}

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (EDIT, PUBLISH),
}
