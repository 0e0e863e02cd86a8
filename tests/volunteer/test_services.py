"""Volunteer activities, hours, certificates and micro-wishes: every rule and refusal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from docx import Document

from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent, Message
from mofan.volunteer import selectors, services
from mofan.volunteer.documents import certificate_docx
from mofan.volunteer.models import (
    ActivityStatus,
    Certificate,
    Participation,
    ParticipationState,
    VolunteerActivity,
    Wish,
    WishStatus,
)
from tests.conftest import Tree, make_members, make_user
from tests.volunteer.conftest import World, make_activity

pytestmark = pytest.mark.django_db


def test_capacity_waitlist_and_promotion(tree: Tree, world: World) -> None:
    activity = make_activity(world, tree, capacity=2)
    a, b, c, d = world.users
    assert services.signup(user=a, activity=activity)[0].state == ParticipationState.SIGNED_UP
    assert services.signup(user=b, activity=activity)[0].state == ParticipationState.SIGNED_UP
    waiting, changed = services.signup(user=c, activity=activity)
    assert changed and waiting.state == ParticipationState.WAITLISTED
    services.signup(user=d, activity=activity)
    again, changed = services.signup(user=a, activity=activity)
    assert not changed and again.state == ParticipationState.SIGNED_UP  # idempotent
    # a gives up the place: c (first in the queue) moves up and is told.
    services.signup_cancel(user=a, participation=again)
    states = dict(Participation.objects.values_list("member_id", "state"))
    assert states[world.people[2].pk] == ParticipationState.SIGNED_UP
    assert states[world.people[3].pk] == ParticipationState.WAITLISTED
    assert Message.objects.filter(user=c, title__contains=activity.title).exists()
    # Cancelling twice, or someone else's sign-up: refused.
    with pytest.raises(DomainError):
        services.signup_cancel(user=a, participation=again)
    with pytest.raises(DomainError):
        services.signup_cancel(user=b, participation=waiting)
    # After the cancellation deadline: refused, nothing changes.
    VolunteerActivity.objects.filter(pk=activity.pk).update(
        cancel_deadline=timezone.now() - timedelta(minutes=1)
    )
    mine = Participation.objects.get(member=world.people[1])
    with pytest.raises(DomainError) as exc:
        services.signup_cancel(user=b, participation=mine)
    assert "截止" in " ".join(exc.value.messages)
    mine.refresh_from_db()
    assert mine.state == ParticipationState.SIGNED_UP


def test_refusals_when_creating_and_signing_up(tree: Tree, world: World) -> None:
    start = timezone.now() + timedelta(days=1)
    for extra, field in [
        ({"ends_at": start}, "ends_at"),
        ({"ends_at": start + timedelta(hours=30)}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"signup_deadline": start + timedelta(hours=1)}, "signup_deadline"),
    ]:
        kwargs: dict[str, Any] = {
            "actor": world.organiser,
            "org": tree.committee_a,
            "kind": world.kind,
            "title": "环境整治",
            "place": "小区",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "capacity": 5,
        }
        kwargs.update(extra)
        with pytest.raises(DomainError) as exc:
            services.activity_create(**kwargs)
        assert field in exc.value.message_dict
    outsider = make_user("yi-admin")
    with pytest.raises(PermissionDenied):
        services.activity_create(
            actor=outsider,
            org=tree.committee_a,
            kind=world.kind,
            title="x",
            place="y",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=1,
        )
    assert not VolunteerActivity.objects.exists()
    activity = make_activity(world, tree)
    VolunteerActivity.objects.filter(pk=activity.pk).update(
        signup_deadline=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(DomainError) as exc:
        services.signup(user=world.users[0], activity=activity)
    assert "报名已截止" in " ".join(exc.value.messages)
    no_member = make_user("nomember")
    with pytest.raises(DomainError):
        services.signup(user=no_member, activity=activity)
    assert not Participation.objects.exists()


def test_scan_in_and_out_then_confirm_and_correct(tree: Tree, world: World) -> None:
    start = timezone.now() - timedelta(minutes=10)
    activity = make_activity(world, tree, starts_at=start, hours=1)
    VolunteerActivity.objects.filter(pk=activity.pk).update(
        signup_deadline=start, cancel_deadline=start
    )
    a, b = world.users[:2]
    for user in (a, b):
        Participation.objects.create(
            activity=activity,
            member=user.member,
            state=ParticipationState.SIGNED_UP,
            signed_up_at=start - timedelta(days=1),
        )
    assert services.scan(user=a, activity=activity).action == "in"
    assert services.scan(user=a, activity=activity).action == "out"
    assert services.scan(user=a, activity=activity).action == ""  # nothing more
    outsider = make_members(tree.branch_a2, 1)[0]
    stranger = make_user("stranger")
    type(outsider).objects.filter(pk=outsider.pk).update(user=stranger)
    with pytest.raises(DomainError) as exc:
        services.scan(user=stranger, activity=activity)
    assert "名额" in " ".join(exc.value.messages)
    # Confirming before the end is refused.
    with pytest.raises(DomainError):
        services.hours_confirm(actor=world.organiser, activity=activity)
    # The organiser records b's times (谁组织谁记录); a's own times may change only with a reason.
    pb = Participation.objects.get(member__user=b)
    services.times_record(
        actor=world.organiser,
        participation=pb,
        checked_in_at=start,
        checked_out_at=start + timedelta(hours=1),
    )
    pa = Participation.objects.get(member__user=a)
    with pytest.raises(DomainError) as exc:
        services.times_record(
            actor=world.organiser,
            participation=pa,
            checked_in_at=start,
            checked_out_at=start + timedelta(hours=1),
        )
    assert "reason" in exc.value.message_dict
    VolunteerActivity.objects.filter(pk=activity.pk).update(
        starts_at=start - timedelta(hours=2), ends_at=start - timedelta(hours=1)
    )
    activity.refresh_from_db()
    services.times_record(
        actor=world.organiser,
        participation=pb,
        checked_in_at=activity.starts_at,
        checked_out_at=activity.ends_at,
        reason="现场签到表",
    )
    services.hours_confirm(actor=world.organiser, activity=activity)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CLOSED
    pb.refresh_from_db()
    pa.refresh_from_db()
    assert pb.hours == Decimal("1.00") and pa.hours == Decimal("0.00")  # a scanned outside
    with pytest.raises(DomainError):
        services.hours_confirm(actor=world.organiser, activity=activity)
    with pytest.raises(DomainError) as exc:
        services.hours_correct(actor=world.organiser, participation=pa, hours=Decimal(1), reason="")
    assert "reason" in exc.value.message_dict
    with pytest.raises(DomainError):
        services.hours_correct(
            actor=world.organiser, participation=pa, hours=Decimal(5), reason="超过计划时长"
        )
    services.hours_correct(
        actor=world.organiser, participation=pa, hours=Decimal("0.75"), reason="忘记签退，据签到表"
    )
    pa.refresh_from_db()
    assert pa.hours == Decimal("0.75")
    assert AuditEvent.objects.filter(action="volunteer.hours_correct").count() == 1
    record = selectors.my_volunteering(member=pa.member)
    assert record.total_hours == Decimal("0.75") and record.stars == 0


def test_certificate_fields_numbers_and_check(tree: Tree, world: World) -> None:
    start = timezone.now() - timedelta(days=3)
    activity = make_activity(world, tree, starts_at=start, hours=3)
    member = world.people[0]
    Participation.objects.create(
        activity=activity,
        member=member,
        state=ParticipationState.SIGNED_UP,
        signed_up_at=start - timedelta(days=1),
        checked_in_at=start,
        checked_out_at=start + timedelta(hours=3),
    )
    services.hours_confirm(actor=world.organiser, activity=activity)
    today = timezone.localdate()

    def issue() -> Certificate:
        return services.certificate_issue(
            actor=world.organiser,
            member=member,
            org=tree.committee_a,
            period_from=today.replace(month=1, day=1),
            period_to=today,
            person_in_charge="李书记",
            handler="张干事",
            handler_contact="0931-1234567",
        )

    first, second = issue(), issue()
    assert first.number != second.number and first.number.startswith(f"ZYZM{today.year}")
    assert first.hours == Decimal("3.00") and first.activities == 1
    document = Document(BytesIO(certificate_docx(first, check_url="https://dj.example.cn/check")))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for row in document.tables[0].rows for cell in row.cells
    )
    for expected in [
        member.full_name,
        "居民身份证",
        "志愿者编号",
        "3小时",
        "法律援助",
        tree.committee_a.name,
        "李书记",
        "张干事",
        "0931-1234567",
        first.number,
        first.check_code,
    ]:
        assert expected in text, expected
    assert selectors.certificate_check(number=first.number.lower(), code=first.check_code) == first
    assert selectors.certificate_check(number=first.number, code="WRONG") is None
    with pytest.raises(DomainError):
        services.certificate_issue(
            actor=world.organiser,
            member=world.people[1],
            org=tree.committee_a,
            period_from=today.replace(month=1, day=1),
            period_to=today,
            person_in_charge="李书记",
            handler="张干事",
            handler_contact="0931-1234567",
        )


def post_wish(world: World, **extra: Any) -> Wish:
    kwargs: dict[str, Any] = {
        "actor": world.contact,
        "community": world.community,
        "beneficiary": "王秀英",
        "title": "一台收音机",
        "estimated_value": "120",
        "deadline": timezone.localdate() + timedelta(days=10),
    }
    kwargs.update(extra)
    return services.wish_post(**kwargs)


def test_wish_review_claim_fulfil_return_confirm(
    tree: Tree, world: World, roles: dict[str, Any]
) -> None:
    wish = post_wish(world)
    assert wish.status == WishStatus.SUBMITTED and wish.public_beneficiary == "王**"
    assert Message.objects.filter(user=world.organiser, title__contains="一台收音机").exists()
    with pytest.raises(PermissionDenied):
        services.wish_review(actor=world.contact, wish=wish, approve=True)  # not its own reviewer
    with pytest.raises(DomainError):
        services.wish_review(actor=world.organiser, wish=wish, approve=False, note="")
    services.wish_review(actor=world.organiser, wish=wish, approve=True)
    a, b = world.users[:2]
    offered = selectors.wishes_for_member(member=a.member)
    assert list(offered) == [wish]
    services.wish_claim(user=a, wish=wish)
    with pytest.raises(DomainError) as exc:
        services.wish_claim(user=b, wish=wish)
    assert "已被" in " ".join(exc.value.messages)
    claimed_at = Wish.objects.get(pk=wish.pk).claimed_at
    with pytest.raises(DomainError) as exc:
        services.wish_claim(user=a, wish=wish)
    assert exc.value.messages == ["您已认领该心愿。"]
    assert Wish.objects.filter(
        pk=wish.pk, status=WishStatus.CLAIMED, claimed_by=a.member, claimed_at=claimed_at
    ).exists()
    wish.refresh_from_db()
    assert wish.claimed_by == a.member and wish.claimed_for == tree.branch_a1
    with pytest.raises(DomainError):
        services.wish_fulfil(
            user=b, wish=wish, fulfilled_on=timezone.localdate(), note="不是我认领的"
        )
    with pytest.raises(DomainError) as exc:
        services.wish_fulfil(user=a, wish=wish, fulfilled_on=timezone.localdate(), note=" ")
    assert "note" in exc.value.message_dict
    services.wish_fulfil(
        user=a, wish=wish, fulfilled_on=timezone.localdate(), note="已送到老人家中"
    )
    with pytest.raises(DomainError) as exc:
        services.wish_confirm(actor=world.contact, wish=wish, approve=False, reason="")
    assert "reason" in exc.value.message_dict
    services.wish_confirm(actor=world.contact, wish=wish, approve=False, reason="请补充照片")
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and wish.return_reason == "请补充照片"
    assert Message.objects.filter(user=a, body="请补充照片").exists()
    services.wish_fulfil(user=a, wish=wish, fulfilled_on=timezone.localdate(), note="补充了照片")
    services.wish_confirm(actor=world.contact, wish=wish, approve=True)
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED
    assert list(selectors.wall()) == [wish]
    start, end, _label = selectors.period_bounds(str(timezone.localdate().year))
    figures = selectors.statistics(actor=world.organiser, under=None, start=start, end=end)
    assert (figures.wishes_posted, figures.wishes_claimed, figures.wishes_fulfilled) == (1, 1, 1)
    # Another committee's administrator counts none of it.
    other = make_user("yi-dw", grants=[(roles["committee_admin"], tree.committee_b, True)])
    figures = selectors.statistics(actor=other, under=None, start=start, end=end)
    assert (figures.wishes_posted, figures.wishes_claimed, figures.wishes_fulfilled) == (0, 0, 0)


def test_wish_refusals_limits_and_expiry(tree: Tree, world: World) -> None:
    for extra, field in [
        ({"beneficiary": " "}, "beneficiary"),
        ({"estimated_value": "5000"}, "estimated_value"),
        ({"estimated_value": "abc"}, "estimated_value"),
        ({"deadline": timezone.localdate()}, "deadline"),
    ]:
        with pytest.raises(DomainError) as exc:
            post_wish(world, **extra)
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        post_wish(world, actor=world.users[0])  # a member is not the community's contact
    assert not Wish.objects.exists()
    wishes = []
    for i in range(4):
        wish = post_wish(world, title=f"心愿{i}")
        services.wish_review(actor=world.organiser, wish=wish, approve=True)
        wishes.append(wish)
    a = world.users[0]
    for wish in wishes[:3]:
        services.wish_claim(user=a, wish=wish)
    with pytest.raises(DomainError) as exc:
        services.wish_claim(user=a, wish=wishes[3])
    assert "3" in " ".join(exc.value.messages)
    wishes[3].refresh_from_db()
    assert wishes[3].status == WishStatus.PUBLISHED
    # A member of an organisation not linked to the community is not offered it.
    far = make_members(tree.branch_b1, 1)[0]
    far_user = make_user("far")
    type(far).objects.filter(pk=far.pk).update(user=far_user)
    with pytest.raises(DomainError):
        services.wish_claim(user=far_user, wish=wishes[3])
    # Past the deadline an unclaimed wish expires; a claimed one does not.
    Wish.objects.filter(pk__in=[w.pk for w in wishes]).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    assert services.wishes_expire() == 1
    expired = AuditEvent.objects.get(action="volunteer.wish.expire")
    assert expired.target_id == str(wishes[3].pk) and expired.org_id == tree.committee_a.pk
    assert Wish.objects.get(pk=wishes[3].pk).status == WishStatus.EXPIRED
    assert Wish.objects.filter(status=WishStatus.CLAIMED).count() == 3


def test_teams_and_the_list_of_kinds(tree: Tree, world: World, roles: dict[str, Any]) -> None:
    team = services.team_create(
        actor=world.organiser, org=tree.committee_a, name="模法师志愿服务队"
    )
    with pytest.raises(DomainError) as exc:
        services.team_create(actor=world.organiser, org=tree.committee_a, name=" 模法师志愿服务队 ")
    assert "name" in exc.value.message_dict
    far = make_members(tree.branch_b1, 1)[0]
    with pytest.raises(DomainError) as exc:
        services.team_members_set(actor=world.organiser, team=team, add=[far], remove=[])
    assert far.full_name in " ".join(exc.value.messages)
    assert team.members.count() == 0
    services.team_members_set(actor=world.organiser, team=team, add=world.people[:3], remove=[])
    services.team_members_set(actor=world.organiser, team=team, add=[], remove=world.people[:1])
    assert set(team.members.all()) == set(world.people[1:3])
    candidates = selectors.team_candidates(team=team)
    assert world.people[0] in candidates and world.people[1] not in candidates
    # An activity drawing on the team tells its members.
    make_activity(world, tree)  # no team: nobody told
    start = timezone.now() + timedelta(days=2)
    services.activity_create(
        actor=world.organiser,
        org=tree.committee_a,
        kind=world.kind,
        title="普法进校园",
        place="第三十二中学",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=10,
        team=team,
    )
    told = set(
        Message.objects.filter(title__contains="普法进校园").values_list("user_id", flat=True)
    )
    assert told == {world.users[1].pk, world.users[2].pk}

    # Only those organising volunteering at the root keep the list of kinds.
    with pytest.raises(PermissionDenied):
        services.kind_add(actor=world.organiser, name="垃圾分类宣传")
    root_admin = make_user("gw", grants=[(roles["work_committee_admin"], tree.root, True)])
    kind = services.kind_add(actor=root_admin, name="垃圾分类宣传")
    with pytest.raises(DomainError):
        services.kind_add(actor=root_admin, name="垃圾分类宣传")
    services.kind_archive(actor=root_admin, kind=kind)
    with pytest.raises(DomainError):
        services.kind_archive(actor=root_admin, kind=kind)
    assert services.kind_add(actor=root_admin, name="垃圾分类宣传").pk == kind.pk  # back on


def test_hours_rules_are_dated_data(tree: Tree, world: World, roles: dict[str, Any]) -> None:
    from datetime import date

    from mofan.volunteer.models import HoursRule
    from mofan.volunteer.rules import rule_on

    root_admin = make_user("gw2", grants=[(roles["work_committee_admin"], tree.root, True)])
    before = HoursRule.objects.count()
    for kwargs, field in [
        ({"presence_threshold": Decimal("0.05")}, "presence_threshold"),
        ({"star_hours": [100, 300, 300, 1000, 1500]}, "star_hours"),
        ({"star_hours": [100, 300]}, "star_hours"),
        ({"open_claims_per_member": 0}, "open_claims_per_member"),
    ]:
        values: dict[str, Any] = {
            "effective_from": date(2027, 1, 1),
            "presence_threshold": Decimal("0.50"),
            "star_hours": [50, 150, 300, 600, 1000],
            "open_claims_per_member": 2,
        }
        values.update(kwargs)
        with pytest.raises(DomainError) as exc:
            services.hours_rule_add(actor=root_admin, **values)
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.hours_rule_add(
            actor=world.organiser,
            effective_from=date(2027, 1, 1),
            presence_threshold=Decimal("0.50"),
            star_hours=[50, 150, 300, 600, 1000],
            open_claims_per_member=2,
        )
    assert HoursRule.objects.count() == before
    services.hours_rule_add(
        actor=root_admin,
        effective_from=date(2027, 1, 1),
        presence_threshold=Decimal("0.50"),
        star_hours=[50, 150, 300, 600, 1000],
        open_claims_per_member=2,
    )
    assert rule_on(date(2027, 3, 1)).presence_threshold == Decimal("0.50")
    assert rule_on(date(2026, 12, 31)) != rule_on(date(2027, 3, 1))
    # An activity in 2027 takes the new threshold; one in 2026 keeps the old.
    late = make_activity(world, tree, starts_at=timezone.now().replace(year=2027, month=2))
    assert late.presence_threshold == Decimal("0.50")


def test_community_registration_links_the_member_to_its_wishes(
    tree: Tree, world: World, roles: dict[str, Any]
) -> None:
    from mofan.orgs.services import partner_create
    from mofan.volunteer.models import CommunityRegistration, RegistrationState

    far_community = partner_create(
        actor=None, org=tree.committee_b, name="深沟桥社区", kind="community"
    )
    school = partner_create(actor=None, org=tree.committee_b, name="中学", kind="school")
    far_contact = make_user("far-contact")
    from mofan.orgs.models import PartnerContact

    PartnerContact.objects.create(partner=far_community, name="李主任", user=far_contact)
    wish = post_wish(world, community=far_community, actor=None, title="轮椅")
    services.wish_review(actor=None, wish=wish, approve=True)
    a = world.users[0]
    assert list(selectors.wishes_for_member(member=a.member)) == []
    with pytest.raises(DomainError):
        services.registration_submit(user=a, community=school)
    registration = services.registration_submit(user=a, community=far_community)
    assert Message.objects.filter(user=far_contact, title__contains=a.member.full_name).exists()
    with pytest.raises(DomainError):
        services.registration_submit(user=a, community=far_community)
    assert list(selectors.wishes_for_member(member=a.member)) == []  # not confirmed yet
    with pytest.raises(PermissionDenied):
        services.registration_decide(actor=world.contact, registration=registration, approve=True)
    with pytest.raises(DomainError):
        services.registration_decide(
            actor=far_contact, registration=registration, approve=False, note=""
        )
    services.registration_decide(actor=far_contact, registration=registration, approve=True)
    assert list(selectors.wishes_for_member(member=a.member)) == [wish]
    assert services.can_see_wish(a.member, wish)
    # Registering elsewhere ends the first: one community of residence at a time.
    services.registration_submit(user=a, community=world.community)
    assert CommunityRegistration.objects.get(pk=registration.pk).state == RegistrationState.ENDED
    assert list(selectors.wishes_for_member(member=a.member)) == []
    stats = {row.organ: row for row in selectors.registration_stats(actor=world.organiser)}
    assert sum(row.members for row in stats.values()) == 4
    assert sum(row.registered for row in stats.values()) == 0  # the new one awaits confirmation
