"""在职党员进社区报到, the community's side: tasks given, reported, confirmed or returned, and the
yearly evaluation with the hours the community saw."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.orgs.models import PartnerContact
from mofan.orgs.services import partner_create
from mofan.volunteer import selectors, services
from mofan.volunteer.models import (
    CommunityRegistration,
    HoursRule,
    Participation,
    ParticipationState,
    RegistrationEvaluation,
    RegistrationTask,
    TaskState,
    VolunteerActivity,
)
from tests.conftest import Tree, login, make_user
from tests.volunteer.conftest import World, make_activity

pytestmark = pytest.mark.django_db


def registered(world: World, i: int = 0) -> CommunityRegistration:
    registration = services.registration_submit(user=world.users[i], community=world.community)
    return services.registration_decide(
        actor=world.contact, registration=registration, approve=True
    )


def test_a_task_goes_only_to_a_confirmed_registration(world: World) -> None:
    pending = services.registration_submit(user=world.users[1], community=world.community)
    with pytest.raises(DomainError, match="确认"):
        services.registration_task_assign(actor=world.contact, registration=pending, title="巡查")
    registration = registered(world)
    with pytest.raises(DomainError):
        services.registration_task_assign(actor=world.contact, registration=registration, title=" ")
    with pytest.raises(DomainError):
        services.registration_task_assign(
            actor=world.contact,
            registration=registration,
            title="巡查",
            due_on=timezone.localdate() - timedelta(days=1),
        )
    task = services.registration_task_assign(
        actor=world.contact, registration=registration, title="楼栋 安全  巡查", detail="每周一次"
    )
    assert task.state == TaskState.ASSIGNED and task.title == "楼栋 安全 巡查"
    assert AuditEvent.objects.filter(action="volunteer.task.assign").count() == 1
    # The member is told.
    assert world.users[0].inbox_messages.filter(title__contains="楼栋 安全 巡查").exists()


def test_only_the_communitys_contact_or_staff_give_tasks(world: World, tree: Tree) -> None:
    registration = registered(world)
    other = partner_create(actor=None, org=tree.committee_b, name="深沟桥社区", kind="community")
    stranger = make_user("other-contact")
    PartnerContact.objects.create(partner=other, name="李主任", user=stranger)
    with pytest.raises(Exception) as refused:
        services.registration_task_assign(actor=stranger, registration=registration, title="巡查")
    assert "无权" in str(refused.value)
    # Staff of the managing organisation (who review the community's wishes) may.
    services.registration_task_assign(
        actor=world.organiser, registration=registration, title="巡查"
    )
    assert RegistrationTask.objects.count() == 1


def test_report_confirm_and_return(world: World) -> None:
    registration = registered(world)
    task = services.registration_task_assign(
        actor=world.contact, registration=registration, title="垃圾分类宣传"
    )
    # Only the member the task was given to reports it.
    registered(world, 1)
    with pytest.raises(DomainError, match="别人"):
        services.registration_task_report(
            user=world.users[1], task=task, hours=Decimal(2), report="做了"
        )
    for hours in (Decimal("0.2"), Decimal(25)):
        with pytest.raises(DomainError):
            services.registration_task_report(
                user=world.users[0], task=task, hours=hours, report="做了"
            )
    with pytest.raises(DomainError):
        services.registration_task_report(
            user=world.users[0], task=task, hours=Decimal(2), report=""
        )
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED and task.hours is None  # nothing written
    services.registration_task_report(
        user=world.users[0], task=task, hours=Decimal("2.5"), report="入户宣传三十户"
    )
    # Confirming twice or reporting twice is refused by the transition table.
    with pytest.raises(DomainError):
        services.registration_task_report(
            user=world.users[0], task=task, hours=Decimal(1), report="再报"
        )
    with pytest.raises(DomainError, match="原因"):
        services.registration_task_decide(actor=world.contact, task=task, confirm=False)
    services.registration_task_decide(
        actor=world.contact, task=task, confirm=False, note="请补照片"
    )
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED and task.note == "请补照片"
    services.registration_task_report(
        user=world.users[0], task=task, hours=Decimal("2.5"), report="入户宣传三十户，附照片"
    )
    services.registration_task_decide(actor=world.contact, task=task, confirm=True)
    task.refresh_from_db()
    assert task.state == TaskState.CONFIRMED and task.confirmed_at is not None
    with pytest.raises(DomainError):
        services.registration_task_decide(actor=world.contact, task=task, confirm=True)
    with pytest.raises(DomainError):
        services.registration_task_cancel(actor=world.contact, task=task, note="不需要了")


def test_year_hours_count_confirmed_tasks_and_activities_serving_the_community(
    world: World, tree: Tree
) -> None:
    registration = registered(world)
    done = services.registration_task_assign(
        actor=world.contact, registration=registration, title="巡查"
    )
    services.registration_task_report(
        user=world.users[0], task=done, hours=Decimal(3), report="巡查"
    )
    services.registration_task_decide(actor=world.contact, task=done, confirm=True)
    unconfirmed = services.registration_task_assign(
        actor=world.contact, registration=registration, title="宣传"
    )
    services.registration_task_report(
        user=world.users[0], task=unconfirmed, hours=Decimal(5), report="宣传"
    )
    now = timezone.now()
    served = make_activity(world, tree, starts_at=now.replace(month=1, day=10, hour=9))
    Participation.objects.create(
        activity=served,
        member=world.people[0],
        state=ParticipationState.SIGNED_UP,
        signed_up_at=now,
        hours=Decimal("1.75"),
        confirmed_at=now,
    )
    elsewhere = partner_create(
        actor=None, org=tree.committee_a, name="深沟桥社区", kind="community"
    )
    other = make_activity(world, tree, starts_at=now.replace(month=1, day=11, hour=9))
    VolunteerActivity.objects.filter(pk=other.pk).update(partner=elsewhere)
    Participation.objects.create(
        activity=other,
        member=world.people[0],
        state=ParticipationState.SIGNED_UP,
        signed_up_at=now,
        hours=Decimal(4),
        confirmed_at=now,
    )
    hours = selectors.registration_year_hours(registrations=[registration], year=now.year)
    assert hours[registration.pk] == Decimal("4.75")  # 3 confirmed + 1.75 here; not 5, not 4
    assert selectors.registration_year_hours(registrations=[registration], year=now.year - 1)[
        registration.pk
    ] == Decimal(0)
    # The roster flags a member below the yearly target in force.
    HoursRule.objects.create(
        effective_from=now.date().replace(month=1, day=1),
        star_hours=[100, 300, 600, 1000, 1500],
        registration_hours_target=5,
    )
    row = selectors.community_roster(community=world.community, year=now.year)[0]
    assert row.hours == Decimal("4.75") and row.below_target and row.confirmed_tasks == 1
    assert [t.title for t in row.open_tasks] == ["宣传"]


def test_evaluation_once_a_year_with_the_hours_seen(world: World) -> None:
    registration = registered(world)
    year = timezone.localdate().year
    with pytest.raises(DomainError):
        services.registration_evaluate(
            actor=world.contact, registration=registration, year=year + 1, grade="good"
        )
    with pytest.raises(DomainError):
        services.registration_evaluate(
            actor=world.contact, registration=registration, year=year - 1, grade="good"
        )  # before the registration
    with pytest.raises(DomainError, match="说明"):
        services.registration_evaluate(
            actor=world.contact, registration=registration, year=year, grade="poor"
        )
    with pytest.raises(DomainError):
        services.registration_evaluate(
            actor=world.contact, registration=registration, year=year, grade="superb"
        )
    evaluation = services.registration_evaluate(
        actor=world.contact, registration=registration, year=year, grade="excellent", comment="积极"
    )
    assert evaluation.hours == Decimal(0) and evaluation.grade == "excellent"
    with pytest.raises(DomainError, match="已"):
        services.registration_evaluate(
            actor=world.contact, registration=registration, year=year, grade="good"
        )
    assert RegistrationEvaluation.objects.count() == 1
    assert world.users[0].inbox_messages.filter(title__contains="优秀").exists()


def test_pages_of_the_community_and_the_member(client: Client, world: World, tree: Tree) -> None:
    registration = registered(world)
    login(client, world.contact)
    mine = client.get("/volunteer/").content.decode()
    assert f"/volunteer/communities/{world.community.pk}/" in mine
    page = client.get(f"/volunteer/communities/{world.community.pk}/").content.decode()
    assert world.people[0].full_name in page
    response = client.post(
        f"/volunteer/registrations/{registration.pk}/tasks/", {"title": "楼道清理", "due_on": ""}
    )
    assert response.status_code == 302
    task = RegistrationTask.objects.get()
    login(client, world.users[0])
    assert "楼道清理" in client.get("/volunteer/").content.decode()
    bad = client.post(f"/volunteer/tasks/{task.pk}/report/", {"hours": "abc", "report": "x"})
    assert bad.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED
    client.post(f"/volunteer/tasks/{task.pk}/report/", {"hours": "1.5", "report": "清理三层"})
    task.refresh_from_db()
    assert task.state == TaskState.REPORTED and task.hours == Decimal("1.5")
    # The member cannot confirm their own hours, nor see the community's page.
    assert client.post(f"/volunteer/tasks/{task.pk}/confirm/").status_code == 404
    assert client.get(f"/volunteer/communities/{world.community.pk}/").status_code == 404
    login(client, world.contact)
    client.post(f"/volunteer/tasks/{task.pk}/confirm/")
    task.refresh_from_db()
    assert task.state == TaskState.CONFIRMED
    year = timezone.localdate().year
    client.post(
        f"/volunteer/registrations/{registration.pk}/evaluate/",
        {"year": str(year), "grade": "good", "comment": ""},
    )
    evaluation = RegistrationEvaluation.objects.get()
    assert evaluation.hours == Decimal("1.5")
    page = client.get(f"/volunteer/communities/{world.community.pk}/").content.decode()
    assert "良好" in page
    # Another community's contact sees none of it.
    other = partner_create(actor=None, org=tree.committee_b, name="深沟桥社区", kind="community")
    stranger = make_user("other-contact")
    PartnerContact.objects.create(partner=other, name="李主任", user=stranger)
    login(client, stranger)
    assert client.get(f"/volunteer/communities/{world.community.pk}/").status_code == 404
    assert (
        client.post(
            f"/volunteer/registrations/{registration.pk}/tasks/", {"title": "越权"}
        ).status_code
        == 404
    )
    # The statistics page lists the community with its evaluation count.
    login(client, world.organiser)
    stats = client.get("/volunteer/registrations/").content.decode()
    assert "桥门社区" in stats and f"/volunteer/communities/{world.community.pk}/" in stats


def test_the_community_page_costs_the_same_queries_whatever_the_roster(
    client: Client, world: World, tree: Tree
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_members

    url = f"/volunteer/communities/{world.community.pk}/"
    login(client, world.contact)

    def grow(users: list) -> None:
        for user in users:
            registration = services.registration_submit(user=user, community=world.community)
            services.registration_decide(
                actor=world.contact, registration=registration, approve=True
            )
            task = services.registration_task_assign(
                actor=world.contact, registration=registration, title="巡查"
            )
            services.registration_task_report(user=user, task=task, hours=Decimal(1), report="巡")
            services.registration_evaluate(
                actor=world.contact,
                registration=registration,
                year=timezone.localdate().year,
                grade="good",
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grow(world.users[:2])
    count()  # the first request after signing in also touches the session
    small = count()
    more = []
    for i, person in enumerate(make_members(tree.branch_a1, 6)):
        user = make_user(f"more{i}")
        type(person).objects.filter(pk=person.pk).update(user=user)
        more.append(user)
    grow(more)
    page = client.get(url).content.decode()
    assert page.count('data-testid="registered-member"') == 8
    assert count() == small


def test_december_reminder_to_evaluate_goes_once(world: World) -> None:
    from mofan.volunteer.tasks import remind_evaluations

    first = registered(world)
    registered(world, 1)
    december = timezone.localdate().replace(month=12, day=1)
    assert remind_evaluations(december) == 1
    message = world.contact.inbox_messages.get(dedupe_key__startswith="registration-evaluation")
    assert "2" in message.title and f"/volunteer/communities/{world.community.pk}/" in message.link
    assert remind_evaluations(december) == 0  # once a year
    services.registration_evaluate(
        actor=world.contact, registration=first, year=december.year, grade="good"
    )
    services.registration_evaluate(
        actor=world.contact,
        registration=CommunityRegistration.objects.exclude(pk=first.pk).get(),
        year=december.year,
        grade="good",
    )
    next_year = december.replace(year=december.year + 1)
    assert remind_evaluations(next_year) == 1  # a new year: nobody evaluated for it yet
