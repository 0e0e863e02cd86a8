"""The one place that decides who may do what where.

A user's data scope is the union of their active grants: each grant gives the permission codes of
its role on one organisation, and on everything under it when `include_subtree` is set. Nothing
else in Mofan checks roles; views declare `permission` and call these functions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mofan.core.paths import subtree_bounds, subtree_q

if TYPE_CHECKING:
    from mofan.orgs.models import Organisation

# View declarations that are not permission codes.
PUBLIC = "public"  # anyone, signed in or not
AUTHENTICATED = "authenticated"  # any signed-in user: only for pages that truly need no more


@dataclass(frozen=True)
class Policy:
    """A named rule for who may open a view, where that is not one permission code held
    somewhere: a party member's own pages, a partner unit's contacts. Views declare it as their
    `permission`; `has_permission` asks it. Each app writes its rules in its `policies.py` from
    the functions of this module, so that a newcomer finds "who may do this" in one place."""

    code: str  # a name for lists and tests, e.g. "party_member"
    allows: Callable[[Any], bool]  # the signed-in user → whether they may open the view
    refusal: str | Promise = ""  # the 403 page's reason

    def __str__(self) -> str:
        return self.code

    def check(self, actor: Any) -> None:
        if not self.allows(actor):
            raise PermissionDenied(self.refusal or _("You do not have permission to do this here."))


M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class GrantScope:
    org_id: int
    path: str
    include_subtree: bool
    permissions: frozenset[str]

    def covers(self, org: Organisation) -> bool:
        if self.include_subtree:
            return org.path.startswith(self.path)
        return org.pk == self.org_id


# The grants, and one row of NULLs when the login is linked to a current member record
# (`is_party_member`), read together: the menu asks both on every page.
GRANTS_SQL = """
SELECT g.org_id, o.path, g.include_subtree, r.permissions
FROM accounts_grant g
INNER JOIN orgs_organisation o ON o.id = g.org_id
INNER JOIN accounts_role r ON r.id = g.role_id
WHERE g.user_id = %s AND g.revoked_at IS NULL
UNION ALL
SELECT NULL, NULL, NULL, NULL
FROM members_member m
WHERE m.user_id = %s AND m.archived_at IS NULL
"""


def grants_of(actor: Any) -> list[GrantScope]:
    """The actor's active grants, read once per request and kept on the user object."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return []
    cached: list[GrantScope] | None = getattr(actor, "_mofan_grants", None)
    if cached is None:
        # Every page reads this: one hand-written query (a third of a millisecond less than
        # the ORM's on each page). The role's permissions are a JSON list, which SQLite
        # returns as text and PostgreSQL already decoded.
        with connection.cursor() as cursor:
            cursor.execute(GRANTS_SQL, [actor.pk, actor.pk])
            rows = cursor.fetchall()
        actor._mofan_member = any(row[0] is None for row in rows)
        cached = [
            GrantScope(
                org_id,
                path,
                bool(subtree),
                frozenset((json.loads(perms) if isinstance(perms, str) else perms) or ()),
            )
            for org_id, path, subtree, perms in rows
            if org_id is not None
        ]
        actor._mofan_grants = cached
    return cached


def permissions_held(actor: Any) -> frozenset[str]:
    """Every permission code the actor holds on at least one organisation (kept on the user
    object with the grants: the menu asks about forty of them on every page)."""
    held: frozenset[str] | None = getattr(actor, "_mofan_held", None)
    if held is None:
        held = frozenset().union(*(g.permissions for g in grants_of(actor)))
        if actor is not None:
            actor._mofan_held = held
    return held


def forget_grants(actor: Any) -> None:
    """Drop the per-request cache after the actor's grants changed."""
    for name in ("_mofan_grants", "_mofan_held", "_mofan_member"):
        if actor is not None and hasattr(actor, name):
            delattr(actor, name)


def is_party_member(actor: Any) -> bool:
    """Whether the login is linked to a current member record: only then does it see the
    party members' own pages (my record, my study record, my meetings, volunteer sign-up).
    A login that is only a partner unit's contact, or only staff, is not a party member."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if getattr(actor, "_mofan_member", None) is None:
        forget_grants(actor)
        grants_of(actor)
    return bool(actor._mofan_member)


def require_party_member(actor: Any) -> None:
    """Views of a party member's own records call this: 403 with the reason for anyone else."""
    if not is_party_member(actor):
        raise PermissionDenied(
            _(
                "This page is for party members themselves: your login is not linked to a "
                "member record."
            )
        )


PARTY_MEMBER = Policy(
    "party_member",
    is_party_member,
    gettext_lazy(
        "This page is for party members themselves: your login is not linked to a member record."
    ),
)


