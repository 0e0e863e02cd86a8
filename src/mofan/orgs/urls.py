from django.urls import path

from mofan.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.TreeView.as_view(), name="tree"),
    path("new/", views.OrgCreateView.as_view(), name="create"),
    path("export/", views.TreeExportView.as_view(), name="export"),
    path("picker/", views.OrgPickerOptionsView.as_view(), name="picker"),
    path("import/", views.OrgImportView.as_view(), name="import"),
    path("import/template/", views.OrgImportTemplateView.as_view(), name="import_template"),
    path("import/errors/", views.OrgImportErrorsView.as_view(), name="import_errors"),
    path("terms/", views.TermWatchView.as_view(), name="terms"),
    path("checks/", views.FlagsView.as_view(), name="flags"),
    path("organs/", views.OrganListView.as_view(), name="organs"),
    path("partners/", views.PartnerListView.as_view(), name="partners"),
    path("partners/new/", views.PartnerCreateView.as_view(), name="partner_create"),
    path("partners/<int:partner_id>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path(
        "partners/<int:partner_id>/contacts/",
        views.PartnerContactAddView.as_view(),
        name="partner_contact_add",
    ),
    path(
        "partners/contacts/<int:partner_contact_id>/login/",
        views.PartnerContactLoginView.as_view(),
        name="partner_contact_login",
    ),
    path("seats/<int:seat_id>/end/", views.SeatEndView.as_view(), name="seat_end"),
    path("<int:org_id>/", views.OrgDetailView.as_view(), name="detail"),
    path("<int:org_id>/children/", views.OrgChildrenView.as_view(), name="children"),
    path("<int:org_id>/edit/", views.OrgUpdateView.as_view(), name="edit"),
    path("<int:org_id>/move/", views.OrgMoveView.as_view(), name="move"),
    path("<int:org_id>/archive/", views.OrgArchiveView.as_view(), name="archive"),
    path("<int:org_id>/seats/new/", views.SeatAssignView.as_view(), name="seat_assign"),
    path("<int:org_id>/terms/new/", views.TermCreateView.as_view(), name="term_create"),
]
