from django.urls import path

from mofan.orglife import views

app_name = "orglife"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("new/", views.MeetingCreateView.as_view(), name="create"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("reviews/", views.ReviewQueueView.as_view(), name="reviews"),
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