def has_permission(actor: Any, permission: str | Policy) -> bool:
    """Whether the actor holds `permission` on at least one organisation (or, for a `Policy`,
    whether the policy lets them in)."""
    if permission == PUBLIC:
        return True
    if actor is None or not actor.is_authenticated:
        return False
    if permission == AUTHENTICATED:
        return True
    if isinstance(permission, Policy):
        return permission.allows(actor)
    return permission in permissions_held(actor)


def can(actor: Any, permission: str, org: Organisation | None) -> bool:
    """Whether the actor holds `permission` on `org` (directly or through a subtree grant)."""
    if org is None:
        return has_permission(actor, permission)
    return any(permission in g.permissions and g.covers(org) for g in grants_of(actor))


def require(actor: Any, permission: str, org: Organisation | None) -> None:
    """Services call this; `actor=None` is the system itself (commands, periodic tasks)."""
    if actor is None:
        return
    if not can(actor, permission, org):
        raise PermissionDenied(_("You do not have permission to do this here."))


def can_from_above(actor: Any, permission: str, org: Organisation) -> bool:
    """Whether the actor holds `permission` over `org` from a level above it: through a subtree
    grant on one of its ancestors, never through a grant on `org` itself. Oversight (审阅/审核)
    is done by the level above, so nobody reviews their own organisation's records."""
    return any(
        permission in g.permissions
        and g.include_subtree
        and g.org_id != org.pk
        and org.path.startswith(g.path)
        for g in grants_of(actor)
    )


def require_from_above(actor: Any, permission: str, org: Organisation) -> None:
    if actor is None:
        return
    if not can_from_above(actor, permission, org):
        raise PermissionDenied(_("Only the level above may do this."))


def scope_below(queryset: QuerySet[M], actor: Any, permission: str) -> QuerySet[M]:
    """The rows of organisations strictly below the actor's subtree grants for `permission`
    (what `can_from_above` allows)."""
    field: str = getattr(queryset.model, "scope_field", "org")
    prefix = f"{field}__" if field else ""
    condition = Q(pk__in=[])
    for g in grants_of(actor):
        if permission in g.permissions and g.include_subtree:
            condition |= subtree_q(g.path, field) & ~Q(**{f"{prefix}pk": g.org_id})
    return queryset.filter(condition)


@dataclass(frozen=True)
class PathScope:
    """A scope as plain values, for a selector that writes its own SQL: the organisations whose
    path lies in one of `ranges` (inclusive bounds, one per subtree grant), and the
    organisations `orgs` (id, path) granted without their subtree. Empty: nothing."""

    ranges: tuple[tuple[str, str], ...]
    orgs: tuple[tuple[int, str], ...]

    @property
    def empty(self) -> bool:
        return not self.ranges and not self.orgs

    def sql(self, alias: str = "o") -> tuple[str, list[Any]]:
        """This scope as an SQL condition on the organisations table aliased `alias`, with its
        parameters (nothing in scope: a condition no row meets)."""
        terms = [f"({alias}.path >= %s AND {alias}.path <= %s)"] * len(self.ranges)
        params: list[Any] = [bound for pair in self.ranges for bound in pair]
        if self.orgs:
            terms.append(f"{alias}.id IN (" + ", ".join(["%s"] * len(self.orgs)) + ")")
            params += [pk for pk, _path in self.orgs]
        return "(" + (" OR ".join(terms) or "1 = 0") + ")", params

    def under(self, path: str) -> PathScope:
        """This scope within the subtree of `path` (both conditions at once: each range is
        intersected with the subtree's, as the database would compare them)."""
        lo, hi = subtree_bounds(path)
        ranges = tuple((max(a, lo), min(b, hi)) for a, b in self.ranges if max(a, lo) <= min(b, hi))
        return PathScope(ranges, tuple((pk, p) for pk, p in self.orgs if lo <= p <= hi))


def path_scope(actor: Any, permission: str) -> PathScope:
    """The actor's scope for `permission` as path ranges and single organisations; `scope`
    filters querysets with exactly these."""
    grants = [g for g in grants_of(actor) if permission in g.permissions]
    subtree_paths = sorted({g.path for g in grants if g.include_subtree})
    # A path already covered by a shorter one adds nothing to the filter.
    kept: list[str] = []
    for path in subtree_paths:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    exact = sorted({(g.org_id, g.path) for g in grants if not g.include_subtree})
    return PathScope(tuple(subtree_bounds(path) for path in kept), tuple(exact))


