from django.urls import path

from mofan.cobuild import views

app_name = "cobuild"
urlpatterns = [
    path("agreements/", views.AgreementListView.as_view(), name="agreements"),
    path("agreements/new/", views.AgreementCreateView.as_view(), name="agreement_create"),
    path("agreements/<int:agreement_id>/", views.AgreementView.as_view(), name="agreement"),
    path(
        "agreements/<int:agreement_id>/scan/",
        views.AgreementScanView.as_view(),
        name="agreement_scan",
    ),
]
