"""Files kept with a meeting's minutes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from mofan.core.uploads import stored_file_response
from mofan.core.views import (
    ScopedView,
    act,
)
from mofan.orglife import permissions as perms
from mofan.orglife import selectors, services
from mofan.orglife.forms import (
    AttachmentForm,
)


class AttachmentUploadView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(
            actor=request.user, pk=meeting_id, permission=perms.MANAGE_MEETINGS
        )
        form = AttachmentForm(request.POST, request.FILES)
        return act(
            request,
            lambda: services.attachment_add(
                actor=request.user,
                meeting=meeting,
                upload=request.FILES.get("file"),
                caption=form.data.get("caption", ""),
            ),
            done=_("Attachment kept."),
            to=f"{reverse('orglife:detail', args=[meeting.pk])}#attachments",
        )


class AttachmentFileView(ScopedView):
    """The file itself, for whoever may see the meeting. Images and PDFs open in the browser;
    the stored type (checked at upload) is the one sent."""

    permission = perms.VIEW

    def get(self, request: HttpRequest, attachment_id: int) -> HttpResponseBase:
        attachment = selectors.attachment_get(actor=request.user, pk=attachment_id)
        return stored_file_response(attachment.file, attachment.content_type, attachment.name)


class AttachmentRemoveView(ScopedView):
    permission = perms.MANAGE_MEETINGS

    def post(self, request: HttpRequest, attachment_id: int) -> HttpResponse:
        attachment = selectors.attachment_get(
            actor=request.user, pk=attachment_id, permission=perms.MANAGE_MEETINGS
        )
        return act(
            request,
            lambda: services.attachment_remove(actor=request.user, attachment=attachment),
            done="",  # the file is gone from the list
            to=f"{reverse('orglife:detail', args=[attachment.meeting_id])}#attachments",
        )
