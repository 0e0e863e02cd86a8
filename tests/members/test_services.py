from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.core import crypto
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.members import selectors, services
from mofan.members.models import Member, MemberStatus, MemberTransfer
from mofan.members.selectors import MemberFilters
from tests.conftest import Tree, an_id, make_user

pytestmark = pytest.mark.django_db


def messages(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return " ".join(exc.value.messages)


def test_create_reads_birth_and_gender_from_the_id(tree: Tree) -> None:
    number = an_id(date(1985, 6, 15), female=True)
    member = services.member_create(
        actor=None,
        full_name="张 三",
        org=tree.branch_a1,
        id_number=number.lower(),
        mobile="139 1234 5678",
        joined_on=date(2010, 7, 1),
        full_member_on=date(2011, 7, 1),
    )
    assert member.full_name == "张三"
    assert (member.name_pinyin, member.name_initials) == ("zhangsan", "zs")
    assert member.birth_date == date(1985, 6, 15) and member.gender == "female"
    assert member.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert member.mobile_masked == "139****5678"
    stored = Member.objects.values_list("id_number_encrypted", "mobile_encrypted").get()
    assert number not in stored[0] and "13912345678" not in stored[1]  # encrypted at rest
    assert crypto.decrypt(stored[0]) == number
    event = AuditEvent.objects.filter(action="members.member.create").get()
    assert event.changes["id_number_masked"] == [None, member.id_number_masked]
    assert number not in str(event.changes)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"id_number": "620102198506150011"}, "校验码不正确"),
        (
            {"id_number": an_id(date(1985, 6, 15)), "birth_date": date(1985, 6, 16)},
            "出生日期与身份证号不一致",
        ),
        ({"id_number": an_id(date(1985, 6, 15)), "gender": "female"}, "性别与身份证号不一致"),
        ({"mobile": "1391234567"}, "11 位手机号"),
        ({"birth_date": date(2000, 1, 1), "joined_on": date(2016, 1, 1)}, "年满 18 岁"),
        (
            {"status": MemberStatus.PROBATIONARY, "full_member_on": date(2020, 1, 1)},
            "预备党员尚无转正时间",
        ),
        (
            {"joined_on": date(2020, 1, 1), "full_member_on": date(2019, 1, 1)},
            "转正时间不能早于入党时间",
        ),
        ({"joined_on": timezone.localdate() + timedelta(days=1)}, "入党时间晚于今天"),
    ],
)
def test_create_refusals(tree: Tree, extra: dict, message: str) -> None:
    with pytest.raises(DomainError) as exc:
        services.member_create(actor=None, full_name="李四", org=tree.branch_a1, **extra)
    assert message in messages(exc)
    assert Member.objects.count() == 0


def test_id_numbers_are_unique(tree: Tree) -> None:
    number = an_id(date(1980, 1, 1))
    services.member_create(actor=None, full_name="王五", org=tree.branch_a1, id_number=number)
    with pytest.raises(DomainError) as exc:
        services.member_create(
            actor=None,
            full_name="王六",
            org=tree.branch_b1,
            id_number=f" {number[:-1]}{number[-1].lower()} ",
        )
    assert "该身份证号已登记" in messages(exc)
    assert Member.objects.count() == 1


def test_members_only_in_current_branches(tree: Tree) -> None:
    with pytest.raises(DomainError) as exc:
        services.member_create(actor=None, full_name="赵七", org=tree.committee_a)
    assert "隶属于一个现有党支部" in messages(exc)
    with pytest.raises(DomainError):
        services.member_create(
            actor=None, full_name="赵七", org=tree.branch_a2, group=tree.group_a1
        )


def test_search_by_name_pinyin_initials_id_and_mobile(tree: Tree, roles: dict[str, Role]) -> None:
    admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    number = an_id(date(1990, 3, 3))
    services.member_create(
        actor=None, full_name="张三", org=tree.branch_a1, id_number=number, mobile="13900001111"
    )
    services.member_create(actor=None, full_name="张珊珊", org=tree.branch_a1)
    services.member_create(actor=None, full_name="李四", org=tree.branch_b1)

    def names(query: str) -> list[str]:
        found = selectors.member_list(actor=admin, filters=MemberFilters(query=query))
        return sorted(m.full_name for m in found)

    assert names("zs") == ["张三", "张珊珊"]
    assert names("zhangs") == ["张三", "张珊珊"]
    assert names("zhangsan") == ["张三"]
    assert names("ZSS") == ["张珊珊"]
    assert names("张") == ["张三", "张珊珊"]
    assert names(number.lower()) == ["张三"]
    assert names("139 0000 1111") == ["张三"]
    assert names("ls") == ["李四"]
    assert names("wang") == []


