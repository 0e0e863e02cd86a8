from django.urls import path

from mofan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("columns/<int:column_id>/", views.ColumnView.as_view(), name="column"),
    path("columns/<int:column_id>/rss/", views.ColumnFeedView.as_view(), name="column_feed"),
    path("topics/<int:topic_id>/", views.TopicView.as_view(), name="topic"),
    path("topics/<int:topic_id>/rss/", views.TopicFeedView.as_view(), name="topic_feed"),
    path("articles/<int:article_id>/", views.ArticleView.as_view(), name="article"),
    path(
        "articles/<int:article_id>/audio/", views.ArticleAudioView.as_view(), name="article_audio"
    ),
    path("images/<int:image_id>/", views.ImageView.as_view(), name="image"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("manage/", views.ManageView.as_view(), name="manage"),
    path("manage/structure/", views.StructureView.as_view(), name="structure"),
    path("manage/articles/new/", views.ArticleCreateView.as_view(), name="article_create"),
    path("manage/articles/<int:article_id>/", views.ArticleEditView.as_view(), name="article_edit"),
    path(
        "manage/articles/<int:article_id>/preview/",
        views.ArticlePreviewView.as_view(),
        name="article_preview",
    ),
    path(
        "manage/articles/<int:article_id>/submit/",
        views.ArticleSubmitView.as_view(),
        name="article_submit",
    ),
    path(
        "manage/articles/<int:article_id>/decide/",
        views.ArticleDecideView.as_view(),
        name="article_decide",
    ),
    path(
        "manage/articles/<int:article_id>/images/",
        views.ArticleImageAddView.as_view(),
        name="article_image_add",
    ),
    path(
        "manage/articles/<int:article_id>/revisions/",
        views.RevisionsView.as_view(),
        name="article_revisions",
    ),
]
