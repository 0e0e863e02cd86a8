from django.utils.translation import gettext_lazy as _

VIEW = "orgs.view"
MANAGE = "orgs.manage"
MANAGE_PARTNERS = "orgs.manage_partners"

PERMISSIONS = {
    VIEW: _("View organisations"),
    MANAGE: _("Manage organisations, committees and terms"),
    MANAGE_PARTNERS: _("Manage partner units"),
}
