from django.utils.translation import gettext_lazy as _

VIEW = "members.view"
MANAGE = "members.manage"
VIEW_SENSITIVE = "members.view_sensitive"

PERMISSIONS = {
    VIEW: _("View member records"),
    MANAGE: _("Manage member records"),
    VIEW_SENSITIVE: _("See full ID and mobile numbers (every view is audited)"),
}
