"""Pages of case campaigns, one module per side: the submitting organisations (`cases`), the
committee (`committee`) and the reviewers (`reviews`). `urls.py` keeps naming `views.<View>`:
the views are re-exported here."""

from mofan.campaigns.views.cases import (
    CalledListView,
    CampaignView,
    FileView,
    SubmissionCreateView,
    SubmissionEditView,
    SubmissionView,
    VersionListView,
    VersionView,
)
from mofan.campaigns.views.committee import (
    ArticleCreateView,
    AssignView,
    CampaignCreateView,
    CampaignEditView,
    CampaignManageView,
    ManagedCaseView,
    ManagedFileView,
    ManagedListView,
    RankingExportView,
    RankingView,
)
from mofan.campaigns.views.reviews import ReviewFileView, ReviewListView, ReviewView

__all__ = [
    "ArticleCreateView",
    "AssignView",
    "CalledListView",
    "CampaignCreateView",
    "CampaignEditView",
    "CampaignManageView",
    "CampaignView",
    "FileView",
    "ManagedCaseView",
    "ManagedFileView",
    "ManagedListView",
    "RankingExportView",
    "RankingView",
    "ReviewFileView",
    "ReviewListView",
    "ReviewView",
    "SubmissionCreateView",
    "SubmissionEditView",
    "SubmissionView",
    "VersionListView",
    "VersionView",
]
