"""Reads of the organisation tree, already scoped to the actor."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.models import Notice
from mofan.core.paths import subtree_q
from mofan.orgs import permissions as perms
from mofan.orgs.models import (
    CommitteeSeat,
    Organisation,
    OrgKind,
    PartnerContact,
    PartnerUnit,
    SeatPosition,
    Term,
)
from mofan.orgs.rules import (
    BRANCH_COMMITTEE_FROM_FULL_MEMBERS,
    BRANCH_COMMITTEE_MIN_SEATS,
    BRANCH_MAX_MEMBERS,
    BRANCH_MIN_FULL_MEMBERS,
)

# A member's status as the branch regulations count it: `members.models.MemberStatus.FULL`
# (tests/orgs check that the two agree).
FULL_MEMBER = "full"


def _member_records() -> QuerySet[Any]:
    """Every member record. The tree counts members and a committee seat is held by one, but
    members builds on orgs: orgs reaches the model through the relation its seats declare
    (`CommitteeSeat.holder`) instead of importing it."""
    return CommitteeSeat._meta.get_field("holder").related_model._default_manager.all()


def _current_members() -> QuerySet[Any]:
    return _member_records().filter(archived_at__isnull=True)


def org_list(
    *, actor: Any, permission: str = perms.VIEW, include_archived: bool = False
) -> QuerySet[Organisation]:
    qs = access.scope(Organisation.objects.select_related("organ"), actor, permission)
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.order_by("path")


def org_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Organisation:
    return access.get_for_actor(
        Organisation.objects.select_related("organ"), actor, permission, pk=pk
    )


# `{scope}`: `core.access.PathScope.sql`, its values bound as parameters.
ORG_REF_SQL = "SELECT o.id, o.name, o.path FROM orgs_organisation o WHERE o.id = %s AND {scope}"


def org_ref(*, actor: Any, pk: int, permission: str = perms.VIEW) -> Organisation | None:
    """The organisation `pk` with only its id, name and path, when it lies in the actor's scope
    for `permission` (else None): for a list filter that needs the subtree and the name, in one
    hand-written query (the member list asks on every filtered page)."""
    found = access.path_scope(actor, permission)
    if found.empty:
        return None
    where, params = found.sql("o")
    with connection.cursor() as cursor:
        cursor.execute(ORG_REF_SQL.format(scope=where), [pk, *params])
        row = cursor.fetchone()
    return None if row is None else Organisation(pk=row[0], name=row[1], path=row[2])


def org_choices(
    *,
    actor: Any,
    permission: str,
    kinds: Collection[str] | None = None,
    exclude_subtree_of: Organisation | None = None,
) -> list[tuple[int, str]]:
    """The options of a tree picker: only organisations in the actor's scope, indented."""
    qs = org_list(actor=actor, permission=permission)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if exclude_subtree_of is not None:
        qs = qs.exclude(subtree_q(exclude_subtree_of.path))
    rows = list(qs.values_list("pk", "name", "depth"))
    top = min((depth for _pk, _name, depth in rows), default=1)
    return [(pk, "　" * (depth - top) + name) for pk, name, depth in rows]


