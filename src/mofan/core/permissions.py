from django.utils.translation import gettext_lazy as _

VIEW_AUDIT = "core.view_audit"
SEND_NOTICE = "core.send_notice"

PERMISSIONS = {
    VIEW_AUDIT: _("Read and export the audit log"),
    SEND_NOTICE: _("Send notices"),
}
SYSTEM_PERMISSIONS = frozenset({VIEW_AUDIT})