def test_list_is_scoped_and_filtered(tree: Tree, roles: dict[str, Role]) -> None:
    today = timezone.localdate()
    young = today.replace(year=today.year - 28)
    old = today.replace(year=today.year - 55)
    services.member_create(
        actor=None,
        full_name="青年",
        org=tree.branch_a1,
        birth_date=young,
        joined_on=young.replace(year=young.year + 20),
    )
    services.member_create(
        actor=None,
        full_name="老党员",
        org=tree.branch_a2,
        birth_date=old,
        joined_on=old.replace(year=old.year + 22),
        is_leading_cadre=True,
    )
    services.member_create(
        actor=None, full_name="预备", org=tree.branch_a1, status=MemberStatus.PROBATIONARY
    )
    services.member_create(actor=None, full_name="乙方", org=tree.branch_b1)
    admin_a = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])

    def names(**kwargs: object) -> list[str]:
        found = selectors.member_list(actor=admin_a, filters=MemberFilters(**kwargs))
        return sorted(m.full_name for m in found)

    assert names() == ["老党员", "青年", "预备"]  # never 乙方
    assert names(age_band="to30") == ["青年"]
    assert names(age_band="51to60") == ["老党员"]
    assert names(standing_band="30plus") == ["老党员"]
    assert names(standing_band="5to9") == ["青年"]
    assert names(status=MemberStatus.PROBATIONARY) == ["预备"]
    assert names(leading_cadre=True) == ["老党员"]
    assert names(org=tree.branch_a1) == ["青年", "预备"]


