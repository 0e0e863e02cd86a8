"""The project's URLs plus the lower bounds of the HTTP benchmarks: bare Django views on the
same server, behind the same middleware (session, CSRF, authentication, session security), and
no template. `bare` (check-in burst) does one trivial read (GET) or one trivial write (POST);
`bare_claim` (claim race) does one trivial conditional UPDATE of a wish."""

from django.db import connection
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


def bare_claim(request: HttpRequest, wish_id: int) -> HttpResponse:
    """A claim with nothing around it: one conditional UPDATE of the wish's row in
    `volunteer_wish`, from 'published' to 'claimed' (the member's id is the session's user's
    member, looked up in the same statement)."""
    if not request.user.is_authenticated or request.method != "POST":
        return HttpResponse("login", status=403)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE volunteer_wish SET status = 'claimed', claimed_at = %s, "
            "claimed_by_id = (SELECT id FROM members_member WHERE user_id = %s), "
            "claimed_for_id = (SELECT org_id FROM members_member WHERE user_id = %s) "
            "WHERE id = %s AND status = 'published'",
            [now, request.user.pk, request.user.pk, wish_id],
        )
        won = cursor.rowcount
    return HttpResponse("won" if won else "taken")


urlpatterns = [
    *project_urls,
    path("bench-bare/", bare, name="bench-bare"),
    path("bench-bare/claim/<int:wish_id>/", bare_claim, name="bench-bare-claim"),
]
