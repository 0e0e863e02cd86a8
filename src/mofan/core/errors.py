"""Domain errors: what a user can cause, with a translated message for the screen."""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A refused action. Views show `messages` next to the form or in the message bar."""
