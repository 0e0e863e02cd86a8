from django.utils.translation import gettext_lazy as _

VIEW = "lawedu.view"  # handout stock, mock trials and counsellor appointments in scope
MANAGE = "lawedu.manage"  # keep the stock, record mock trials, appoint and end appointments

PERMISSIONS = {
    VIEW: _("View legal education: handouts, mock trials, counsellors"),
    MANAGE: _("Manage legal education: handout stock, mock trials, counsellor appointments"),
}
