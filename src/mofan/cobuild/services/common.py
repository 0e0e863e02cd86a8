"""What every co-building service uses."""


def clean(text: str) -> str:
    """The text on one line, without repeated or surrounding spaces."""
    return " ".join((text or "").split())
