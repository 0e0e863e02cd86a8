from django.urls import path

from mofan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/reset/", views.TwoFactorResetView.as_view(), name="two_factor_reset"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.UserListView.as_view(), name="users"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:user_id>/", views.UserUpdateView.as_view(), name="user_edit"),
    path(
        "users/<int:user_id>/reset-password/",
        views.UserPasswordResetView.as_view(),
        name="user_reset_password",
    ),
    path("roles/", views.RoleListView.as_view(), name="roles"),
    path("roles/new/", views.RoleCreateView.as_view(), name="role_create"),
    path("roles/<int:role_id>/", views.RoleUpdateView.as_view(), name="role_edit"),
    path("grants/", views.GrantListView.as_view(), name="grants"),
    path("grants/new/", views.GrantCreateView.as_view(), name="grant_create"),
    path("grants/<int:grant_id>/revoke/", views.GrantRevokeView.as_view(), name="grant_revoke"),
    path("grant-requests/", views.GrantRequestListView.as_view(), name="grant_requests"),
    path(
        "grant-requests/<int:request_id>/decide/",
        views.GrantRequestDecideView.as_view(),
        name="grant_request_decide",
    ),
    path("reset-requests/", views.ResetRequestListView.as_view(), name="reset_requests"),
    path(
        "reset-requests/<int:reset_id>/decide/",
        views.ResetRequestDecideView.as_view(),
        name="reset_request_decide",
    ),
    path("login-log/", views.LoginLogView.as_view(), name="login_log"),
    path("sessions/", views.SessionListView.as_view(), name="sessions"),
    path("sessions/<int:session_id>/end/", views.SessionEndView.as_view(), name="session_end"),
    path("unlock/", views.UnlockView.as_view(), name="unlock"),
]
