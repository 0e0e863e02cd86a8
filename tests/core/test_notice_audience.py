"""A notice's audience: party members and party staff, partner units, or both. A login that is
only a partner unit's contact receives only what is addressed to partner units, and is not
offered the party members' own pages."""

import pytest
from django.test import Client
from django.urls import reverse

from mofan.accounts.models import Role
from mofan.core import services
from mofan.core.models import Notice, NoticeReceipt
from mofan.members.models import Member
from mofan.orgs.models import PartnerContact, PartnerKind
from mofan.orgs.services import partner_create
from tests.conftest import Tree, login, make_members, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree: Tree, roles: dict[str, Role]) -> dict[str, object]:
    sender = make_user("sender", grants=[(roles["committee_admin"], tree.committee_a, True)])
    make_user("sec1", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    member_user = make_user("m1", grants=[(roles["member"], tree.branch_a2, False)])
    member = make_members(tree.branch_a2, 1)[0]
    Member.objects.filter(pk=member.pk).update(user=member_user)
    # As in the demo: the community's contact holds the (empty) partner contact role on the
    # committee that manages the community.
    contact = make_user("shequ", grants=[(roles["partner_contact"], tree.committee_a, True)])
    community = partner_create(
        actor=None, org=tree.committee_a, name="桥门社区", kind=PartnerKind.COMMUNITY
    )
    PartnerContact.objects.create(partner=community, name="王主任", user=contact)
    far = make_user("far", grants=[(roles["partner_contact"], tree.committee_b, True)])
    school = partner_create(
        actor=None, org=tree.committee_b, name="乙中学", kind=PartnerKind.SCHOOL
    )
    PartnerContact.objects.create(partner=school, name="赵老师", user=far)
    return {"sender": sender, "contact": contact, "member": member_user, "far": far}


def _send(tree: Tree, people: dict, audience: str, title: str = "通知") -> Notice:
    return services.notice_send(
        actor=people["sender"],
        sender_org=tree.committee_a,
        org=tree.committee_a,
        title=title,
        body="正文",
        audience=audience,
    )


def _recipients(notice: Notice) -> set[str]:
    return set(notice.receipts.values_list("user__username", flat=True))


def test_each_audience_reaches_its_people(tree: Tree, people: dict) -> None:
    party = _send(tree, people, Notice.Audience.PARTY)
    assert party.audience == Notice.Audience.PARTY
    assert _recipients(party) == {"sender", "sec1", "m1"}  # not the community's contact
    partners = _send(tree, people, Notice.Audience.PARTNERS)
    assert _recipients(partners) == {"shequ"}  # not 乙's school, not party members
    both = _send(tree, people, Notice.Audience.ALL)
    assert _recipients(both) == {"sender", "sec1", "m1", "shequ"}


def test_the_audience_defaults_to_party_members(tree: Tree, people: dict) -> None:
    notice = services.notice_send(
        actor=people["sender"],
        sender_org=tree.committee_a,
        org=tree.committee_a,
        title="组织生活会通知",
        body="正文",
    )
    assert notice.audience == Notice.Audience.PARTY
    assert "shequ" not in _recipients(notice)


def test_an_unknown_audience_is_refused(tree: Tree, people: dict) -> None:
    from mofan.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        _send(tree, people, "everyone")
    assert "audience" in caught.value.message_dict
    assert Notice.objects.count() == 0


def test_the_partner_contact_reads_partner_notices_only(tree: Tree, people: dict) -> None:
    _send(tree, people, Notice.Audience.PARTY, title="组织生活会准备工作")
    partners = _send(tree, people, Notice.Audience.PARTNERS, title="共建活动安排")
    client = login(Client(), people["contact"])
    page = client.get(reverse("core:notice_inbox")).content.decode()
    assert "共建活动安排" in page
    assert "组织生活会准备工作" not in page
    detail = client.get(reverse("core:notice_detail", args=[partners.pk])).content.decode()
    assert "共建活动安排" in detail and "共建单位" in detail  # the audience is shown
    receipts = (
        login(Client(), people["sender"])
        .get(reverse("core:notice_receipts", args=[partners.pk]))
        .content.decode()
    )
    assert 'data-testid="receipt-shequ"' in receipts
    assert NoticeReceipt.objects.get(notice=partners, user=people["contact"]).read_at is not None


def test_the_send_form_offers_the_audience(tree: Tree, people: dict) -> None:
    client = login(Client(), people["sender"])
    form = client.get(reverse("core:notice_create")).content.decode()
    assert 'name="audience"' in form and "共建单位" in form
    response = client.post(
        reverse("core:notice_create"),
        {
            "sender_org": tree.committee_a.pk,
            "org": tree.committee_a.pk,
            "title": "共建通知",
            "body": "正文",
            "audience": Notice.Audience.PARTNERS,
        },
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.audience == Notice.Audience.PARTNERS
    assert _recipients(notice) == {"shequ"}
    sent = client.get(reverse("core:notice_sent")).content.decode()
    assert "共建单位" in sent


MEMBER_PAGES = ["members:me", "study:mine", "orglife:mine", "orglife:my_appraisal"]


def test_the_partner_contacts_menu_lacks_the_members_own_items(tree: Tree, people: dict) -> None:
    page = login(Client(), people["contact"]).get("/").content.decode()
    for name in MEMBER_PAGES[:3]:
        assert f'href="{reverse(name)}"' not in page, name
    assert f'href="{reverse("core:notice_inbox")}"' in page
    member_page = login(Client(), people["member"]).get("/").content.decode()
    for name in MEMBER_PAGES[:3]:
        assert f'href="{reverse(name)}"' in member_page, name


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_the_members_own_pages_refuse_a_partner_contact(
    tree: Tree, people: dict, name: str
) -> None:
    response = login(Client(), people["contact"]).get(reverse(name))
    assert response.status_code == 403
    assert "党员本人" in response.content.decode()
    assert login(Client(), people["member"]).get(reverse(name)).status_code == 200


def test_the_volunteer_page_offers_no_sign_up_to_a_partner_contact(
    tree: Tree, people: dict
) -> None:
    page = login(Client(), people["contact"]).get(reverse("volunteer:mine")).content.decode()
    assert "可报名的志愿活动" not in page
    assert "本社区的微心愿" in page  # the community's own part stays
    member_page = login(Client(), people["member"]).get(reverse("volunteer:mine"))
    assert "可报名的志愿活动" in member_page.content.decode()
