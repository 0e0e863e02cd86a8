import string
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """At least 8 characters from at least 3 of: lower case, upper case, digits, symbols."""

    min_length = 8
    min_classes = 3

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if len(password) < self.min_length or sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "The password needs at least 8 characters and three of these four kinds: "
            "lower-case letters, upper-case letters, digits, symbols."
        )


class PasswordHistoryValidator:
    """None of the account's last MOFAN_PASSWORD_HISTORY passwords (the current one included)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None or settings.MOFAN_PASSWORD_HISTORY <= 0:
            return
        # Django loads the password validators before the app registry is ready (settings),
        # so the model is imported when a password is checked.
        from mofan.accounts.models import PasswordHistory

        recent = list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-id")
            .values_list("password", flat=True)[: settings.MOFAN_PASSWORD_HISTORY]
        )
        # An account whose passwords predate the history still has its current one.
        stored = type(user).objects.filter(pk=user.pk).values_list("password", flat=True).first()
        if stored and stored not in recent:
            recent = [stored, *recent][: settings.MOFAN_PASSWORD_HISTORY]
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self) -> str:
        return _("The password cannot be any of your last %(n)s passwords.") % {
            "n": settings.MOFAN_PASSWORD_HISTORY
        }
