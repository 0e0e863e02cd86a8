from django.utils.translation import gettext_lazy as _

VIEW = "cobuild.view"  # agreements, joint meetings, projects, demands and orders in scope
MANAGE = "cobuild.manage"  # agreements, joint meetings, service projects, demands on behalf
COORDINATE = "cobuild.coordinate"  # dispatch (派单) and cancel the orders of projects in scope
SERVE = "cobuild.serve"  # a team's steps: accept or decline, schedule, prepare, deliver

PERMISSIONS = {
    VIEW: _("View co-building agreements and joint meetings"),
    MANAGE: _("Record co-building agreements and joint meetings"),
    COORDINATE: _("Dispatch service orders to teams"),
    SERVE: _("Accept, schedule, prepare and deliver service orders"),
}

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (VIEW, MANAGE, COORDINATE, SERVE),
    "committee_admin": (VIEW, MANAGE, COORDINATE, SERVE),
    "branch_secretary": (VIEW, SERVE),
}
