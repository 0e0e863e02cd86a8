"""Files kept with a meeting's minutes (photos, scans, PDFs)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record
from mofan.core.errors import DomainError
from mofan.core.uploads import check_upload
from mofan.orglife import permissions as perms
from mofan.orglife.models import (
    Meeting,
    MeetingAttachment,
    MeetingStatus,
)
from mofan.orglife.services.meetings import (
    _meeting_for_update,
    _require_editable,
)

ATTACHMENTS_PER_MEETING = 30


@transaction.atomic
def attachment_add(
    *, actor: Any, meeting: Meeting, upload: UploadedFile | None, caption: str = ""
) -> MeetingAttachment:
    """Keep a photo, scan or PDF with the minutes. Only JPEG, PNG and PDF are accepted, by
    their content."""
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled."))
    _require_editable(meeting)
    checked = check_upload(upload)
    if meeting.attachments.filter(removed_at__isnull=True).count() >= ATTACHMENTS_PER_MEETING:
        raise DomainError(
            {
                "file": _("A meeting keeps at most %(n)d attachments.")
                % {"n": ATTACHMENTS_PER_MEETING}
            }
        )
    attachment = MeetingAttachment(
        meeting=meeting,
        name=checked.name,
        content_type=checked.kind.content_type,
        size=checked.size,
        caption=" ".join((caption or "").split())[:100],
        uploaded_by=actor,
    )
    attachment.file.save(checked.stored_name, checked.upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="orglife.attachment.add",
        target=meeting,
        org=meeting.org,
        target_label=f"{meeting} · {attachment.name}",
        changes={"file": [None, attachment.name], "size": [None, attachment.size]},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: MeetingAttachment) -> MeetingAttachment:
    """Take an attachment off the record. The file is kept (and the step audited), so nothing
    is lost."""
    meeting = attachment.meeting
    access.require(actor, perms.MANAGE_MEETINGS, meeting.org)
    meeting = _meeting_for_update(meeting)
    _require_editable(meeting)
    attachment = MeetingAttachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at is not None:
        raise DomainError(_("The attachment was already removed."))
    attachment.removed_at = timezone.now()
    attachment.save(update_fields=["removed_at"])
    audit_record(
        actor=actor,
        action="orglife.attachment.remove",
        target=meeting,
        org=meeting.org,
        target_label=f"{meeting} · {attachment.name}",
        changes={"file": [attachment.name, None]},
    )
    return attachment
