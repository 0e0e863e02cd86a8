from django.urls import path

from mofan.study import views

app_name = "study"
urlpatterns = [
    path("", views.GroupListView.as_view(), name="groups"),
    path("groups/new/", views.GroupCreateView.as_view(), name="group_create"),
    path("hours/export/", views.HoursExportView.as_view(), name="hours_export"),
    path("groups/<int:group_id>/", views.GroupDetailView.as_view(), name="group_detail"),
    path(
        "groups/<int:group_id>/members/",
        views.GroupMembersAddView.as_view(),
        name="group_members_add",
    ),
    path(
        "groups/<int:group_id>/members/<int:member_id>/leave/",
        views.GroupMemberRemoveView.as_view(),
        name="group_member_remove",
    ),
    path(
        "groups/<int:group_id>/sessions/new/",
        views.SessionCreateView.as_view(),
        name="session_create",
    ),
    path(
        "sessions/<int:study_session_id>/", views.SessionDetailView.as_view(), name="session_detail"
    ),
    path(
        "sessions/<int:study_session_id>/speeches/",
        views.SpeechAddView.as_view(),
        name="speech_add",
    ),
    path("plans/", views.PlanListView.as_view(), name="plans"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:plan_id>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:plan_id>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("mine/", views.MyStudyView.as_view(), name="mine"),
    path("members/<int:member_id>/", views.MemberStudyView.as_view(), name="member_record"),
]
