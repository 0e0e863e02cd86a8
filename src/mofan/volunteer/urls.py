from django.urls import path

from mofan.volunteer import views

app_name = "volunteer"
urlpatterns = [
    path("", views.MyVolunteeringView.as_view(), name="mine"),
    path("activities/", views.ActivityListView.as_view(), name="activities"),
    path("activities/new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("activities/<int:activity_id>/", views.ActivityView.as_view(), name="activity"),
    path("activities/<int:activity_id>/signup/", views.SignupView.as_view(), name="signup"),
    path(
        "activities/<int:activity_id>/signup/cancel/",
        views.SignupCancelView.as_view(),
        name="signup_cancel",
    ),
    path("activities/<int:activity_id>/cancel/", views.ActivityCancelView.as_view(), name="cancel"),
    path(
        "activities/<int:activity_id>/code/",
        views.CheckInScreenView.as_view(),
        name="checkin_screen",
    ),
    path(
        "activities/<int:activity_id>/confirm/",
        views.HoursConfirmView.as_view(),
        name="confirm",
    ),
    path("scan/<str:token>/", views.ScanView.as_view(), name="scan"),
    path("participations/<int:participation_id>/times/", views.TimesView.as_view(), name="times"),
    path(
        "participations/<int:participation_id>/hours/",
        views.HoursCorrectView.as_view(),
        name="hours_correct",
    ),
    path(
        "certificates/new/<int:member_id>/",
        views.CertificateCreateView.as_view(),
        name="certificate_create",
    ),
    path(
        "certificates/<int:certificate_id>.docx",
        views.CertificateDocxView.as_view(),
        name="certificate_docx",
    ),
    path("certificates/check/", views.CertificateCheckView.as_view(), name="certificate_check"),
    path("wishes/", views.WishListView.as_view(), name="wishes"),
    path("wishes/new/", views.WishCreateView.as_view(), name="wish_create"),
    path("wishes/wall/", views.WallView.as_view(), name="wall"),
    path("wishes/<int:wish_id>/", views.WishView.as_view(), name="wish"),
    path("wishes/<int:wish_id>/act/", views.WishActionView.as_view(), name="wish_act"),
    path("wishes/photos/<int:photo_id>/", views.WishPhotoView.as_view(), name="wish_photo"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path(
        "registrations/<int:registration_id>/decide/",
        views.RegistrationDecideView.as_view(),
        name="registration_decide",
    ),
    path("registrations/", views.RegistrationStatsView.as_view(), name="registrations"),
    path("communities/<int:community_id>/", views.CommunityView.as_view(), name="community"),
    path(
        "registrations/<int:registration_id>/tasks/",
        views.TaskAssignView.as_view(),
        name="task_assign",
    ),
    path(
        "registrations/<int:registration_id>/evaluate/",
        views.EvaluateView.as_view(),
        name="registration_evaluate",
    ),
    path("tasks/<int:task_id>/<str:step>/", views.TaskStepView.as_view(), name="task_step"),
    path("teams/", views.TeamListView.as_view(), name="teams"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:team_id>/", views.TeamView.as_view(), name="team"),
    path("kinds/", views.KindView.as_view(), name="kinds"),
    path("rules/", views.HoursRuleView.as_view(), name="rules"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics/export/", views.StatisticsExportView.as_view(), name="statistics_export"),
]
