"""The pages of organisational life, by sub-domain; `urls.py` reads them from here."""

from mofan.orglife.views.appraisals import (
    AppraisalDetailView,
    AppraisalGradesView,
    AppraisalListView,
    AppraisalOpenView,
    MyAppraisalView,
)
from mofan.orglife.views.attachments import (
    AttachmentFileView,
    AttachmentRemoveView,
    AttachmentUploadView,
)
from mofan.orglife.views.attendance import (
    CHECKIN_KIND,
    AttendanceView,
    CheckInScreenView,
    CheckInView,
)
from mofan.orglife.views.compliance import (
    ComplianceExportView,
    ComplianceView,
    DualLifeView,
)
from mofan.orglife.views.leave import (
    LeaveDecideView,
    LeaveRequestView,
)
from mofan.orglife.views.meetings import (
    MeetingCreateView,
    MeetingDetailView,
    MeetingExportView,
    MeetingListView,
    MeetingStatusView,
    scheduled_message,
)
from mofan.orglife.views.mine import (
    CalendarFeedView,
    CalendarResetView,
    MyMeetingsView,
)
from mofan.orglife.views.minutes import (
    MinutesDocxView,
    MinutesView,
    ResolutionView,
)
from mofan.orglife.views.review import (
    MeetingReviewView,
    MeetingSubmitView,
    ReviewQueueView,
)
from mofan.orglife.views.talks import (
    HeartTalkCreateView,
    HeartTalkListView,
)

__all__ = [
    "CHECKIN_KIND",
    "AppraisalDetailView",
    "AppraisalGradesView",
    "AppraisalListView",
    "AppraisalOpenView",
    "AttachmentFileView",
    "AttachmentRemoveView",
    "AttachmentUploadView",
    "AttendanceView",
    "CalendarFeedView",
    "CalendarResetView",
    "CheckInScreenView",
    "CheckInView",
    "ComplianceExportView",
    "ComplianceView",
    "DualLifeView",
    "HeartTalkCreateView",
    "HeartTalkListView",
    "LeaveDecideView",
    "LeaveRequestView",
    "MeetingCreateView",
    "MeetingDetailView",
    "MeetingExportView",
    "MeetingListView",
    "MeetingReviewView",
    "MeetingStatusView",
    "MeetingSubmitView",
    "MinutesDocxView",
    "MinutesView",
    "MyAppraisalView",
    "MyMeetingsView",
    "ResolutionView",
    "ReviewQueueView",
    "scheduled_message",
]
