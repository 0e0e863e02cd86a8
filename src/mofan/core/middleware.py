from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mofan.core.context import set_client_ip


def request_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is what nginx passes on through the proxy protocol of deploy.md.
    forwarded = request.META.get("HTTP_X_REAL_IP")
    return forwarded or request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        set_client_ip(request_ip(request))
        try:
            return self.get_response(request)
        finally:
            set_client_ip(None)
