"""The project's URLs plus the check-in burst's lower bound: a bare Django view on the same
server, behind the same middleware (session, CSRF, authentication, session security), doing
one trivial read (GET) or one trivial write (POST) and no template."""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.utils import timezone

from mofan.accounts.models import UserSession
from mofan.members.models import Member
from mofan.urls import urlpatterns as project_urls


def bare(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponse("login", status=403)
    if request.method == "POST":
        changed = UserSession.objects.filter(session_key=request.session.session_key).update(
            last_seen=timezone.now()
        )
        return HttpResponse(f"written {changed}")
    member = Member.objects.filter(user_id=request.user.pk).values_list("pk", flat=True).first()
    return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}"> {member}')


urlpatterns = [*project_urls, path("bench-bare/", bare, name="bench-bare")]
