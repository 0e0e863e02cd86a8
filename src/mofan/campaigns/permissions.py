from django.utils.translation import gettext_lazy as _

MANAGE = "campaigns.manage"  # open campaigns, assign reviewers, rank and decide (the 工委)
SUBMIT = "campaigns.submit"  # draft and submit an organisation's cases to campaigns in scope
REVIEW = "campaigns.review"  # score the cases one is assigned to, blind (评审专家)

PERMISSIONS = {
    MANAGE: _("Run case campaigns: reviewers, ranking and awards"),
    SUBMIT: _("Submit cases to case campaigns"),
    REVIEW: _("Score assigned cases blind"),
}

# Which codes each built-in role holds, by the role's code (`accounts.Role.Builtin`; a string,
# since this module imports no models). `core.registry.builtin_roles()` merges every app's.
ROLES: dict[str, tuple[str, ...]] = {
    "work_committee_admin": (MANAGE,),
    "committee_admin": (SUBMIT,),
    "branch_secretary": (SUBMIT,),
    "reviewer": (REVIEW,),
}
