from django.urls import path

from mofan.lawedu import views

app_name = "lawedu"
urlpatterns = [
    path("materials/", views.MaterialListView.as_view(), name="materials"),
    path("materials/new/", views.MaterialCreateView.as_view(), name="material_create"),
    path("materials/<int:material_id>/", views.MaterialView.as_view(), name="material"),
    path(
        "orders/<int:order_id>/handouts/",
        views.OrderHandoutsView.as_view(),
        name="order_handouts",
    ),
    path("orders/<int:order_id>/mock-trial/", views.MockTrialView.as_view(), name="mock_trial"),
    path(
        "mock-trial-files/<int:trial_attachment_id>/",
        views.TrialAttachmentView.as_view(),
        name="trial_attachment",
    ),
    path("appointments/", views.AppointmentListView.as_view(), name="appointments"),
    path(
        "appointments/export/",
        views.AppointmentExportView.as_view(),
        name="appointments_export",
    ),
    path("appointments/new/", views.AppointmentCreateView.as_view(), name="appointment_create"),
    path(
        "appointments/<int:appointment_id>/",
        views.AppointmentView.as_view(),
        name="appointment",
    ),
]
