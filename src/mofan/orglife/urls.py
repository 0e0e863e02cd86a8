from django.urls import path

from mofan.orglife import views

app_name = "orglife"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("new/", views.MeetingCreateView.as_view(), name="create"),
    path("export/", views.MeetingExportView.as_view(), name="export"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("compliance/export/", views.ComplianceExportView.as_view(), name="compliance_export"),
    path("reviews/", views.ReviewQueueView.as_view(), name="reviews"),
    path("appraisals/", views.AppraisalListView.as_view(), name="appraisals"),
    path("appraisals/open/", views.AppraisalOpenView.as_view(), name="appraisal_open"),
    path("appraisals/<int:appraisal_id>/", views.AppraisalDetailView.as_view(), name="appraisal"),
    path(
        "appraisals/<int:appraisal_id>/grades/",
        views.AppraisalGradesView.as_view(),
        name="appraisal_grades",
    ),
    path("mine/appraisal/", views.MyAppraisalView.as_view(), name="my_appraisal"),
    path("talks/", views.HeartTalkListView.as_view(), name="talks"),
    path("talks/new/<int:org_id>/", views.HeartTalkCreateView.as_view(), name="talk_create"),
    path("dual-life/", views.DualLifeView.as_view(), name="dual_life"),
    path("<int:meeting_id>/submit/", views.MeetingSubmitView.as_view(), name="submit"),
    path("<int:meeting_id>/review/", views.MeetingReviewView.as_view(), name="review"),
    path("<int:meeting_id>/attachments/", views.AttachmentUploadView.as_view(), name="attach"),
    path(
        "attachments/<int:attachment_id>/",
        views.AttachmentFileView.as_view(),
        name="attachment",
    ),
    path(
        "attachments/<int:attachment_id>/remove/",
        views.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("mine/", views.MyMeetingsView.as_view(), name="mine"),
    path("mine/calendar/", views.CalendarResetView.as_view(), name="calendar_reset"),
    path("calendar/<str:feed_token>.ics", views.CalendarFeedView.as_view(), name="calendar_feed"),
    path("<int:meeting_id>/leave/", views.LeaveRequestView.as_view(), name="leave_request"),
    path(
        "attendance/<int:attendance_id>/decide/",
        views.LeaveDecideView.as_view(),
        name="leave_decide",
    ),
    path("<int:meeting_id>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<int:meeting_id>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("<int:meeting_id>/status/", views.MeetingStatusView.as_view(), name="status"),
    path(
        "<int:meeting_id>/check-in-code/", views.CheckInScreenView.as_view(), name="checkin_screen"
    ),
    path("check-in/<str:token>/", views.CheckInView.as_view(), name="checkin"),
    path("<int:meeting_id>/minutes/", views.MinutesView.as_view(), name="minutes"),
    path("<int:meeting_id>/minutes.docx", views.MinutesDocxView.as_view(), name="minutes_docx"),
    path("<int:meeting_id>/resolutions/", views.ResolutionView.as_view(), name="resolution"),
]
