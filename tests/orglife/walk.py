"""Organisational life's part of the authorization walk and of the query-count test (see
tests/test_authorization_walk.py): a meeting of side A's first branch with an attachment, an
appraisal, and the target user's calendar feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mofan.accounts.models import Role
from mofan.core.checkin import make_token
from mofan.orglife.models import AppraisalEntry, Attendance, HeartTalk, Meeting, MeetingAttachment
from mofan.orglife.services import (
    appraisal_open,
    attachment_add,
    calendar_feed_reset,
    heart_talk_record,
    meeting_schedule,
    meeting_submit,
)
from tests.conftest import Post, Tree, World


def _check_in_code(world: World) -> str:
    # Made when the URL is made: a check-in code lives a minute, the world may be older.
    return make_token("orglife.meeting", world["meeting_id"])


# URL arguments that are not rows: argument name → its value, worked out from the world.
URL_ARGS: dict[str, Any] = {"token": _check_in_code}
# Views whose objects belong to no organisation: a holder anywhere is a holder.
SYSTEM_WIDE: set[str] = set()
# (page, the role that uses it, most queries allowed)
QUERY_PAGES = [
    ("orglife:list", "work_committee_admin", 12),
    ("orglife:compliance", "work_committee_admin", 14),
    ("orglife:reviews", "work_committee_admin", 12),
    ("orglife:appraisals", "work_committee_admin", 12),
    ("orglife:talks", "work_committee_admin", 12),
    ("orglife:dual_life", "work_committee_admin", 12),
]


def build(world: World, tree: Tree, roles: dict[str, Role]) -> None:
    meeting = meeting_schedule(
        actor=None,
        org=tree.branch_a1,
        kind="themed_party_day",
        topic="主题党日",
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=2),
    )
    attachment = attachment_add(
        actor=None,
        meeting=meeting,
        upload=SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n%walk\n"),
    )
    appraisal = appraisal_open(actor=None, org=tree.branch_a1, year=2026)
    world.update(
        {
            "meeting_id": meeting.pk,
            "attendance_id": meeting.attendances.first().pk,
            "attachment_id": attachment.pk,
            "appraisal_id": appraisal.pk,
            "feed_token": calendar_feed_reset(user=world["_target"]).token,
        }
    )


def snapshot() -> tuple[Any, ...]:
    return (
        Meeting.objects.filter(status="scheduled").count(),
        Attendance.objects.exclude(status="expected").count(),
        MeetingAttachment.objects.filter(removed_at__isnull=True).count(),
        Meeting.objects.exclude(review_state="not_submitted").count(),
        AppraisalEntry.objects.count(),
        AppraisalEntry.objects.exclude(proposed_grade="", grade="").count(),
        HeartTalk.objects.count(),
    )


def outsider_posts(world: World, tree: Tree) -> list[Post]:
    meeting = world["meeting_id"]
    return [
        Post(reverse("orglife:status", args=[meeting]), {"status": "cancelled"}),
        Post(reverse("orglife:leave_decide", args=[world["attendance_id"]]), {"approve": "1"}),
        Post(reverse("orglife:minutes", args=[meeting]), {"minutes": "篡改"}),
        Post(
            reverse("orglife:resolution", args=[meeting]),
            {"text": "越权", "votes_for": 1, "votes_against": 0, "abstentions": 0},
        ),
        Post(
            reverse("orglife:attendance", args=[meeting]),
            {"member": world["member_id"], "status": "present"},
        ),
        Post(reverse("orglife:submit", args=[meeting]), {}),
        Post(reverse("orglife:review", args=[meeting]), {"decision": "approve"}),
        Post(
            reverse("orglife:attach", args=[meeting]),
            {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n")},
        ),
        Post(reverse("orglife:attachment_remove", args=[world["attachment_id"]]), {}),
        Post(
            reverse("orglife:appraisal_grades", args=[world["appraisal_id"]]),
            {"action": "conclude"},
        ),
        Post(
            reverse("orglife:talk_create", args=[world["org_id"]]),
            {"summary": "越权", "talked_on": "2026-01-01"},
        ),
        Post(
            reverse("orglife:appraisal_open"),
            {"org": world["org_id"], "year": 2025},
            answers=frozenset({200}),
            form_error="org",
        ),
    ]


def grow(rows: World, tree: Tree, roles: dict[str, Role]) -> None:
    """A held, submitted meeting, an appraisal and a heart-to-heart talk of the branch."""
    branch, people = rows["branch"], rows["people"]
    held = meeting_schedule(
        actor=None,
        org=branch,
        kind="themed_party_day",
        topic="主题党日",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3, hours=-2),
    )
    meeting_submit(actor=None, meeting=held)
    appraisal_open(actor=None, org=branch, year=timezone.localdate().year)
    heart_talk_record(
        actor=None,
        org=branch,
        initiator=people[0],
        counterpart=people[1],
        talked_on=timezone.localdate(),
        summary="谈心",
    )
