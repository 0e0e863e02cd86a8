"""The claim through the page: the losers of a race are told someone else claimed the wish,
not shown 404; members it is not offered to still get 404."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mofan.volunteer import services
from mofan.volunteer.models import Wish, WishStatus
from tests.conftest import Tree, make_members, make_user
from tests.volunteer.conftest import World


def _published(world: World) -> Wish:
    wish = services.wish_post(
        actor=world.contact,
        community=world.community,
        beneficiary="王秀英",
        title="一台收音机",
        estimated_value="120",
        deadline=timezone.localdate() + timedelta(days=10),
    )
    return services.wish_review(actor=world.organiser, wish=wish, approve=True)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_loser_is_told_and_sent_to_their_page(tree: Tree, world: World) -> None:
    wish = _published(world)
    url = reverse("volunteer:wish_act", args=[wish.pk])
    winner, loser = _client(world.users[0]), _client(world.users[1])
    response = winner.post(url, {"step": "claim"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("volunteer:wish", args=[wish.pk])
    assert "认领成功" in response.content.decode()
    # The wish is no longer the loser's to see, but the loser is told why, on their page.
    assert loser.get(reverse("volunteer:wish", args=[wish.pk])).status_code == 404
    response = loser.post(url, {"step": "claim"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("volunteer:mine")
    assert "该心愿已被他人认领。" in response.content.decode()
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and wish.claimed_by_id == world.people[0].pk


def test_refused_while_open_stays_on_the_wish(tree: Tree, world: World) -> None:
    wish = _published(world)
    Wish.objects.filter(pk=wish.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    response = _client(world.users[0]).post(
        reverse("volunteer:wish_act", args=[wish.pk]), {"step": "claim"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("volunteer:wish", args=[wish.pk])
    assert "不在待认领" in response.content.decode()


def test_not_offered_or_not_published_is_404(tree: Tree, world: World) -> None:
    wish = _published(world)
    far = make_members(tree.branch_b1, 1)[0]
    far_user = make_user("far")
    type(far).objects.filter(pk=far.pk).update(user=far_user)
    url = reverse("volunteer:wish_act", args=[wish.pk])
    assert _client(far_user).post(url, {"step": "claim"}).status_code == 404
    Wish.objects.filter(pk=wish.pk).update(status=WishStatus.SUBMITTED)
    assert _client(world.users[0]).post(url, {"step": "claim"}).status_code == 404
    assert not Wish.objects.filter(claimed_by__isnull=False).exists()


def test_a_lost_claim_reads_the_member_and_the_wish_once_each(tree: Tree, world: World) -> None:
    """What a loser's request costs: the session (unless cached) and the user, the wish and
    the member for the page's check, the wish again in the service (the fresh read that
    refuses it) — and nothing after the refusal, whose state tells the page where to send
    them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wish = _published(world)
    url = reverse("volunteer:wish_act", args=[wish.pk])
    _client(world.users[0]).post(url, {"step": "claim"})
    loser = _client(world.users[1])
    loser.get(reverse("volunteer:mine"))  # the session's first request is behind it
    with CaptureQueriesContext(connection) as ctx:
        response = loser.post(url, {"step": "claim"})
    assert response["Location"] == reverse("volunteer:mine")
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in ctx.captured_queries]
    tables = [t for t in tables if t != '"django_session"']  # none when sessions are cached
    assert tables == [
        '"accounts_user"',
        '"volunteer_wish"',
        '"members_member"',
        '"volunteer_wish"',
    ]
    wish.refresh_from_db()
    assert wish.claimed_by_id == world.people[0].pk


def test_claiming_ones_own_wish_again_says_it_is_already_theirs(tree: Tree, world: World) -> None:
    wish = _published(world)
    url = reverse("volunteer:wish_act", args=[wish.pk])
    claimer = _client(world.users[0])
    claimer.post(url, {"step": "claim"})
    wish.refresh_from_db()
    claimed_at = wish.claimed_at
    response = claimer.post(url, {"step": "claim"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("volunteer:wish", args=[wish.pk])
    assert "您已认领该心愿。" in page
    assert "已被他人认领" not in page
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED
    assert wish.claimed_by_id == world.people[0].pk and wish.claimed_at == claimed_at
