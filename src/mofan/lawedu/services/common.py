"""What every legal-education service uses."""

from mofan.cobuild.models import OrderState

# States in which a session has a date: handouts can be issued at it, a mock trial recorded.
SESSION_STATES = (
    OrderState.SCHEDULED,
    OrderState.PREPARED,
    OrderState.DELIVERED,
    OrderState.CONFIRMED,
)


def clean(text: str) -> str:
    """The text on one line, without repeated or surrounding spaces."""
    return " ".join((text or "").split())
