from django.urls import path

from mofan.members import views

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("export/", views.MemberExportView.as_view(), name="export"),
    path("new/", views.MemberCreateView.as_view(), name="create"),
    path("me/", views.MyRecordView.as_view(), name="me"),
    path("transfers/", views.TransferListView.as_view(), name="transfers"),
    path("import/", views.RosterImportView.as_view(), name="import"),
    path("import/template/", views.RosterTemplateView.as_view(), name="import_template"),
    path("import/<int:job_id>/", views.ImportJobView.as_view(), name="import_job"),
    path(
        "import/<int:job_id>/confirm/", views.ImportJobConfirmView.as_view(), name="import_confirm"
    ),
    path("import/<int:job_id>/errors/", views.ImportJobErrorsView.as_view(), name="import_errors"),
    path("<int:member_id>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:member_id>/edit/", views.MemberUpdateView.as_view(), name="edit"),
    path("<int:member_id>/unmask/", views.MemberUnmaskView.as_view(), name="unmask"),
    path("<int:member_id>/transfer/", views.MemberTransferView.as_view(), name="transfer"),
    path("<int:member_id>/full/", views.MemberMakeFullView.as_view(), name="make_full"),
    path("<int:member_id>/archive/", views.MemberArchiveView.as_view(), name="archive"),
    path("<int:member_id>/login/", views.MemberLinkUserView.as_view(), name="link_user"),
]
