from django.utils.translation import gettext_lazy as _

VIEW = "orglife.view"
MANAGE_MEETINGS = "orglife.manage_meetings"
REVIEW_MEETINGS = "orglife.review_meetings"  # held from above: the organisations below

PERMISSIONS = {
    VIEW: _("View organisational life and its compliance"),
    MANAGE_MEETINGS: _("Schedule meetings and record attendance"),
    REVIEW_MEETINGS: _("Acknowledge and review the meeting records of the organisations below"),
}
