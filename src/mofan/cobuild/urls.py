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
    path("projects/", views.ProjectListView.as_view(), name="projects"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("projects/<int:project_id>/", views.ProjectView.as_view(), name="project"),
    path("projects/<int:project_id>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("demands/", views.DemandListView.as_view(), name="demands"),
    path("demands/new/", views.DemandCreateView.as_view(), name="demand_create"),
    path("demands/<int:demand_id>/", views.DemandView.as_view(), name="demand"),
    path("orders/", views.OrderBoardView.as_view(), name="orders"),
    path("orders/new/", views.OrderCreateView.as_view(), name="order_create"),
    path("orders/statistics/", views.OrderStatisticsView.as_view(), name="order_statistics"),
    path(
        "orders/statistics/export/",
        views.OrderStatisticsExportView.as_view(),
        name="order_statistics_export",
    ),
    path("orders/<int:order_id>/", views.OrderView.as_view(), name="order"),
    path("orders/<int:order_id>/step/", views.OrderStepView.as_view(), name="order_step"),
    path(
        "orders/<int:order_id>/files/<str:which>/",
        views.OrderFileView.as_view(),
        name="order_file",
    ),
    path("orders/photos/<int:order_photo_id>/", views.OrderPhotoView.as_view(), name="order_photo"),
]
