"""Writes of case campaigns, one module per sub-domain: opening a call and its phases
(`phases`), the organisations' cases (`submissions`), blind review (`reviews`), the
committee's decision (`appraisal`) and publication (`publication`). Callers keep writing
`services.submission_submit(...)`: the public names are re-exported here."""

from mofan.campaigns.services.appraisal import campaign_decide
from mofan.campaigns.services.phases import (
    campaign_close_review,
    campaign_open,
    campaign_reopen_review,
    campaign_start_review,
    campaign_update,
)
from mofan.campaigns.services.publication import article_body, campaign_article_create
from mofan.campaigns.services.reviews import (
    conflicts,
    own_org_paths,
    review_assign,
    review_score,
    review_unassign,
)
from mofan.campaigns.services.submissions import (
    ATTACHMENT_KINDS,
    MAX_FILES,
    submission_create,
    submission_file_add,
    submission_file_remove,
    submission_save,
    submission_submit,
    submission_withdraw,
)

__all__ = [
    "ATTACHMENT_KINDS",
    "MAX_FILES",
    "article_body",
    "campaign_article_create",
    "campaign_close_review",
    "campaign_decide",
    "campaign_open",
    "campaign_reopen_review",
    "campaign_start_review",
    "campaign_update",
    "conflicts",
    "own_org_paths",
    "review_assign",
    "review_score",
    "review_unassign",
    "submission_create",
    "submission_file_add",
    "submission_file_remove",
    "submission_save",
    "submission_submit",
    "submission_withdraw",
]
