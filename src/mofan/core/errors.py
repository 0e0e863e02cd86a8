"""Domain errors: what a user can cause, with a translated message for the screen."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


class DomainError(ValidationError):
    """A refused action. Views show `messages` next to the form or in the message bar."""


@contextmanager
def refuse_duplicates(message: str, field: str | None = None) -> Iterator[None]:
    """Turn a unique-constraint violation (a concurrent double submission that slipped past the
    service's own check) into the same clear refusal the check gives."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise DomainError({field: [message]} if field else message) from exc