def test_transfer_is_seen_by_both_branches(tree: Tree, roles: dict[str, Role]) -> None:
    member = services.member_create(actor=None, full_name="调动", org=tree.branch_a1)
    gw = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    services.member_transfer(
        actor=gw,
        member=member,
        to_org=tree.branch_b1,
        transferred_on=date(2026, 3, 1),
        reason="工作调动",
    )
    member.refresh_from_db()
    assert member.org == tree.branch_b1
    secretary_a = make_user("sa", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    secretary_b = make_user("sb", grants=[(roles["branch_secretary"], tree.branch_b1, True)])
    other = make_user("o", grants=[(roles["branch_secretary"], tree.branch_a2, True)])
    assert selectors.member_transfers(actor=secretary_a).count() == 1
    assert selectors.member_transfers(actor=secretary_b).count() == 1
    assert selectors.member_transfers(actor=other).count() == 0
    history = selectors.member_history(member=member)
    assert [e.action for e in history] == ["members.member.transfer", "members.member.create"]
    with pytest.raises(DomainError) as exc:
        services.member_transfer(
            actor=gw,
            member=member,
            to_org=tree.branch_b1,
            transferred_on=date(2026, 3, 2),
            reason="再调",
        )
    assert "已在此支部" in messages(exc)
    with pytest.raises(PermissionDenied):
        services.member_transfer(
            actor=secretary_b,
            member=member,
            to_org=tree.branch_a2,
            transferred_on=date(2026, 3, 2),
            reason="越权",
        )
    assert MemberTransfer.objects.count() == 1


def test_status_and_archive(tree: Tree) -> None:
    member = services.member_create(
        actor=None,
        full_name="预备",
        org=tree.branch_a1,
        status=MemberStatus.PROBATIONARY,
        joined_on=date(2025, 6, 1),
    )
    with pytest.raises(DomainError) as exc:
        services.member_make_full(actor=None, member=member, full_member_on=date(2025, 5, 1))
    assert "转正时间不能早于入党时间" in messages(exc)
    services.member_make_full(actor=None, member=member, full_member_on=date(2026, 6, 1))
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL and member.full_member_on == date(2026, 6, 1)
    with pytest.raises(DomainError):
        services.member_make_full(actor=None, member=member, full_member_on=date(2026, 6, 2))
    with pytest.raises(DomainError) as exc:
        services.member_archive(actor=None, member=member, reason="other", note="")
    assert "请说明原因" in messages(exc)
    services.member_archive(actor=None, member=member, reason="death")
    member.refresh_from_db()
    assert member.archived_at is not None and Member.objects.filter(pk=member.pk).exists()
    with pytest.raises(DomainError) as exc:
        services.member_update(
            actor=None,
            member=member,
            fields=services.MemberFields(full_name="改名", org=member.org),
        )
    assert "已归档的档案不能修改" in messages(exc)


def test_update_keeps_numbers_when_left_empty(tree: Tree) -> None:
    number = an_id(date(1975, 5, 5))
    member = services.member_create(
        actor=None, full_name="原名", org=tree.branch_a1, id_number=number, mobile="13800001111"
    )
    services.member_update(
        actor=None,
        member=member,
        fields=services.MemberFields(full_name="新名", org=tree.branch_a1, job_title="科长"),
    )
    member.refresh_from_db()
    assert member.full_name == "新名" and member.name_initials == "xm"
    assert crypto.decrypt(member.id_number_encrypted) == number
    assert member.mobile_masked == "138****1111"
    event = AuditEvent.objects.filter(action="members.member.update").get()
    assert event.changes == {"full_name": ["原名", "新名"], "job_title": ["", "科长"]}


def test_unmask_needs_the_permission_and_is_audited(tree: Tree, roles: dict[str, Role]) -> None:
    number = an_id(date(1975, 5, 5))
    member = services.member_create(
        actor=None, full_name="隐私", org=tree.branch_a1, id_number=number, mobile="13800001111"
    )
    secretary = make_user("s", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    with pytest.raises(PermissionDenied):
        services.member_unmask(actor=secretary, member=member)
    admin = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    shown = services.member_unmask(actor=admin, member=member)
    assert (shown.id_number, shown.mobile) == (number, "13800001111")
    event = AuditEvent.objects.filter(action="members.member.unmask").get()
    assert event.actor == admin and event.target_id == str(member.pk)


def test_export_is_the_filtered_list_masked_unless_asked_and_permitted(
    tree: Tree, roles: dict[str, Role]
) -> None:
    import io

    from django.test import Client
    from openpyxl import load_workbook

    from tests.conftest import login

    number = an_id(date(1983, 3, 3))
    services.member_create(
        actor=None, full_name="张三", org=tree.branch_a1, id_number=number, mobile="13700002222"
    )
    services.member_create(actor=None, full_name="李四", org=tree.branch_a1)
    secretary = make_user("s", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    admin = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])

    def rows(client: Client, **params: str) -> list[tuple]:
        response = client.get("/members/export/", params)
        assert response.status_code == 200
        return list(
            load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
        )

    secretary_client = login(Client(), secretary)
    masked = rows(secretary_client, q="zs")
    assert [r[0] for r in masked[1:]] == ["张三"]  # exactly the filtered list
    assert masked[1][5] == number[:4] + "*" * 10 + number[-4:]
    assert masked[1][6] == "137****2222"
    assert secretary_client.get("/members/export/", {"full": "1"}).status_code == 403
    events = AuditEvent.objects.filter(action="members.member.export_unmasked")
    assert not events.exists()
    full = rows(login(Client(), admin), q="zs", full="1")
    assert (full[1][5], full[1][6]) == (number, "13700002222")
    assert events.get().changes == {"unmasked": [None, 1]}


def test_link_a_login(tree: Tree, roles: dict[str, Role]) -> None:
    member = services.member_create(actor=None, full_name="有账号", org=tree.branch_a1)
    other = services.member_create(actor=None, full_name="另一人", org=tree.branch_a1)
    login_user = make_user("youzhanghao")
    secretary = make_user("s", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    with pytest.raises(DomainError) as exc:
        services.member_link_user(actor=secretary, member=member, username="nobody")
    assert "没有这个用户名的有效账号" in messages(exc)
    services.member_link_user(actor=secretary, member=member, username="youzhanghao")
    member.refresh_from_db()
    assert member.user == login_user
    with pytest.raises(DomainError) as exc:
        services.member_link_user(actor=secretary, member=other, username="youzhanghao")
    assert "已属于另一名党员" in messages(exc)
    services.member_link_user(actor=secretary, member=member, username="")
    member.refresh_from_db()
    assert member.user is None
    changes = [
        e.changes["login"]
        for e in AuditEvent.objects.filter(action="members.member.link_user").order_by("id")
    ]
    assert changes == [[None, "youzhanghao"], ["youzhanghao", None]]
    outsider = make_user("o", grants=[(roles["branch_secretary"], tree.branch_b1, True)])
    with pytest.raises(PermissionDenied):
        services.member_link_user(actor=outsider, member=member, username="youzhanghao")


def test_a_member_sees_their_own_record_only(tree: Tree) -> None:
    from django.test import Client

    from tests.conftest import login

    user = make_user("ziji")
    member = services.member_create(
        actor=None,
        full_name="自己",
        org=tree.branch_a1,
        id_number=an_id(date(1990, 9, 9)),
        user=user,
    )
    page = login(Client(), user).get("/members/me/").content.decode()
    assert "自己" in page and member.id_number_masked in page
    assert login(Client(), user).get(f"/members/{member.pk}/").status_code == 403  # no grant
    # A login without a member record is refused, with the reason, not shown an empty page.
    refused = login(Client(), make_user("other")).get("/members/me/")
    assert refused.status_code == 403
    stranger = refused.content.decode()
    assert "党员本人" in stranger and "尚未关联党员档案" in stranger and "自己" not in stranger
