"""Serve cached public portal pages before the rest of the middleware runs.

Only for GET requests under /portal/ that carry no session cookie: such a visitor is
certainly anonymous, so no session, user or CSRF work is needed to answer from the cache. The
page views mark what may be stored (`pagecache.cached`, anonymous visitors only); this
middleware stores it with its final headers under the current public version, so a publish,
unpublish or edit makes every stored page unreachable at once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from mofan.portal import pagecache

PREFIX = "/portal/"


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (
            request.method == "GET"
            and request.path.startswith(PREFIX)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            return self.get_response(request)
        key = pagecache.key(request)
        stored = cache.get(key)
        if stored is not None:
            return pagecache.rebuild(stored)
        response = self.get_response(request)
        if getattr(response, "portal_cacheable", False) and not response.cookies:
            cache.set(key, pagecache.freeze(response), pagecache.TIMEOUT_SECONDS)
        return response
