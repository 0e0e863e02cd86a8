from django.utils.translation import gettext_lazy as _

VIEW = "orglife.view"
MANAGE_MEETINGS = "orglife.manage_meetings"

PERMISSIONS = {
    VIEW: _("View organisational life and its compliance"),
    MANAGE_MEETINGS: _("Schedule meetings and record attendance"),
}
