from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from mofan.accounts.models import User
from mofan.core import crypto


def _resolve_username(login: str) -> str:
    """A mobile number maps to its account's username, so both count toward one lockout.
    The number is stored encrypted: it is found by its keyed hash."""
    login = (login or "").strip()
    if login.isdigit() and len(login) == 11:
        username = (
            User.objects.filter(mobile_hash=crypto.keyed_hash(login))
            .values_list("username", flat=True)
            .first()
        )
        if username:
            return username
    return login


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    if credentials:
        return _resolve_username(str(credentials.get("username", "")))
    return _resolve_username(str(request.POST.get("username", "")))


class UsernameOrMobileBackend(ModelBackend):
    """Sign in with the username or the 11-digit mobile number."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None or password is None:
            return None
        return super().authenticate(
            request, username=_resolve_username(username), password=password, **kwargs
        )
