import pytest
from django.test import Client
from django.urls import reverse

from mofan.accounts.models import Role
from mofan.core import selectors, services
from mofan.core.errors import DomainError
from mofan.core.models import Notice, NoticeReceipt
from mofan.members.models import Member
from tests.conftest import Tree, login, make_members, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree: Tree, roles: dict[str, Role]) -> dict[str, object]:
    sender = make_user("sender", grants=[(roles["committee_admin"], tree.committee_a, True)])
    secretary = make_user("sec1", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    outsider = make_user("b", grants=[(roles["branch_secretary"], tree.branch_b1, True)])
    auditor = make_user("audit", grants=[(roles["audit_admin"], tree.root, True)])
    member_user = make_user("m1")
    member = make_members(tree.branch_a2, 1)[0]
    Member.objects.filter(pk=member.pk).update(user=member_user)
    return {
        "sender": sender,
        "secretary": secretary,
        "outsider": outsider,
        "auditor": auditor,
        "member": member_user,
    }


def test_notice_reaches_the_subtree_only(tree: Tree, people: dict) -> None:
    notice = services.notice_send(
        actor=people["sender"],
        sender_org=tree.committee_a,
        org=tree.committee_a,
        title="通知",
        body="请按时参加。",
    )
    recipients = set(notice.receipts.values_list("user__username", flat=True))
    assert recipients == {"sender", "sec1", "m1"}  # not side B, not the audit administrator


def test_read_receipt_is_written_once(tree: Tree, people: dict) -> None:
    notice = services.notice_send(
        actor=people["sender"],
        sender_org=tree.committee_a,
        org=tree.branch_a1,
        title="支部通知",
        body="正文",
    )
    client = login(Client(), people["secretary"])
    assert selectors.notice_unread_count(actor=people["secretary"]) == 1
    page = client.get(reverse("core:notice_detail", args=[notice.pk])).content.decode()
    assert "支部通知" in page and "已于" in page
    receipt = NoticeReceipt.objects.get(notice=notice, user=people["secretary"])
    first_read = receipt.read_at
    assert first_read is not None
    client.get(reverse("core:notice_detail", args=[notice.pk]))
    receipt.refresh_from_db()
    assert receipt.read_at == first_read
    assert selectors.notice_unread_count(actor=people["secretary"]) == 0
    sender_view = (
        login(Client(), people["sender"])
        .get(reverse("core:notice_receipts", args=[notice.pk]))
        .content.decode()
    )
    assert "1 位接收人中已有 1 人阅读" in sender_view


def test_strangers_cannot_read_a_notice(tree: Tree, people: dict) -> None:
    notice = services.notice_send(
        actor=people["sender"],
        sender_org=tree.committee_a,
        org=tree.branch_a1,
        title="支部通知",
        body="正文",
    )
    client = login(Client(), people["outsider"])
    assert client.get(reverse("core:notice_detail", args=[notice.pk])).status_code == 404
    assert client.get(reverse("core:notice_receipts", args=[notice.pk])).status_code == 404
    assert not NoticeReceipt.objects.filter(user=people["outsider"]).exists()


def test_notice_refusals(tree: Tree, people: dict) -> None:
    with pytest.raises(DomainError) as exc:
        services.notice_send(
            actor=people["sender"],
            sender_org=tree.committee_a,
            org=tree.root,
            title="越级",
            body="正文",
        )
    assert "只能发给发文组织本级或其下级组织" in " ".join(exc.value.messages)
    with pytest.raises(DomainError) as exc:
        services.notice_send(
            actor=people["sender"],
            sender_org=tree.committee_a,
            org=tree.committee_a,
            title="  ",
            body="正文",
        )
    assert "请填写标题" in " ".join(exc.value.messages)
    assert Notice.objects.count() == 0


def test_notice_body_is_escaped(tree: Tree, people: dict) -> None:
    notice = services.notice_send(
        actor=people["sender"],
        sender_org=tree.committee_a,
        org=tree.branch_a1,
        title="<b>标题</b>",
        body="<script>alert(1)</script>",
    )
    page = (
        login(Client(), people["secretary"])
        .get(reverse("core:notice_detail", args=[notice.pk]))
        .content.decode()
    )
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_send_through_the_form(tree: Tree, people: dict) -> None:
    client = login(Client(), people["sender"])
    response = client.post(
        reverse("core:notice_create"),
        {
            "sender_org": tree.committee_a.pk,
            "org": tree.branch_b1.pk,
            "title": "越权",
            "body": "正文",
        },
    )
    assert response.status_code == 200  # 乙 is not among the choices
    assert Notice.objects.count() == 0
    response = client.post(
        reverse("core:notice_create"),
        {
            "sender_org": tree.committee_a.pk,
            "org": tree.branch_a1.pk,
            "title": "支部通知",
            "body": "正文",
        },
    )
    assert response.status_code == 302
    assert list(Notice.objects.get().receipts.values_list("user__username", flat=True)) == ["sec1"]
