from django.utils.translation import gettext_lazy as _

VIEW = "cobuild.view"  # agreements and joint meetings in scope
MANAGE = "cobuild.manage"  # sign agreements for the organisations in scope, record joint meetings

PERMISSIONS = {
    VIEW: _("View co-building agreements and joint meetings"),
    MANAGE: _("Record co-building agreements and joint meetings"),
}
