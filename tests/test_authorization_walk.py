"""The generic authorization walk: every URL pattern, four actors.

anonymous → sent to sign in; signed in without the permission → 403 or 404; holder of the
permission in another organisation → 404 for objects of this side (and nothing changes); holder
in scope → the page opens. Every view must declare its permission; a new URL whose parameters no
tests/<app>/walk.py gives a value fails here.

Each app's part of the walk is in tests/<app>/walk.py, which declares the same names: `build`
(its rows of side A, added to the world), `URL_ARGS` (URL arguments that are not rows),
`SYSTEM_WIDE` (its views of objects that belong to no organisation), `snapshot` (its tables,
compared before and after each step), `outsider_posts` (POSTs side B makes to its objects),
and for tests/test_query_counts.py `QUERY_PAGES` and `grow`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from mofan.cobuild.models import Order
from mofan.core import access
from mofan.core.views import ScopedView
from mofan.orgs.services import partner_create
from mofan.portal.models import Article, Column, Topic
from tests.conftest import Tree, World, login, make_role, make_user

# The apps' walks, built in this order: a later app uses the rows of an earlier one (the
# members hold orgs' seat, volunteering's community places co-building's orders).
WALK_ORDER = (
    "core",
    "accounts",
    "members",
    "orgs",
    "orglife",
    "study",
    "volunteer",
    "cobuild",
    "lawedu",
    "campaigns",
    "portal",
)


def _walks() -> list[ModuleType]:
    found = {path.parent.name for path in Path(__file__).parent.glob("*/walk.py")}
    if found != set(WALK_ORDER):
        # A new tests/<app>/walk.py is built only once it has its place in the order.
        raise RuntimeError(f"tests/*/walk.py: {sorted(found)}, WALK_ORDER: {WALK_ORDER}")
    return [importlib.import_module(f"tests.{app}.walk") for app in WALK_ORDER]


WALKS = _walks()
URL_ARGS = {name: value for walk in WALKS for name, value in walk.URL_ARGS.items()}

# Views open to the public or any signed-in user: the outcome for "no permission" is success.
SELF_SERVICE = {access.PUBLIC, access.AUTHENTICATED}
# Views whose objects are not organisation-scoped (system administration, 三员分立): a holder
# anywhere is a holder. Their "other organisation" actor is therefore treated as in scope.
SYSTEM_WIDE = set().union(*(walk.SYSTEM_WIDE for walk in WALKS))


def _walk(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{entry.namespace}:" if entry.namespace else prefix
            found += _walk(entry, ns)
        elif entry.name:
            found.append((f"{prefix}{entry.name}", entry))
    return found


def mofan_patterns() -> list[tuple[str, URLPattern]]:
    return [
        (name, p)
        for name, p in _walk(get_resolver())
        if getattr(p.callback, "view_class", None) is not None
        and issubclass(p.callback.view_class, ScopedView)
    ]


@pytest.fixture
def world(tree: Tree, roles: Any) -> World:
    return build_world(tree, roles)


def build_world(tree: Tree, roles: Any) -> World:
    """One object of each kind on side A (the actor's scope), each app's in its walk.py."""
    world: World = {}
    for walk in WALKS:
        walk.build(world, tree, roles)
    return world


def _url(name: str, pattern: URLPattern, world: World) -> str:
    kwargs = {
        key: URL_ARGS[key](world) if key in URL_ARGS else world[key]
        for key in pattern.pattern.converters
    }
    return reverse(name, kwargs=kwargs)


def _snapshot() -> tuple[Any, ...]:
    return tuple(walk.snapshot() for walk in WALKS)


def test_every_view_declares_a_permission() -> None:
    patterns = mofan_patterns()
    assert len(patterns) >= 40
    undeclared = [name for name, p in patterns if not p.callback.view_class.permission]
    assert undeclared == []


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per URL pattern, so that the walk runs in parallel and a failure names its URL."""
    if "pattern_name" in metafunc.fixturenames:
        metafunc.parametrize("pattern_name", [name for name, _ in mofan_patterns()])


@pytest.fixture(scope="class")
def walk_setup(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The tree and the world, built once for the consecutive walk tests of a worker. Each
    test runs in a savepoint inside this outer transaction and is rolled back to it; pytest
    ends the class fixture (rolling it back) before any test outside the class runs."""
    from django.db import transaction
    from django.test import override_settings

    from mofan.accounts.services import roles_ensure_builtin
    from tests.conftest import build_tree

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        roles = {role.code: role for role in roles_ensure_builtin()}
        tree = build_tree()
        yield tree, build_world(tree, roles)
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestAuthorizationWalk:
    def test_pattern(self, client: Any, walk_setup: Any, pattern_name: str) -> None:
        tree, world = walk_setup
        name, pattern = next((n, p) for n, p in mofan_patterns() if n == pattern_name)
        view = pattern.callback.view_class
        permission = view.permission
        url = _url(name, pattern, world)
        has_get = hasattr(view, "get")
        method = client.get if has_get else client.post

        # 1. anonymous
        before = _snapshot()
        response = method(url)
        if permission == access.PUBLIC:
            assert response.status_code in {200, 302}, name
        else:
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("accounts:login")), name
        assert _snapshot() == before, name
        if permission in SELF_SERVICE:
            return
        if isinstance(permission, access.Policy):
            # 2. signed in, but not whom the policy lets in (no grant, no member record)
            login(client, make_user("walk-nobody"))
            before = _snapshot()
            assert method(url).status_code in {403, 404}, name
            assert _snapshot() == before, name
            return

        # 2. signed in, without the permission
        login(client, make_user("walk-nobody"))
        before = _snapshot()
        response = method(url)
        assert response.status_code in {403, 404}, name
        assert _snapshot() == before, name

        # 3. the permission, but in another organisation (side B)
        role = make_role("walk-role", [permission])
        login(client, make_user("walk-outsider", grants=[(role, tree.committee_b, True)]))
        before = _snapshot()
        response = method(url)
        takes_object = bool(pattern.pattern.converters)
        if takes_object and name not in SYSTEM_WIDE:
            assert response.status_code == 404, name
            assert _snapshot() == before, name
        elif has_get:
            assert response.status_code == 200, name

        # 4. the permission in scope (side A, from the top)
        login(client, make_user("walk-insider", grants=[(role, tree.root, True)]))
        if has_get:
            response = client.get(url)
            assert response.status_code == 200, name


@pytest.mark.django_db
def test_out_of_scope_post_changes_nothing(
    client: Any, tree: Tree, world: World, roles: Any
) -> None:
    """Holders on side B (a committee administrator, unless the app says whom) post to side
    A's objects (each app's `outsider_posts`): refused, nothing written."""
    posts = [post for walk in WALKS for post in walk.outsider_posts(world, tree)]
    # Every poster exists before the snapshot: making a user writes a grant and an audit event.
    posters = {
        role: make_user(f"b-{role}", grants=[(roles[role], tree.committee_b, True)])
        for role in dict.fromkeys(post.role for post in posts)
    }
    before = _snapshot()
    for post in posts:
        login(client, posters[post.role])
        response = client.post(post.url, post.data)
        assert response.status_code in post.answers, post.url
        if post.form_error:
            assert response.context["form"].errors[post.form_error], post.url
    assert _snapshot() == before
    tree.branch_a1.refresh_from_db()
    assert tree.branch_a1.name == "甲第一支部"


@pytest.mark.django_db
def test_orders_seen_by_partner_team_and_coordinators_only(
    client: Any, tree: Tree, world: dict[str, Any], roles: Any
) -> None:
    """Every order URL: the ordering partner's contact, the team it went to and the
    coordinating organisation open it; another partner's contact, another branch of the same
    committee and the other side get 404."""
    from mofan.orgs.models import PartnerContact
    from mofan.orgs.services import partner_contact_add

    order = Order.objects.get(pk=world["_delivered_order_id"])
    contact, other_contact = make_user("contact"), make_user("other-contact")
    PartnerContact.objects.filter(
        pk=partner_contact_add(actor=None, partner=order.partner, name="甲").pk
    ).update(user=contact)
    elsewhere = partner_create(actor=None, org=tree.committee_a, name="别的学校", kind="school")
    PartnerContact.objects.filter(
        pk=partner_contact_add(actor=None, partner=elsewhere, name="乙").pk
    ).update(user=other_contact)
    allowed = [
        contact,
        make_user("team", grants=[(roles["branch_secretary"], tree.branch_a1, True)]),
        make_user("coord", grants=[(roles["committee_admin"], tree.committee_a, True)]),
    ]
    refused = [
        other_contact,
        make_user("a2", grants=[(roles["branch_secretary"], tree.branch_a2, True)]),
        make_user("side-b", grants=[(roles["committee_admin"], tree.committee_b, True)]),
    ]
    values = {**world, "order_id": order.pk}
    urls = [
        _url(name, pattern, values)
        for name, pattern in mofan_patterns()
        if {"order_id", "order_photo_id"} & set(pattern.pattern.converters)
        and name.startswith("cobuild:")  # lawedu's pages of an order are for lawedu holders
        and hasattr(pattern.callback.view_class, "get")
    ]
    assert len(urls) >= 3
    for url in urls:
        for user in allowed:
            login(client, user)
            assert client.get(url).status_code == 200, (url, user.username)
        for user in refused:
            login(client, user)
            assert client.get(url).status_code == 404, (url, user.username)
    board = reverse("cobuild:orders")
    for user in refused:
        login(client, user)
        assert order.pk not in [o.pk for o in client.get(board).context["page"]]


@pytest.mark.django_db
def test_public_portal_pages_show_no_unpublished_article(
    client: Any, world: dict[str, Any]
) -> None:
    """Every public page of the portal, walked with the world's objects, while articles in
    every state but published sit in the same column and topic."""
    from datetime import timedelta as td

    from mofan.portal import services as portal

    column = Column.objects.get(pk=world["column_id"])
    topic = Topic.objects.get(pk=world["topic_id"])

    def write(title: str) -> Any:
        return portal.article_create(
            None, title=title, body=f"<p>{title}正文</p>", column=column, topic=topic
        )

    write("未公开草稿")
    portal.article_submit(None, write("未公开待审"))
    portal.article_publish(
        None, portal.article_submit(None, write("未公开定时")), at=timezone.now() + td(days=1)
    )
    withdrawn = portal.article_publish(None, portal.article_submit(None, write("未公开撤稿")))
    portal.article_unpublish(None, withdrawn, reason="撤")
    client.logout()
    public = [
        (name, p)
        for name, p in mofan_patterns()
        if name.startswith("portal:") and p.callback.view_class.permission == access.PUBLIC
    ]
    assert len(public) >= 8
    for name, pattern in public:
        url = _url(name, pattern, world)
        for query in ("", "?q=未公开", "?q=正文"):
            response = client.get(url + query, follow=True)
            assert response.status_code == 200, name
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            for title in ("未公开草稿", "未公开待审", "未公开定时", "未公开撤稿"):
                assert title.encode() not in content, (name, query, title)
    for article in Article.objects.exclude(state="published"):
        assert client.get(reverse("portal:article", args=[article.pk])).status_code == 404
