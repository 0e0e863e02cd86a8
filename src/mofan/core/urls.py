from django.urls import path

from mofan.core import views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("notices/", views.NoticeInboxView.as_view(), name="notice_inbox"),
    path("notices/sent/", views.NoticeSentView.as_view(), name="notice_sent"),
    path("notices/new/", views.NoticeCreateView.as_view(), name="notice_create"),
    path("notices/<int:notice_id>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path(
        "notices/<int:notice_id>/receipts/",
        views.NoticeReceiptsView.as_view(),
        name="notice_receipts",
    ),
    path("messages/", views.MessageInboxView.as_view(), name="messages"),
    path("audit/", views.AuditListView.as_view(), name="audit"),
    path("audit/export/", views.AuditExportView.as_view(), name="audit_export"),
]