def _subtree_member_counts(actor: Any, orgs: list[OrgRow]) -> dict[int, int]:
    """Members in each organisation's subtree: one grouped query, summed up the paths."""
    if not orgs:
        return {}
    own = dict(
        access.scope(_current_members(), actor, perms.VIEW)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    by_path = {o.path: o for o in orgs}
    totals = {o.pk: own.get(o.pk, 0) for o in orgs}
    steplen = Organisation.steplen
    for org in sorted(orgs, key=lambda o: len(o.path), reverse=True):
        parent = by_path.get(org.path[:-steplen])
        if parent is not None:
            totals[parent.pk] += totals[org.pk]
    return totals


@dataclass(frozen=True)
class OrgRow:
    """The few columns a tree node shows, without building a model instance per row."""

    pk: int
    name: str
    kind: str
    is_joint: bool
    path: str
    depth: int
    archived_at: Any

    @property
    def kind_label(self) -> str:
        return str(OrgKind(self.kind).label)


@dataclass
class TreeNode:
    org: OrgRow
    member_count: int
    matched: bool
    children: list[TreeNode] = field(default_factory=list)
    has_more: bool = False  # children exist but are fetched when the node is opened


# Up to this many organisations the whole tree is written into the page; above it, two levels
# below the top and each deeper level when it is opened (a city has 10³ of them).
TREE_INLINE_LIMIT = 300
TREE_OPEN_LEVELS = 1


def org_tree(
    *,
    actor: Any,
    query: str = "",
    include_archived: bool = False,
    under: Organisation | None = None,
    levels: int | None = None,
) -> list[TreeNode]:
    """The visible forest. A node's parent is its nearest visible ancestor; never an implicit one.

    With a query, only matches and the visible ancestors leading to them are kept. `under`
    limits the forest to one organisation's subtree; `levels` cuts it that many levels below
    the top (nodes cut off say `has_more`); by default a large forest is cut at
    TREE_OPEN_LEVELS.
    """
    orgs = [
        OrgRow(*row)
        for row in org_list(actor=actor, include_archived=include_archived).values_list(
            "id", "name", "kind", "is_joint", "path", "depth", "archived_at"
        )
    ]
    if under is not None:
        orgs = [o for o in orgs if o.path.startswith(under.path)]
    counts = _subtree_member_counts(actor, orgs)
    query = query.strip()
    nodes = {o.path: TreeNode(o, counts[o.pk], bool(query) and query in o.name) for o in orgs}
    roots: list[TreeNode] = []
    for org in orgs:
        node = nodes[org.path]
        parent = None
        path = org.path
        while len(path) > Organisation.steplen and parent is None:
            path = path[: -Organisation.steplen]
            parent = nodes.get(path)
        (parent.children if parent is not None else roots).append(node)
    if not query:
        if levels is None and len(orgs) > TREE_INLINE_LIMIT:
            levels = TREE_OPEN_LEVELS
        if levels is not None:
            _cut(roots, levels)
        return roots

    def keep(node: TreeNode) -> bool:
        node.children = [child for child in node.children if keep(child)]
        return node.matched or bool(node.children)

    return [root for root in roots if keep(root)]


def _cut(nodes: list[TreeNode], levels: int) -> None:
    for node in nodes:
        if levels <= 0 and node.children:
            node.children, node.has_more = [], True
        else:
            _cut(node.children, levels - 1)


def seat_list(*, org: Organisation, current_only: bool = True) -> list[CommitteeSeat]:
    """Seats in the order of rank: secretary, deputy, then the committee members."""
    qs = CommitteeSeat.objects.filter(org=org).select_related("holder")
    if current_only:
        today = timezone.localdate()
        qs = qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    rank = {value: i for i, value in enumerate(SeatPosition.values)}
    return sorted(qs, key=lambda seat: (rank[seat.position], seat.starts_on))


def seat_get(*, actor: Any, pk: int) -> CommitteeSeat:
    return access.get_for_actor(
        CommitteeSeat.objects.select_related("org", "holder"), actor, perms.MANAGE, pk=pk
    )


@dataclass(frozen=True)
class TermStatus:
    org: Organisation
    term: Term | None
    state: str  # "expired", "expiring", "missing"

    @property
    def state_label(self) -> str:
        return {
            "expired": _("Term expired"),
            "expiring": _("Term ends within six months"),
            "missing": _("No term recorded"),
        }[self.state]


def term_watchlist(*, actor: Any, today: date | None = None) -> list[TermStatus]:
    """Organisations whose term has expired, ends soon, or was never recorded."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.MOFAN_TERM_REMINDER_DAYS)
    orgs = list(
        org_list(actor=actor)
        .filter(kind__in=[OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH])
        .filter(is_external=False)
    )
    latest: dict[int, Term] = {}
    for row in Term.objects.filter(org__in=[o.pk for o in orgs]).order_by("org_id", "starts_on"):
        latest[row.org_id] = row
    rows = []
    for org in orgs:
        term = latest.get(org.pk)
        if term is None:
            rows.append(TermStatus(org, None, "missing"))
        elif term.ends_on < today:
            rows.append(TermStatus(org, term, "expired"))
        elif term.ends_on <= soon:
            rows.append(TermStatus(org, term, "expiring"))
    order = {"expired": 0, "expiring": 1, "missing": 2}
    return sorted(rows, key=lambda r: (order[r.state], r.org.path))


def terms_expiring(*, today: date | None = None) -> QuerySet[Term]:
    """Current terms ending within the reminder window that have not been reminded (system)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.MOFAN_TERM_REMINDER_DAYS)
    return Term.objects.filter(
        ends_on__gte=today,
        ends_on__lte=soon,
        reminded_at__isnull=True,
        org__archived_at__isnull=True,
    ).select_related("org")


