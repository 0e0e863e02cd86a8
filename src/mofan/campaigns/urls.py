from django.urls import path

from mofan.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.CalledListView.as_view(), name="called"),
    path("<int:campaign_id>/", views.CampaignView.as_view(), name="campaign"),
    path("<int:campaign_id>/cases/new/", views.SubmissionCreateView.as_view(), name="case_create"),
    path("cases/<int:submission_id>/", views.SubmissionView.as_view(), name="case"),
    path("cases/<int:submission_id>/edit/", views.SubmissionEditView.as_view(), name="case_edit"),
    path("cases/<int:submission_id>/versions/", views.VersionListView.as_view(), name="versions"),
    path("versions/<int:version_id>/", views.VersionView.as_view(), name="version"),
    path("files/<int:file_id>/", views.FileView.as_view(), name="file"),
    path("manage/", views.ManagedListView.as_view(), name="managed"),
    path("manage/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("<int:campaign_id>/manage/", views.CampaignManageView.as_view(), name="campaign_manage"),
    path("<int:campaign_id>/edit/", views.CampaignEditView.as_view(), name="campaign_edit"),
    path("<int:campaign_id>/reviewers/", views.AssignView.as_view(), name="assign"),
    path("<int:campaign_id>/ranking/", views.RankingView.as_view(), name="ranking"),
    path(
        "<int:campaign_id>/ranking/blind.xlsx",
        views.RankingExportView.as_view(),
        name="ranking_blind",
    ),
    path(
        "<int:campaign_id>/ranking/named.xlsx",
        views.RankingExportView.as_view(named=True),
        name="ranking_named",
    ),
    path("manage/cases/<int:submission_id>/", views.ManagedCaseView.as_view(), name="managed_case"),
    path("manage/files/<int:file_id>/", views.ManagedFileView.as_view(), name="managed_file"),
    path("<int:campaign_id>/article/", views.ArticleCreateView.as_view(), name="article_create"),
    path("reviews/", views.ReviewListView.as_view(), name="reviews"),
    path("reviews/<int:review_id>/", views.ReviewView.as_view(), name="review"),
    path(
        "reviews/<int:review_id>/files/<int:file_id>/",
        views.ReviewFileView.as_view(),
        name="review_file",
    ),
]
