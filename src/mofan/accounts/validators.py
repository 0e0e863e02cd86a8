import string
from typing import Any

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