def term_list(*, org: Organisation) -> QuerySet[Term]:
    return Term.objects.filter(org=org).order_by("-starts_on")


@dataclass(frozen=True)
class BranchFlag:
    org: Organisation
    full_members: int
    members: int
    seats: int
    reasons: tuple[str, ...]


def branch_flags(*, actor: Any, orgs: QuerySet[Organisation] | None = None) -> list[BranchFlag]:
    """Branches outside the set-up bounds of the branch regulations.

    Three small queries (branches; members grouped by branch and status; current seats grouped
    by branch) instead of one join of both, which multiplies rows at a city's scale.
    """
    today = timezone.localdate()
    branches = list(
        (orgs if orgs is not None else org_list(actor=actor))
        .filter(kind=OrgKind.BRANCH, archived_at__isnull=True)
        .select_related(None)
        .only("id", "name", "path", "kind")
    )
    ids = [b.pk for b in branches]
    members: dict[int, dict[str, int]] = {}
    for org_id, status, n in (
        _current_members()
        .filter(org__in=ids)
        .values("org_id", "status")
        .annotate(n=Count("id"))
        .values_list("org_id", "status", "n")
    ):
        members.setdefault(org_id, {})[status] = n
    seats = dict(
        CommitteeSeat.objects.filter(org__in=ids)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    flags = []
    for org in branches:
        counts = members.get(org.pk, {})
        n_full = counts.get(FULL_MEMBER, 0)
        n_members = sum(counts.values())
        n_seats = seats.get(org.pk, 0)
        reasons = []
        if n_full < BRANCH_MIN_FULL_MEMBERS:
            reasons.append(_("fewer than %(n)d full members") % {"n": BRANCH_MIN_FULL_MEMBERS})
        if n_members > BRANCH_MAX_MEMBERS:
            reasons.append(_("more than %(n)d members") % {"n": BRANCH_MAX_MEMBERS})
        if n_full >= BRANCH_COMMITTEE_FROM_FULL_MEMBERS and n_seats < BRANCH_COMMITTEE_MIN_SEATS:
            reasons.append(
                _("%(n)d or more full members but no branch committee")
                % {"n": BRANCH_COMMITTEE_FROM_FULL_MEMBERS}
            )
        if reasons:
            flags.append(BranchFlag(org, n_full, n_members, n_seats, tuple(reasons)))
    return flags


def partner_list(*, actor: Any) -> QuerySet[PartnerUnit]:
    return (
        access.scope(PartnerUnit.objects.select_related("org"), actor, perms.VIEW)
        .filter(archived_at__isnull=True)
        .annotate(n_contacts=Count("contacts"))
    )


def partner_get(*, actor: Any, pk: int, permission: str = perms.VIEW) -> PartnerUnit:
    return access.get_for_actor(PartnerUnit.objects.select_related("org"), actor, permission, pk=pk)


def partner_contact_get(
    *, actor: Any, pk: int, permission: str = perms.MANAGE_PARTNERS
) -> PartnerContact:
    return access.get_for_actor(
        PartnerContact.objects.select_related("partner__org", "user"), actor, permission, pk=pk
    )


def member_choices(*, org: Organisation) -> list[tuple[int, str]]:
    return list(
        _current_members()
        .filter(subtree_q(org.path, "org"))
        .order_by("full_name")
        .values_list("pk", "full_name")
    )


def seat_holder_get(*, pk: int) -> Any:
    """The member record chosen to hold a seat (the service checks that it may)."""
    return _member_records().select_related("org").get(pk=pk)


def org_members(*, org: Organisation) -> QuerySet[Any]:
    """Current members recorded directly in this organisation (or in this party group)."""
    field = "group" if org.kind == OrgKind.GROUP else "org"
    return _current_members().filter(**{field: org}).order_by("status", "full_name")


def org_ledger(*, actor: Any) -> list[list[Any]]:
    """One row per visible organisation for the Excel ledger (组织台账), in tree order."""
    orgs = list(org_list(actor=actor))
    by_path = {o.path: o for o in orgs}
    ids = [o.pk for o in orgs]
    counts = _subtree_member_counts(
        actor,
        [OrgRow(o.pk, o.name, o.kind, o.is_joint, o.path, o.depth, o.archived_at) for o in orgs],
    )
    full = dict(
        _current_members()
        .filter(org__in=ids, status=FULL_MEMBER)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    )
    today = timezone.localdate()
    secretaries = dict(
        CommitteeSeat.objects.filter(org__in=ids, position=SeatPosition.SECRETARY)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("org_id", "holder__full_name")
    )
    term_ends: dict[int, date] = {}
    for org_id, ends_on in (
        Term.objects.filter(org__in=ids)
        .order_by("org_id", "starts_on")
        .values_list("org_id", "ends_on")
    ):
        term_ends[org_id] = ends_on
    rows = []
    for org in orgs:
        parent = by_path.get(org.path[: -Organisation.steplen])
        ends = term_ends.get(org.pk)
        rows.append(
            [
                org.name,
                org.get_kind_display(),
                parent.name if parent else "",
                org.organ.name if org.organ else "",
                counts[org.pk],
                full.get(org.pk, 0),
                secretaries.get(org.pk, ""),
                f"{ends.year}年{ends.month}月{ends.day}日" if ends else "",
            ]
        )
    return rows


def figures_for_home(*, actor: Any) -> list[dict[str, Any]]:
    """The home page's figures about the tree (`core.registry.provided`)."""
    if not access.has_permission(actor, perms.VIEW):
        return []
    members = access.scope(_current_members(), actor, perms.VIEW)
    watch = term_watchlist(actor=actor)
    return [
        {
            "label": _("Organisations"),
            "value": org_list(actor=actor).count(),
            "url": reverse("orgs:tree"),
            "rank": 10,
        },
        {
            "label": _("Party members"),
            "value": members.count(),
            "url": reverse("orgs:tree"),
            "rank": 10,
        },
        {
            "label": _("Terms expired or ending soon"),
            "value": sum(1 for row in watch if row.state in {"expired", "expiring"}),
            "url": reverse("orgs:terms"),
            "rank": 10,
        },
        {
            "label": _("Branches to check"),
            "value": len(branch_flags(actor=actor)),
            "url": reverse("orgs:flags"),
            "rank": 10,
        },
    ]


def notice_audience(*, org: Organisation, audience: str) -> set[int]:
    """Partners: the logins of the contacts of partner units the subtree manages
    (`core.registry.provided`)."""
    if audience not in (Notice.Audience.PARTNERS, Notice.Audience.ALL):
        return set()
    contact_users = PartnerContact.objects.filter(
        subtree_q(org.path, "partner__org"),
        partner__archived_at__isnull=True,
        user__isnull=False,
        user__is_active=True,
    ).values_list("user_id", flat=True)
    return {uid for uid in contact_users if uid is not None}
