"""Co-building agreements: parties and duties, joint meetings, ending, renewal reminders, and
the communities they link members to (whose micro-wishes those members are offered)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mofan.cobuild import services
from mofan.cobuild.models import Agreement, JointMeeting
from mofan.cobuild.selectors import partners_linked_to
from mofan.cobuild.tasks import remind_renewals
from mofan.core.errors import DomainError
from mofan.core.models import Message
from mofan.members.models import Member
from mofan.orgs.services import partner_create
from mofan.volunteer import selectors as volunteer_selectors
from mofan.volunteer import services as volunteer_services
from tests.conftest import Tree, make_members, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(tree: Tree, roles: dict[str, Any]) -> Any:
    return make_user("sfj", grants=[(roles["committee_admin"], tree.committee_b, True)])


def test_agreement_with_parties_duties_meetings_and_end(tree: Tree, keeper: Any) -> None:
    school = partner_create(actor=None, org=tree.committee_b, name="第三十二中学", kind="school")
    community = partner_create(actor=None, org=tree.committee_b, name="桥门社区", kind="community")
    today = timezone.localdate()
    base: dict[str, Any] = {
        "actor": keeper,
        "org": tree.committee_b,
        "title": "城市区域青少年法治宣传五方协议",
        "signed_on": today - timedelta(days=30),
        "ends_on": today + timedelta(days=3 * 365),
        "party_orgs": [tree.committee_b, tree.branch_b1],
        "party_partners": [school, community],
    }
    for extra, message in [
        ({"ends_on": today - timedelta(days=31)}, "ends_on"),
        ({"party_orgs": [], "party_partners": [school]}, None),
        ({"signed_on": today + timedelta(days=1)}, "signed_on"),
        ({"scan": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}, "file"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.agreement_create(**{**base, **extra})
        if message:
            assert message in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.agreement_create(**{**base, "org": tree.committee_a})
    assert not Agreement.objects.exists()
    agreement = services.agreement_create(
        **base, scan=SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n%signed\n")
    )
    assert agreement.parties.count() == 4 and agreement.scan_name == "协议.pdf"
    school_party = agreement.parties.get(partner=school)
    services.party_duties_save(actor=keeper, party=school_party, duties="提供场地，组织学生参加")
    school_party.refresh_from_db()
    assert school_party.duties == "提供场地，组织学生参加"
    with pytest.raises(DomainError) as exc:
        services.joint_meeting_record(
            actor=keeper, agreement=agreement, held_on=today, attendees=" "
        )
    assert "attendees" in exc.value.message_dict
    services.joint_meeting_record(
        actor=keeper,
        agreement=agreement,
        held_on=today,
        attendees="五方代表",
        minutes="<p>商定</p><script>x</script>",
        decisions="每学期开展一次模拟法庭",
    )
    assert JointMeeting.objects.get().minutes == "<p>商定</p>"
    services.agreement_end(actor=keeper, agreement=agreement, reason="学校合并")
    with pytest.raises(DomainError):
        services.agreement_end(actor=keeper, agreement=agreement, reason="再次")


def test_renewal_reminder_once(tree: Tree, keeper: Any) -> None:
    community = partner_create(actor=None, org=tree.committee_b, name="社区", kind="community")
    today = timezone.localdate()
    services.agreement_create(
        actor=keeper,
        org=tree.committee_b,
        title="共建协议",
        signed_on=today - timedelta(days=700),
        ends_on=today + timedelta(days=30),
        party_orgs=[tree.committee_b],
        party_partners=[community],
    )
    assert remind_renewals(today) == 1
    assert remind_renewals(today) == 0  # once
    assert Message.objects.filter(user=keeper, title__contains="共建协议").count() == 1
    assert remind_renewals(date(today.year + 5, 1, 1)) == 0  # past its end: nothing


def test_an_agreement_offers_the_communitys_wishes(tree: Tree, keeper: Any) -> None:
    """A community looked after by side A signs with side B's branch: B's members are offered
    its wishes from then on, and no longer once the agreement ends."""
    community = partner_create(actor=None, org=tree.committee_a, name="A社区", kind="community")
    wish = volunteer_services.wish_post(
        actor=None,
        community=community,
        beneficiary="赵大爷",
        title="老花镜",
        estimated_value="60",
        deadline=timezone.localdate() + timedelta(days=9),
    )
    volunteer_services.wish_review(actor=None, wish=wish, approve=True)
    person = make_members(tree.branch_b1, 1)[0]
    user = make_user("b-member")
    Member.objects.filter(pk=person.pk).update(user=user)
    person.refresh_from_db()
    assert list(volunteer_selectors.wishes_for_member(member=person)) == []
    assert not volunteer_services.can_see_wish(person, wish)
    today = timezone.localdate()
    agreement = services.agreement_create(
        actor=keeper,
        org=tree.committee_b,
        title="结对共建协议",
        signed_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=365),
        party_orgs=[tree.committee_b],
        party_partners=[community],
    )
    assert list(partners_linked_to(person.org.path, person.org.steplen)) == [
        {"partner_id": community.pk}
    ]
    assert list(volunteer_selectors.wishes_for_member(member=person)) == [wish]
    services.agreement_end(actor=keeper, agreement=agreement, reason="到期不续")
    assert list(volunteer_selectors.wishes_for_member(member=person)) == []
