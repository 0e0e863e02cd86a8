"""The pages of accounts, one module per sub-domain; `urls.py` reads them from here."""

from mofan.accounts.views.grants import (
    GrantCreateView,
    GrantListView,
    GrantRevokeView,
    RoleCreateView,
    RoleListView,
    RoleUpdateView,
)
from mofan.accounts.views.login import (
    LoginView,
    LogoutView,
    PasswordChangeView,
    TwoFactorResetView,
    TwoFactorView,
)
from mofan.accounts.views.requests import (
    GrantRequestDecideView,
    GrantRequestListView,
    ResetRequestDecideView,
    ResetRequestListView,
)
from mofan.accounts.views.sessions import LoginLogView, SessionEndView, SessionListView, UnlockView
from mofan.accounts.views.users import (
    UserCreateView,
    UserListView,
    UserPasswordResetView,
    UserUpdateView,
)

__all__ = [
    "GrantCreateView",
    "GrantListView",
    "GrantRequestDecideView",
    "GrantRequestListView",
    "GrantRevokeView",
    "LoginLogView",
    "LoginView",
    "LogoutView",
    "PasswordChangeView",
    "ResetRequestDecideView",
    "ResetRequestListView",
    "RoleCreateView",
    "RoleListView",
    "RoleUpdateView",
    "SessionEndView",
    "SessionListView",
    "TwoFactorResetView",
    "TwoFactorView",
    "UnlockView",
    "UserCreateView",
    "UserListView",
    "UserPasswordResetView",
    "UserUpdateView",
]
