from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent, Message
from mofan.members.models import MemberStatus
from mofan.orgs import selectors, services
from mofan.orgs.models import CommitteeSeat, Organisation, OrgKind, Term
from mofan.orgs.rules import default_term_end
from mofan.orgs.tasks import remind_expiring_terms
from tests.conftest import Tree, make_members, make_user

pytestmark = pytest.mark.django_db


def refused(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return " ".join(exc.value.messages)


def test_create_builds_the_path_and_audits(tree: Tree) -> None:
    before = AuditEvent.objects.count()
    branch = services.org_create(
        actor=None, name=" 甲第三支部 ", kind=OrgKind.BRANCH, parent=tree.committee_a
    )
    assert branch.name == "甲第三支部"
    assert branch.path.startswith(tree.committee_a.path)
    assert branch.depth == tree.committee_a.depth + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None and event.action == "orgs.organisation.create"
    assert event.changes["name"] == [None, "甲第三支部"]


@pytest.mark.parametrize(
    ("kind", "parent_attr", "message"),
    [
        (OrgKind.GROUP, "committee_a", "党小组不能设在机关党委之下"),
        (OrgKind.PARTY_COMMITTEE, "branch_a1", "机关党委不能设在党支部之下"),
        (OrgKind.BRANCH, "group_a1", "党支部不能设在党小组之下"),
    ],
)
def test_create_refuses_wrong_parent_kind(
    tree: Tree, kind: str, parent_attr: str, message: str
) -> None:
    count = Organisation.objects.count()
    with pytest.raises(DomainError) as exc:
        services.org_create(actor=None, name="新组织", kind=kind, parent=getattr(tree, parent_attr))
    assert message in refused(exc)
    assert Organisation.objects.count() == count


def test_create_refuses_duplicate_sibling_name(tree: Tree) -> None:
    with pytest.raises(DomainError) as exc:
        services.org_create(
            actor=None, name="甲第一支部", kind=OrgKind.BRANCH, parent=tree.committee_a
        )
    assert "同一上级下已有同名组织" in refused(exc)


def test_create_requires_manage_permission_in_scope(tree: Tree, roles: dict[str, Role]) -> None:
    admin_b = make_user("b", grants=[(roles["committee_admin"], tree.committee_b, True)])
    with pytest.raises(PermissionDenied):
        services.org_create(
            actor=admin_b, name="越权支部", kind=OrgKind.BRANCH, parent=tree.committee_a
        )
    assert not Organisation.objects.filter(name="越权支部").exists()
    ok = services.org_create(
        actor=admin_b, name="乙第二支部", kind=OrgKind.BRANCH, parent=tree.committee_b
    )
    assert ok.path.startswith(tree.committee_b.path)


def test_move_carries_the_subtree(tree: Tree) -> None:
    services.org_move(actor=None, org=tree.branch_a1, new_parent=tree.committee_b)
    tree.branch_a1.refresh_from_db()
    tree.group_a1.refresh_from_db()
    assert tree.branch_a1.path.startswith(tree.committee_b.path)
    assert tree.group_a1.path.startswith(tree.branch_a1.path)
    event = AuditEvent.objects.filter(action="orgs.organisation.move").get()
    assert event.changes["parent"] == ["甲机关党委", "乙机关党委"]


def test_move_refuses_a_cycle(tree: Tree) -> None:
    path = tree.committee_a.path
    with pytest.raises(DomainError) as exc:
        services.org_move(actor=None, org=tree.committee_a, new_parent=tree.branch_a1)
    assert "不能调整到自身或其下级组织之下" in refused(exc)
    tree.committee_a.refresh_from_db()
    assert tree.committee_a.path == path


def test_move_refuses_a_group_outside_a_branch(tree: Tree) -> None:
    with pytest.raises(DomainError) as exc:
        services.org_move(actor=None, org=tree.group_a1, new_parent=tree.committee_b)
    assert "党小组不能设在机关党委之下" in refused(exc)


def test_move_refuses_the_root_and_same_parent(tree: Tree) -> None:
    with pytest.raises(DomainError):
        services.org_move(actor=None, org=tree.root, new_parent=tree.committee_a)
    with pytest.raises(DomainError) as exc:
        services.org_move(actor=None, org=tree.branch_a1, new_parent=tree.committee_a)
    assert "已在此上级之下" in refused(exc)


def test_move_needs_manage_on_both_ends(tree: Tree, roles: dict[str, Role]) -> None:
    admin_a = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    with pytest.raises(PermissionDenied):
        services.org_move(actor=admin_a, org=tree.branch_a1, new_parent=tree.committee_b)
    tree.branch_a1.refresh_from_db()
    assert tree.branch_a1.path.startswith(tree.committee_a.path)


def test_archive_rules(tree: Tree) -> None:
    with pytest.raises(DomainError) as exc:
        services.org_archive(actor=None, org=tree.branch_a1, reason="撤并")
    assert "请先调整或归档其下级组织" in refused(exc)
    with pytest.raises(DomainError) as exc:
        services.org_archive(actor=None, org=tree.group_a1, reason="  ")
    assert "请填写归档原因" in refused(exc)
    make_members(tree.branch_a2, 1)
    with pytest.raises(DomainError) as exc:
        services.org_archive(actor=None, org=tree.branch_a2, reason="撤并")
    assert "请先将其党员转接" in refused(exc)
    archived = services.org_archive(actor=None, org=tree.group_a1, reason="撤并")
    assert archived.archived_at is not None
    assert Organisation.objects.filter(pk=tree.group_a1.pk).exists()  # never deleted
    with pytest.raises(DomainError):
        services.org_update(actor=None, org=archived, name="新名", organ=None, is_joint=False)


def test_joint_flag_only_on_branches(tree: Tree) -> None:
    with pytest.raises(DomainError) as exc:
        services.org_update(
            actor=None, org=tree.committee_a, name="甲机关党委", organ=None, is_joint=True
        )
    assert "只有党支部可以设为联合党支部" in refused(exc)
    updated = services.org_update(
        actor=None, org=tree.branch_a2, name="甲联合支部", organ=None, is_joint=True
    )
    assert updated.is_joint
    event = AuditEvent.objects.filter(action="orgs.organisation.update").get()
    assert event.changes["name"] == ["甲第二支部", "甲联合支部"]


def test_seats(tree: Tree) -> None:
    people = make_members(tree.branch_a1, 3)
    outsider = make_members(tree.branch_b1, 1)[0]
    day = date(2025, 3, 1)
    seat = services.seat_assign(
        actor=None, org=tree.branch_a1, position="secretary", holder=people[0], starts_on=day
    )
    with pytest.raises(DomainError) as exc:
        services.seat_assign(
            actor=None, org=tree.branch_a1, position="secretary", holder=people[1], starts_on=day
        )
    assert "该职务已有人担任" in refused(exc)
    with pytest.raises(DomainError) as exc:
        services.seat_assign(
            actor=None, org=tree.branch_a1, position="publicity", holder=outsider, starts_on=day
        )
    assert "任职人必须是该组织的在册党员" in refused(exc)
    with pytest.raises(DomainError) as exc:
        services.seat_assign(
            actor=None, org=tree.group_a1, position="member", holder=people[1], starts_on=day
        )
    assert "党小组不设委员会" in refused(exc)
    with pytest.raises(DomainError) as exc:
        services.seat_end(actor=None, seat=seat, ends_on=day - timedelta(days=1))
    assert "结束日期早于开始日期" in refused(exc)
    services.seat_end(actor=None, seat=seat, ends_on=day + timedelta(days=30))
    assert CommitteeSeat.objects.get(pk=seat.pk).ends_on == day + timedelta(days=30)
    with pytest.raises(DomainError):
        services.seat_end(actor=None, seat=seat, ends_on=day + timedelta(days=40))


def test_term_defaults_by_kind(tree: Tree) -> None:
    start = date(2024, 5, 20)
    committee_term = services.term_start(actor=None, org=tree.committee_a, starts_on=start)
    branch_term = services.term_start(actor=None, org=tree.branch_a1, starts_on=start)
    assert committee_term.ends_on == date(2029, 5, 20)
    assert branch_term.ends_on == date(2027, 5, 20)
    assert default_term_end(OrgKind.BRANCH, date(2024, 2, 29)) == date(2027, 2, 28)
    with pytest.raises(DomainError) as exc:
        services.term_start(actor=None, org=tree.group_a1, starts_on=start)
    assert "此类组织不实行选举任期" in refused(exc)
    with pytest.raises(DomainError) as exc:
        services.term_start(actor=None, org=tree.branch_a1, starts_on=start)
    assert "新一届任期必须晚于本届开始日期" in refused(exc)
    assert Term.objects.filter(org=tree.branch_a1).count() == 1


def test_term_watchlist_and_reminders(tree: Tree, roles: dict[str, Role]) -> None:
    today = timezone.localdate()
    services.term_start(actor=None, org=tree.branch_a1, starts_on=today - timedelta(days=3 * 366))
    services.term_start(
        actor=None, org=tree.branch_a2, starts_on=today - timedelta(days=3 * 365 - 60)
    )
    services.term_start(actor=None, org=tree.committee_a, starts_on=today - timedelta(days=30))
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    member = make_user("m", grants=[(roles["member"], tree.branch_a2, False)])
    rows = {row.org.name: row.state for row in selectors.term_watchlist(actor=admin)}
    assert rows["甲第一支部"] == "expired"
    assert rows["甲第二支部"] == "expiring"
    assert rows["乙第一支部"] == "missing"
    assert "甲机关党委" not in rows
    sent = remind_expiring_terms()
    assert sent == 1  # the work committee admin manages 甲第二支部; the member does not
    message = Message.objects.get()
    assert message.user == admin and "甲第二支部" in message.title
    assert remind_expiring_terms() == 0  # once per term
    assert not Message.objects.filter(user=member).exists()


def test_branch_flags(tree: Tree, roles: dict[str, Role]) -> None:
    make_members(tree.branch_a1, 2)
    make_members(tree.branch_a1, 3, status=MemberStatus.PROBATIONARY)
    make_members(tree.branch_a2, 7)
    make_members(tree.branch_b1, 51)
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    flags = {flag.org.name: flag for flag in selectors.branch_flags(actor=admin)}
    assert flags["甲第一支部"].reasons == ("正式党员少于 3 人",)
    assert flags["甲第二支部"].reasons == ("正式党员 7 人以上但未设支部委员会",)
    assert "党员超过 50 人" in flags["乙第一支部"].reasons
    people = list(tree.branch_a2.members.all())
    for position, person in zip(["secretary", "organisation", "publicity"], people, strict=False):
        services.seat_assign(
            actor=None,
            org=tree.branch_a2,
            position=position,
            holder=person,
            starts_on=date(2025, 1, 1),
        )
    names = {flag.org.name for flag in selectors.branch_flags(actor=admin)}
    assert "甲第二支部" not in names


def test_tree_shows_only_the_scope_without_implicit_parents(
    tree: Tree, roles: dict[str, Role]
) -> None:
    make_members(tree.branch_a1, 4)
    make_members(tree.branch_a2, 2)
    admin_a = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    roots = selectors.org_tree(actor=admin_a)
    assert [node.org.name for node in roots] == ["甲机关党委"]
    assert roots[0].member_count == 6
    assert [c.org.name for c in roots[0].children] == ["甲第一支部", "甲第二支部"]
    # a single branch granted without subtree: that branch alone, as a root
    secretary = make_user("s", grants=[(roles["branch_secretary"], tree.branch_a2, False)])
    assert [n.org.name for n in selectors.org_tree(actor=secretary)] == ["甲第二支部"]
    choices = selectors.org_choices(actor=secretary, permission="orgs.manage")
    assert [pk for pk, _label in choices] == [tree.branch_a2.pk]
    # search keeps the matches and the visible way down to them
    found = selectors.org_tree(actor=admin_a, query="第二")
    assert [n.org.name for n in found] == ["甲机关党委"]
    assert [c.org.name for c in found[0].children] == ["甲第二支部"]


def test_ledger_export_is_scoped(tree: Tree, roles: dict[str, Role]) -> None:
    import io

    from django.test import Client
    from openpyxl import load_workbook

    from tests.conftest import login

    people = make_members(tree.branch_a1, 3)
    make_members(tree.branch_b1, 5)
    services.seat_assign(
        actor=None,
        org=tree.branch_a1,
        position="secretary",
        holder=people[0],
        starts_on=date(2025, 1, 1),
    )
    services.term_start(actor=None, org=tree.branch_a1, starts_on=date(2025, 1, 1))
    admin_a = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    response = login(Client(), admin_a).get("/orgs/export/")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "名称",
        "类别",
        "上级组织",
        "所属机关",
        "党员数（含下级）",
        "正式党员",
        "书记",
        "任期届满日期",
    )
    assert [r[0] for r in rows[1:]] == ["甲机关党委", "甲第一支部", "甲一党小组", "甲第二支部"]
    assert rows[1][4] == 3 and rows[1][2] is None  # the parent is outside the scope
    assert rows[2][1:] == ("党支部", "甲机关党委", None, 3, 3, people[0].full_name, "2028年1月1日")


