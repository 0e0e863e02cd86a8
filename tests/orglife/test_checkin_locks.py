"""Check-ins take a share lock on the meeting (PostgreSQL): they do not queue behind each
other, and a status change still waits for the check-ins in progress."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from mofan.members.models import Member
from mofan.orglife import services
from mofan.orglife.models import Attendance, AttendanceStatus, MeetingStatus
from tests.conftest import Tree, make_members, make_user
from tests.orglife.test_checkin import meeting_now

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(action) -> threading.Thread:  # type: ignore[no-untyped-def]
    def run() -> None:
        try:
            action()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every writer by design"
)
def test_check_ins_do_not_wait_for_each_other_but_a_cancel_waits(tree: Tree) -> None:
    people = make_members(tree.branch_a1, 2)
    users = [make_user(f"phone{i}") for i in range(2)]
    for person, user in zip(people, users, strict=True):
        Member.objects.filter(pk=person.pk).update(user=user)
    meeting = meeting_now(tree)
    holding, release = threading.Event(), threading.Event()

    def first_check_in_in_progress() -> None:
        with transaction.atomic():
            services._meeting_for_check_in(meeting)
            holding.set()
            release.wait(20)

    holder = in_thread(first_check_in_in_progress)
    assert holding.wait(10)
    counted: list[bool] = []
    second = in_thread(
        lambda: counted.append(services.attendance_self_check_in(user=users[1], meeting=meeting)[1])
    )
    second.join(10)
    assert not second.is_alive() and counted == [True]  # it did not wait for the first

    cancel = in_thread(
        lambda: services.meeting_set_status(
            actor=None, meeting=meeting, status=MeetingStatus.CANCELLED
        )
    )
    cancel.join(1.5)
    assert cancel.is_alive()  # the status change waits for the check-in in progress
    release.set()
    holder.join(10)
    cancel.join(10)
    assert not cancel.is_alive()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    row = Attendance.objects.get(meeting=meeting, member=people[1])
    assert row.status == AttendanceStatus.PRESENT
