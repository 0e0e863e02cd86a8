from django.utils.translation import gettext_lazy as _

MANAGE = "campaigns.manage"  # open campaigns, assign reviewers, rank and decide (the 工委)
SUBMIT = "campaigns.submit"  # draft and submit an organisation's cases to campaigns in scope
REVIEW = "campaigns.review"  # score the cases one is assigned to, blind (评审专家)

PERMISSIONS = {
    MANAGE: _("Run case campaigns: reviewers, ranking and awards"),
    SUBMIT: _("Submit cases to case campaigns"),
    REVIEW: _("Score assigned cases blind"),
}