def test_a_large_tree_opens_level_by_level(tree: Tree, roles: dict[str, Role]) -> None:
    from django.test import Client

    from mofan.members.synthetic import CitySize, build_city
    from tests.conftest import login

    city = build_city(size=CitySize(organs=3, branches=300, members=6), seed=5)
    admin = make_user(
        "gw",
        grants=[
            (roles["work_committee_admin"], tree.root, True),
            (roles["work_committee_admin"], city, True),
        ],
    )
    roots = selectors.org_tree(actor=admin)
    assert [r.org.name for r in roots] == ["测试工委", "合成市市直机关工委"]
    committees = roots[1].children
    assert len(committees) == 3 and all(c.has_more and not c.children for c in committees)
    assert committees[0].member_count == 6  # counts still cover the whole (cut) subtree
    page = login(Client(), admin).get("/orgs/").content.decode()
    assert page.count('data-testid="org-node"') == 2 + 2 + 3
    children = login(Client(), admin).get(
        f"/orgs/{Organisation.objects.get(name='合成机关001机关党委').pk}/children/"
    )
    assert children.content.decode().count('data-testid="org-node"') == 100
    found = selectors.org_tree(actor=admin, query="第7支部")  # a search is never cut
    matches = [b.org.name for r in found for c in r.children for b in c.children if b.matched]
    assert matches == ["合成机关001第7支部", "合成机关002第7支部", "合成机关003第7支部"]


def test_the_branch_rules_count_the_full_members_status() -> None:
    from mofan.members.models import MemberStatus
    from mofan.orgs.selectors import FULL_MEMBER

    assert FULL_MEMBER == MemberStatus.FULL
