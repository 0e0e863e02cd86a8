"""Per-request facts that services need without a request object (the client's IP)."""

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("mofan_client_ip", default=None)


def set_client_ip(ip: str | None) -> None:
    _client_ip.set(ip)


def client_ip() -> str | None:
    return _client_ip.get()
