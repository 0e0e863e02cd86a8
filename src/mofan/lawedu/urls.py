from django.urls import path

from mofan.lawedu import views

app_name = "lawedu"
urlpatterns = [
    path("materials/", views.MaterialListView.as_view(), name="materials"),
    path("materials/new/", views.MaterialCreateView.as_view(), name="material_create"),
    path("materials/<int:material_id>/", views.MaterialView.as_view(), name="material"),
]
