from django.utils.translation import gettext_lazy as _

VIEW = "study.view"
MANAGE = "study.manage"

PERMISSIONS = {
    VIEW: _("View study groups, study sessions and study hours"),
    MANAGE: _("Manage study groups, study sessions, speeches and study plans"),
}
