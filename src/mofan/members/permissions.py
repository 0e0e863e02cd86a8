from django.utils.translation import gettext_lazy as _

VIEW = "members.view"
MANAGE = "members.manage"

PERMISSIONS = {
    VIEW: _("View member records"),
    MANAGE: _("Manage member records"),
}