def scope_q(actor: Any, permission: str, field: str = "org") -> Q:
    """The actor's scope for `permission` as a condition on any path to an organisation
    (`field`: "org", "wish__community__org", "" for organisations themselves). Combine it
    with other conditions where one list shows rows reached in more than one way."""
    found = path_scope(actor, permission)
    prefix = f"{field}__" if field else ""
    condition = Q(pk__in=[])  # nothing, unless a grant adds to it
    for lo, hi in found.ranges:
        condition |= Q(**{f"{prefix}path__gte": lo, f"{prefix}path__lte": hi})
    if found.orgs:
        condition |= Q(**{f"{prefix}pk__in": sorted({pk for pk, _path in found.orgs})})
    return condition


def scope(queryset: QuerySet[M], actor: Any, permission: str) -> QuerySet[M]:
    """Only the rows whose organisation lies in the actor's scope for `permission`.

    The model names the path to its organisation in `scope_field` ("" for the organisation
    itself, "org" by default).
    """
    field: str = getattr(queryset.model, "scope_field", "org")
    return queryset.filter(scope_q(actor, permission, field))


def get_for_actor(queryset: QuerySet[M], actor: Any, permission: str, **lookup: Any) -> M:
    """Fetch one row and check scope at once: 404 for missing and for out-of-scope alike."""
    obj = scope(queryset, actor, permission).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def is_partner_contact(actor: Any, partner: Any) -> bool:
    """Whether the actor is a contact person of the partner unit (a community's 联络人 acts for
    it: posts and confirms its micro-wishes). Partner units carry no grants of their own."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    # orgs builds on core: its model is looked up by name, not imported.
    PartnerContact = django_apps.get_model("orgs", "PartnerContact")
    return PartnerContact.objects.filter(user_id=actor.pk, partner_id=partner.pk).exists()


def require_partner_or(actor: Any, partner: Any, permission: str) -> None:
    """A contact of the partner unit, or a holder of `permission` on its managing organisation."""
    if actor is None:
        return
    if not (is_partner_contact(actor, partner) or can(actor, permission, partner.org)):
        raise PermissionDenied(_("You do not have permission to do this here."))


def holders_by_org(
    orgs: Iterable[Organisation], permission: str, *, from_above: bool = False
) -> dict[int, list[int]]:
    """`holders` for many organisations at once, in one query: organisation id → user ids."""
    orgs = list(orgs)
    if not orgs:
        return {}
    # accounts builds on core: its model is looked up by name, not imported.
    Grant = django_apps.get_model("accounts", "Grant")
    wanted: dict[str, list[Organisation]] = {}
    for org in orgs:
        end = len(org.path) if from_above else len(org.path) + 1
        for i in range(org.steplen, end, org.steplen):
            wanted.setdefault(org.path[:i], []).append(org)
    rows = Grant.objects.filter(
        revoked_at__isnull=True, org__path__in=sorted(wanted), user__is_active=True
    ).values_list("user_id", "role__permissions", "org__path", "org_id", "include_subtree")
    found: dict[int, set[int]] = {org.pk: set() for org in orgs}
    for user_id, codes, path, org_id, subtree in rows:
        if permission not in (codes or ()):
            continue
        for org in wanted[path]:
            if subtree or org_id == org.pk:
                found[org.pk].add(user_id)
    return {pk: sorted(users) for pk, users in found.items()}


def holders(org: Organisation, permission: str, *, from_above: bool = False) -> list[int]:
    """The active users who hold `permission` on `org`: through a grant on it or a subtree
    grant above it — or, with `from_above`, only through a subtree grant on an ancestor (the
    level above, as `can_from_above`). For telling the right people; one query."""
    return holders_by_org([org], permission, from_above=from_above)[org.pk]


def grant_paths(
    permission: str, *, user_ids: Iterable[int] | None = None, below: str = ""
) -> list[tuple[int, str]]:
    """(user id, organisation path) of every standing grant to an active user that carries
    `permission`: of the users `user_ids`, and/or on the organisations strictly below the path
    `below`. The organisations people act for themselves (the unit they submit for), not the
    whole scope a subtree grant covers; one query."""
    # accounts builds on core: its model is looked up by name, not imported.
    Grant = django_apps.get_model("accounts", "Grant")
    rows = Grant.objects.filter(revoked_at__isnull=True, user__is_active=True)
    if user_ids is not None:
        rows = rows.filter(user_id__in=sorted(set(user_ids)))
    if below:
        rows = rows.filter(org__path__startswith=below).exclude(org__path=below)
    return [
        (user_id, path)
        for user_id, path, codes in rows.values_list("user_id", "org__path", "role__permissions")
        if permission in (codes or ())
    ]
