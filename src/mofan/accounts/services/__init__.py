"""Writes to accounts: users, roles, grants, sessions and login security, one module per
sub-domain. The public names are gathered here (`from mofan.accounts import services`); the
sub-modules import each other directly."""

from mofan.accounts.services.grants import (
    grant_create,
    grant_revoke,
    role_create,
    role_update,
    roles_ensure_builtin,
)
from mofan.accounts.services.requests import (
    REQUEST_TRANSITIONS,
    grant_request_create,
    grant_request_decide,
    grant_submit,
    password_reset_request_create,
    password_reset_request_decide,
    password_reset_submit,
)
from mofan.accounts.services.sessions import (
    SESSION_END_ACTIONS,
    account_unlock,
    login_record_failure,
    session_close,
    session_end,
    session_open,
    session_rekey,
    session_touch,
)
from mofan.accounts.services.users import (
    password_change,
    user_create,
    user_reset_password,
    user_update,
)

__all__ = [
    "REQUEST_TRANSITIONS",
    "SESSION_END_ACTIONS",
    "account_unlock",
    "grant_create",
    "grant_request_create",
    "grant_request_decide",
    "grant_revoke",
    "grant_submit",
    "login_record_failure",
    "password_change",
    "password_reset_request_create",
    "password_reset_request_decide",
    "password_reset_submit",
    "role_create",
    "role_update",
    "roles_ensure_builtin",
    "session_close",
    "session_end",
    "session_open",
    "session_rekey",
    "session_touch",
    "user_create",
    "user_reset_password",
    "user_update",
]
