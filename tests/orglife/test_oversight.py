"""Oversight by the level above (审阅/审核, return and resubmit) and attachments to minutes."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from mofan.accounts.models import Role
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent, Message
from mofan.orglife import selectors, services
from mofan.orglife.documents import minutes_docx
from mofan.orglife.models import (
    AttendanceStatus,
    Meeting,
    MeetingAttachment,
    MeetingKind,
    ReviewState,
)
from tests.conftest import Tree, make_members, make_user, png_bytes
from tests.orglife.test_services import at, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree: Tree, roles: dict[str, Role]) -> dict[str, Any]:
    return {
        "secretary": make_user("sec", grants=[(roles["branch_secretary"], tree.branch_a1, True)]),
        "committee": make_user("dw", grants=[(roles["committee_admin"], tree.committee_a, True)]),
        "other": make_user("yi", grants=[(roles["committee_admin"], tree.committee_b, True)]),
        # A committee administrator granted on the branch itself is not the level above it.
        "same_level": make_user("same", grants=[(roles["committee_admin"], tree.branch_a1, True)]),
    }


@pytest.fixture
def held(tree: Tree) -> Meeting:
    make_members(tree.branch_a1, 3)
    return schedule(tree.branch_a1, MeetingKind.PARTY_LESSON, at(2026, 3, 5))


def test_submit_return_correct_resubmit_approve(
    tree: Tree, people: dict[str, Any], held: Meeting
) -> None:
    secretary, committee = people["secretary"], people["committee"]
    services.meeting_submit(actor=secretary, meeting=held)
    held.refresh_from_db()
    assert held.review_state == ReviewState.SUBMITTED
    # The level above is told, and sees it in its queue; the other committee does not.
    assert Message.objects.filter(user=committee, title__contains=held.topic).exists()
    assert list(selectors.review_queue(actor=committee)) == [held]
    assert list(selectors.review_queue(actor=people["other"])) == []
    assert list(selectors.review_queue(actor=people["same_level"])) == []

    # Locked while with the level above.
    member = held.attendances.first().member
    with pytest.raises(DomainError) as exc:
        services.minutes_save(actor=secretary, meeting=held, minutes="<p>改</p>")
    assert "退回" in " ".join(exc.value.messages)
    with pytest.raises(DomainError):
        services.attendance_record(
            actor=secretary, meeting=held, member=member, status=AttendanceStatus.PRESENT
        )
    held.refresh_from_db()
    assert held.minutes == "" and held.attendances.filter(status="present").count() == 0

    # A return needs a comment; nothing changes without one.
    with pytest.raises(DomainError) as exc:
        services.meeting_review(actor=committee, meeting=held, approve=False, comment=" ")
    assert exc.value.message_dict["comment"]
    held.refresh_from_db()
    assert held.review_state == ReviewState.SUBMITTED

    services.meeting_review(actor=committee, meeting=held, approve=False, comment="缺少会议记录")
    held.refresh_from_db()
    assert held.review_state == ReviewState.RETURNED
    assert Message.objects.filter(user=secretary, body="缺少会议记录").exists()

    # The branch corrects and resubmits.
    services.minutes_save(actor=secretary, meeting=held, minutes="<p>学习了党章</p>")
    services.meeting_submit(actor=secretary, meeting=held)
    services.meeting_review(actor=committee, meeting=held, approve=True)
    held.refresh_from_db()
    assert held.review_state == ReviewState.APPROVED
    steps = [s.action for s in selectors.review_steps(meeting=held)]
    assert steps == ["submit", "return", "resubmit", "approve"]
    actions = list(
        AuditEvent.objects.filter(action__startswith="orglife.review.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "orglife.review.submit",
        "orglife.review.return",
        "orglife.review.resubmit",
        "orglife.review.approve",
    ]
    # Approved is final.
    with pytest.raises(DomainError) as exc:
        services.meeting_review(actor=committee, meeting=held, approve=False, comment="再改")
    assert "审核通过" in " ".join(exc.value.messages) or "已通过" in " ".join(exc.value.messages)


def test_acknowledge_is_final_and_only_from_above(
    tree: Tree, people: dict[str, Any], held: Meeting
) -> None:
    services.meeting_submit(actor=people["secretary"], meeting=held)
    for outsider in (people["other"], people["same_level"], people["secretary"]):
        with pytest.raises(PermissionDenied):
            services.meeting_acknowledge(actor=outsider, meeting=held)
    held.refresh_from_db()
    assert held.review_state == ReviewState.SUBMITTED
    services.meeting_acknowledge(actor=people["committee"], meeting=held, comment="已阅")
    held.refresh_from_db()
    assert held.review_state == ReviewState.ACKNOWLEDGED
    with pytest.raises(DomainError):
        services.meeting_submit(actor=people["secretary"], meeting=held)


def test_only_held_meetings_are_submitted(tree: Tree, people: dict[str, Any]) -> None:
    make_members(tree.branch_a1, 2)
    from django.utils import timezone

    future = schedule(
        tree.branch_a1, MeetingKind.THEMED_PARTY_DAY, timezone.now() + timedelta(days=2)
    )
    with pytest.raises(DomainError) as exc:
        services.meeting_submit(actor=people["secretary"], meeting=future)
    assert "召开" in " ".join(exc.value.messages)
    future.refresh_from_db()
    assert future.review_state == ReviewState.NOT_SUBMITTED and not future.reviews.exists()


def test_attachments_checked_by_content_kept_and_in_the_word_file(
    tree: Tree, people: dict[str, Any], held: Meeting
) -> None:
    secretary = people["secretary"]
    photo = services.attachment_add(
        actor=secretary,
        meeting=held,
        upload=SimpleUploadedFile("签到表.png", png_bytes(), content_type="image/png"),
        caption="签到表",
    )
    assert photo.content_type == "image/png" and photo.name == "签到表.png"
    assert photo.file.name.endswith(".png") and "签到表" not in photo.file.name
    pdf = services.attachment_add(
        actor=secretary,
        meeting=held,
        upload=SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf"),
    )
    # A script called a picture, an empty file, a file too large: refused, nothing kept.
    for name, content in [
        ("evil.png", b"<script>alert(1)</script>"),
        ("empty.jpg", b""),
        ("huge.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
    ]:
        with pytest.raises(DomainError) as exc:
            services.attachment_add(
                actor=secretary, meeting=held, upload=SimpleUploadedFile(name, content)
            )
        assert exc.value.message_dict["file"]
    assert MeetingAttachment.objects.count() == 2
    # Out of scope: refused.
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            actor=people["other"],
            meeting=held,
            upload=SimpleUploadedFile("a.png", png_bytes()),
        )
    document = Document(BytesIO(minutes_docx(held)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "附件" in text and "1. 签到表" in text and "2. 材料.pdf" in text
    assert len(document.inline_shapes) == 1  # the photo, not the PDF

    services.attachment_remove(actor=secretary, attachment=pdf)
    assert [a.name for a in selectors.attachment_list(meeting=held)] == ["签到表.png"]
    with pytest.raises(DomainError):
        services.attachment_remove(actor=secretary, attachment=pdf)
    # Once submitted, attachments are locked too.
    services.meeting_submit(actor=secretary, meeting=held)
    with pytest.raises(DomainError):
        services.attachment_remove(actor=secretary, attachment=photo)


def test_attachment_pages(tree: Tree, people: dict[str, Any], held: Meeting, client: Any) -> None:
    client.force_login(people["secretary"])
    upload = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    response = client.post(f"/orglife/{held.pk}/attachments/", {"file": upload, "caption": "现场"})
    assert response.status_code == 302
    attachment = MeetingAttachment.objects.get()
    response = client.get(f"/orglife/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(f"/orglife/{held.pk}/attachments/", {"file": bad}, follow=True)
    assert "只接受" in response.content.decode()
    assert MeetingAttachment.objects.count() == 1
    client.force_login(people["other"])
    assert client.get(f"/orglife/attachments/{attachment.pk}/").status_code == 404
