"""Legal-counsellor appointments: the term (five years by default), class hours against the
≥ 4 a year rule at its edges, the more-than-two-schools warning, ending early, the reminder."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent, Message
from mofan.lawedu import rules
from mofan.lawedu.models import Appointment, AppointmentRule
from mofan.lawedu.selectors import appointment_list, class_hours
from mofan.lawedu.services import appointment_create, appointment_end
from mofan.lawedu.tasks import remind_appointment_ends
from mofan.orgs.services import partner_create
from tests.conftest import Tree, make_user
from tests.lawedu.factories import legal_project, person, school, session

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(tree: Tree) -> dict[str, Any]:
    project, topic = legal_project(tree.committee_a)
    return {
        "project": project,
        "topic": topic,
        "lawyer": person(project, "张律师"),
        "police": person(project, "李警官", unit="强制隔离戒毒所"),
        "school": school(tree.committee_a),
        "other": school(tree.committee_a, "第十中学"),
    }


def test_default_term_is_five_years(world: dict[str, Any]) -> None:
    a = appointment_create(
        actor=None, person=world["lawyer"], partner=world["school"], starts_on=date(2022, 3, 1)
    )
    assert (a.starts_on, a.ends_on) == (date(2022, 3, 1), date(2027, 2, 28))
    assert rules.default_end(date(2024, 2, 29)) == date(2029, 2, 27)
    event = AuditEvent.objects.get(action="lawedu.appointment.create")
    assert event.changes["ends_on"] == [None, "2027-02-28"]


def test_the_default_term_is_data(world: dict[str, Any]) -> None:
    AppointmentRule.objects.create(effective_from=date(2030, 1, 1), term_years=3)
    a = appointment_create(
        actor=None, person=world["lawyer"], partner=world["school"], starts_on=date(2030, 9, 1)
    )
    assert a.ends_on == date(2033, 8, 31)


@pytest.mark.parametrize("ends_on", [date(2022, 3, 1), date(2022, 2, 28)])
def test_the_term_ends_after_it_starts(world: dict[str, Any], ends_on: date) -> None:
    with pytest.raises(DomainError) as exc:
        appointment_create(
            actor=None,
            person=world["lawyer"],
            partner=world["school"],
            starts_on=date(2022, 3, 1),
            ends_on=ends_on,
        )
    assert exc.value.message_dict == {"ends_on": ["聘期结束日期须晚于开始日期。"]}
    assert Appointment.objects.count() == 0


def test_one_appointment_at_a_time_at_one_school(world: dict[str, Any]) -> None:
    first = appointment_create(
        actor=None, person=world["lawyer"], partner=world["school"], starts_on=date(2022, 3, 1)
    )
    with pytest.raises(DomainError):
        appointment_create(
            actor=None,
            person=world["lawyer"],
            partner=world["school"],
            starts_on=date(2026, 9, 1),
        )
    # The renewal after the term is allowed.
    appointment_create(
        actor=None,
        person=world["lawyer"],
        partner=world["school"],
        starts_on=first.ends_on + timedelta(days=1),
    )
    assert Appointment.objects.count() == 2


def _delivered(world: dict[str, Any], when: datetime, teacher: str = "lawyer", **kw: Any) -> Any:
    return session(
        world["project"],
        world["topic"],
        kw.pop("partner", world["school"]),
        at=when,
        taught_by=[world[teacher]],
        **kw,
    )


def test_class_hours_count_delivered_sessions_of_the_year(world: dict[str, Any]) -> None:
    lawyer, partner = world["lawyer"], world["school"]
    pair = (lawyer.pk, partner.pk)
    for month in (3, 5, 9):
        _delivered(world, datetime(2025, month, 10, 15, tzinfo=SHANGHAI))
    assert class_hours({pair}, 2025) == {pair: 3}
    assert not rules.hours_met(3)
    # Confirmed counts as well; the fourth reaches the rule.
    _delivered(world, datetime(2025, 11, 10, 15, tzinfo=SHANGHAI), state="confirmed")
    assert class_hours({pair}, 2025) == {pair: 4}
    assert rules.hours_met(4)


def test_class_hours_leave_out_other_years_and_undelivered_sessions(
    world: dict[str, Any],
) -> None:
    lawyer, partner = world["lawyer"], world["school"]
    pair = (lawyer.pk, partner.pk)
    _delivered(world, datetime(2024, 12, 31, 23, 30, tzinfo=SHANGHAI))  # last year
    _delivered(world, datetime(2025, 1, 1, 0, 30, tzinfo=SHANGHAI))  # this year
    _delivered(world, datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI))  # next year
    _delivered(world, datetime(2025, 6, 1, 10, tzinfo=SHANGHAI), state="scheduled")
    _delivered(world, datetime(2025, 6, 2, 10, tzinfo=SHANGHAI), state="prepared")
    _delivered(world, datetime(2025, 6, 3, 10, tzinfo=SHANGHAI), teacher="police")
    _delivered(world, datetime(2025, 6, 4, 10, tzinfo=SHANGHAI), partner=world["other"])
    assert class_hours({pair}, 2025) == {pair: 1}
    assert class_hours({pair}, 2024) == {pair: 1}


def test_list_shows_hours_this_year_and_a_warning_below_four(
    world: dict[str, Any], tree: Tree, roles: Any
) -> None:
    admin = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    today = timezone.localdate()
    appointment_create(
        actor=admin,
        person=world["lawyer"],
        partner=world["school"],
        starts_on=today - timedelta(days=400),
    )
    appointment_create(
        actor=admin,
        person=world["police"],
        partner=world["school"],
        starts_on=today - timedelta(days=30),
    )
    now = timezone.now()
    for minutes in (10, 20, 30, 40):
        _delivered(world, now - timedelta(minutes=minutes))
    rows = {a.person.name: a for a in appointment_list(actor=admin)}
    assert (rows["张律师"].hours, rows["张律师"].hours_met) == (4, True)
    assert (rows["李警官"].hours, rows["李警官"].hours_met) == (0, False)
    outsider = make_user("b", grants=[(roles["committee_admin"], tree.committee_b, True)])
    assert appointment_list(actor=outsider) == []


def test_more_than_two_schools_at_once_is_warned(
    world: dict[str, Any], tree: Tree, roles: Any
) -> None:
    admin = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    today = timezone.localdate()
    third = school(tree.committee_a, "第五中学")
    start = today - timedelta(days=10)
    for partner in (world["school"], world["other"]):
        appointment_create(actor=None, person=world["lawyer"], partner=partner, starts_on=start)
    rows = appointment_list(actor=admin, today=today)
    assert {(a.schools_now, a.too_many) for a in rows} == {(2, False)}
    extra = appointment_create(actor=None, person=world["lawyer"], partner=third, starts_on=start)
    rows = appointment_list(actor=admin, today=today)
    assert {(a.schools_now, a.too_many) for a in rows} == {(3, True)}
    # A community's holiday class is not a school: it does not count.
    appointment_create(
        actor=None,
        person=world["lawyer"],
        partner=partner_create(actor=None, org=tree.committee_a, name="假期班", kind="other"),
        starts_on=start,
    )
    rows = appointment_list(actor=admin, today=today)
    assert {(a.schools_now, a.too_many) for a in rows} == {(3, True)}
    # One of them ended early: two again.
    appointment_end(
        actor=None, appointment=extra, ended_on=today - timedelta(days=1), reason="调动"
    )
    rows = appointment_list(actor=admin, today=today)
    assert {(a.schools_now, a.too_many) for a in rows if a.serving} == {(2, False)}


def test_the_same_member_in_two_teams_is_one_person(
    world: dict[str, Any], tree: Tree, roles: Any
) -> None:
    admin = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    from mofan.cobuild.services import project_member_add
    from tests.conftest import make_members

    member = make_members(tree.branch_a1, 1)[0]
    second, _topic = legal_project(tree.committee_a, "禁毒宣讲")
    start = timezone.localdate() - timedelta(days=5)
    a = project_member_add(actor=None, project=world["project"], member=member)
    b = project_member_add(actor=None, project=second, member=member)
    appointment_create(actor=None, person=a, partner=world["school"], starts_on=start)
    appointment_create(actor=None, person=a, partner=world["other"], starts_on=start)
    appointment_create(
        actor=None, person=b, partner=school(tree.committee_a, "第五中学"), starts_on=start
    )
    assert {x.too_many for x in appointment_list(actor=admin)} == {True}


def test_end_early_with_reason(world: dict[str, Any]) -> None:
    today = timezone.localdate()
    a = appointment_create(
        actor=None,
        person=world["lawyer"],
        partner=world["school"],
        starts_on=today - timedelta(days=100),
    )
    events = AuditEvent.objects.count()
    for ended_on, reason, message in [
        (today, " ", "请说明原因。"),
        (today - timedelta(days=101), "调动", "聘任不能在开始之前终止。"),
        (today + timedelta(days=1), "调动", "日期不能晚于今天。"),
        (a.ends_on, "调动", "这不是提前终止：聘期在当天或之前已结束。"),
    ]:
        with pytest.raises(DomainError) as exc:
            appointment_end(actor=None, appointment=a, ended_on=ended_on, reason=reason)
        assert exc.value.messages == [message]
    a.refresh_from_db()
    assert a.ended_on is None and AuditEvent.objects.count() == events
    appointment_end(actor=None, appointment=a, ended_on=today, reason="工作调动")
    a.refresh_from_db()
    assert (a.ended_on, a.end_reason, a.last_day) == (today, "工作调动", today)
    with pytest.raises(DomainError):
        appointment_end(actor=None, appointment=a, ended_on=today, reason="再次")


def test_reminder_before_the_term_ends_is_sent_once(
    world: dict[str, Any], tree: Tree, roles: Any
) -> None:
    keeper = make_user("keeper", grants=[(roles["committee_admin"], tree.committee_a, True)])
    make_user("other", grants=[(roles["committee_admin"], tree.committee_b, True)])
    today = date(2027, 1, 5)
    soon = appointment_create(
        actor=None, person=world["lawyer"], partner=world["school"], starts_on=date(2022, 3, 1)
    )  # ends 2027-02-28: 54 days later
    later = appointment_create(
        actor=None, person=world["police"], partner=world["school"], starts_on=date(2022, 9, 1)
    )  # ends 2027-08-31
    assert remind_appointment_ends(today) == 1
    assert remind_appointment_ends(today) == 0
    message = Message.objects.get()
    assert message.user_id == keeper.pk
    assert message.title == "法治辅导员聘期将于2027年2月28日届满：第三十二中学 张律师"
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.reminded_at is not None and later.reminded_at is None
