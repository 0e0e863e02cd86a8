from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mofan.core.models import StoredFile


class MeetingKind(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("Branch general assembly")  # 支部党员大会
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")  # 支委会
    GROUP_MEETING = "group_meeting", _("Party group meeting")  # 党小组会
    PARTY_LESSON = "party_lesson", _("Party lesson")  # 党课
    THEMED_PARTY_DAY = "themed_party_day", _("Themed party day")  # 主题党日
    LIFE_MEETING = "life_meeting", _("Organisational life meeting")  # 组织生活会
    DEMOCRATIC_APPRAISAL = "democratic_appraisal", _("Democratic appraisal of members")
    STUDY_SESSION = "study_session", _("Study session")  # 理论学习中心组, 双周学习, … (study app)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")  # planned; attendees notified
    HELD = "held", _("Held")  # took place; counts for compliance
    CANCELLED = "cancelled", _("Cancelled")  # called off; never counts


class ReviewState(models.TextChoices):
    """Oversight by the level above (审阅 / 审核) of a held meeting's record."""

    NOT_SUBMITTED = "not_submitted", _("Not submitted")  # the branch is still recording it
    SUBMITTED = "submitted", _("Awaiting review")  # with the level above; locked
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")  # 审阅: read by the level above; final
    APPROVED = "approved", _("Approved")  # 审核 passed; final
    RETURNED = "returned", _("Returned for correction")  # 审核 returned; the branch corrects


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    RESUBMIT = "resubmit", _("Resubmitted")
    ACKNOWLEDGE = "acknowledge", _("Acknowledged")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Meeting(models.Model):
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    host = models.ForeignKey(
        "members.Member",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorder = models.ForeignKey(
        "members.Member",
        verbose_name=_("recorder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    is_late_entry = models.BooleanField(_("entered after the fact"), default=False)
    minutes = models.TextField(_("minutes"), blank=True)  # sanitised HTML
    review_state = models.CharField(
        _("review"),
        max_length=20,
        choices=ReviewState.choices,
        default=ReviewState.NOT_SUBMITTED,
        db_index=True,
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_field = "org"

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["org", "kind", "starts_at"], name="meeting_org_kind_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.topic


class AttendanceStatus(models.TextChoices):
    EXPECTED = "expected", _("Expected")  # should come; nothing recorded yet
    LEAVE_REQUESTED = "leave_requested", _("Leave requested")  # the member asked; awaits approval
    PRESENT = "present", _("Present")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    status = models.CharField(
        _("attendance"),
        max_length=20,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.EXPECTED,
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leave"), max_length=200, blank=True)

    scope_field = "meeting__org"

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "member__name_pinyin"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.member}"


class MeetingReview(models.Model):
    """One step of the oversight of a meeting's record: submitted, acknowledged, approved or
    returned with a comment. The steps are the record's review history."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="reviews"
    )
    action = models.CharField(_("step"), max_length=20, choices=ReviewAction.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    scope_field = "meeting__org"

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["meeting", "at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting} {self.get_action_display()}"


def attachment_path(instance: "MeetingAttachment", filename: str) -> str:
    # The stored name is random; the person's file name is kept in `name` for display.
    return f"meetings/{instance.meeting_id}/{filename}"


class MeetingAttachment(StoredFile):
    """A photo, PDF or scanned sign-in sheet kept with a meeting's minutes."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    scope_field = "meeting__org"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["meeting", "uploaded_at", "id"]


class FrequencyRule(models.Model):
    """How often a kind of meeting is required, from a date on (rules are data: DOMAIN_RULES §2)."""

    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    count = models.PositiveSmallIntegerField(_("required per period"), default=1)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        verbose_name = _("frequency rule")
        verbose_name_plural = _("frequency rules")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="rule_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.count}/{self.get_period_display()}"


class Resolution(models.Model):
    """A resolution put to the vote at a 支部党员大会; full members present vote."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="resolutions"
    )
    text = models.CharField(_("resolution"), max_length=500)
    votes_for = models.PositiveIntegerField(_("for"))
    votes_against = models.PositiveIntegerField(_("against"))
    abstentions = models.PositiveIntegerField(_("abstentions"))
    voting_members = models.PositiveIntegerField(_("members with a vote"))
    passed = models.BooleanField(_("passed"))

    scope_field = "meeting__org"

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text


class CalendarFeed(models.Model):
    """A member's secret calendar address (iCal). Resetting it makes the old address useless."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀: normally at most a third of those graded
    QUALIFIED = "qualified", _("Qualified")  # 合格
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")  # 基本合格
    UNQUALIFIED = "unqualified", _("Unqualified")  # 不合格


class AppraisalState(models.TextChoices):
    OPEN = "open", _("In progress")  # self-assessment, peer assessment, committee proposal
    CLOSED = "closed", _("Concluded")  # grades decided; the record is kept as it is


class Appraisal(models.Model):
    """民主评议党员: one branch's yearly appraisal of its members."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=10, choices=AppraisalState.choices, default=AppraisalState.OPEN
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("appraisal meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("democratic appraisal")
        verbose_name_plural = _("democratic appraisals")
        ordering = ["-year", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="appraisal_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.year}"


class AppraisalEntry(models.Model):
    """One member in an appraisal: self-assessment, the committee's proposal, the grade.
    Probationary members take part but are not graded."""

    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="entries"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="appraisal_entries",
    )
    probationary = models.BooleanField(_("probationary member"), default=False)
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    proposed_grade = models.CharField(
        _("committee proposal"), max_length=20, choices=AppraisalGrade.choices, blank=True
    )
    grade = models.CharField(_("grade"), max_length=20, choices=AppraisalGrade.choices, blank=True)

    scope_field = "appraisal__org"

    class Meta:
        verbose_name = _("appraisal entry")
        verbose_name_plural = _("appraisal entries")
        ordering = ["appraisal", "member__name_pinyin"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "member"], name="appraised_once"),
            models.CheckConstraint(
                condition=models.Q(probationary=False) | models.Q(grade=""),
                name="probationary_not_graded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal} {self.member}"


class PeerRating(models.Model):
    """A member's assessment of another member in the same appraisal (互评)."""

    entry = models.ForeignKey(
        AppraisalEntry,
        verbose_name=_("member assessed"),
        on_delete=models.CASCADE,
        related_name="peer_ratings",
    )
    rater = models.ForeignKey(
        "members.Member",
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade = models.CharField(_("grade"), max_length=20, choices=AppraisalGrade.choices)
    rated_at = models.DateTimeField(_("assessed at"), auto_now=True)

    scope_field = "entry__appraisal__org"

    class Meta:
        verbose_name = _("peer assessment")
        verbose_name_plural = _("peer assessments")
        ordering = ["entry", "rater"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "rater"], name="peer_rating_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rater} → {self.entry.member}"


class TalkPairing(models.TextChoices):
    COMMITTEE_COMMITTEE = "committee_committee", _("Committee member with committee member")
    COMMITTEE_MEMBER = "committee_member", _("Committee member with member")
    MEMBER_MEMBER = "member_member", _("Member with member")


class HeartTalk(models.Model):
    """谈心谈话: who talked with whom, when, and what about. The pairing is worked out from the
    committee seats held on the day."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="heart_talks",
    )
    initiator = models.ForeignKey(
        "members.Member",
        verbose_name=_("talked"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    counterpart = models.ForeignKey(
        "members.Member",
        verbose_name=_("with"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    pairing = models.CharField(_("pairing"), max_length=30, choices=TalkPairing.choices)
    talked_on = models.DateField(_("date"), db_index=True)
    summary = models.TextField(_("summary"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("heart-to-heart talk")
        verbose_name_plural = _("heart-to-heart talks")
        ordering = ["-talked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(initiator=models.F("counterpart")), name="talk_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiator} · {self.counterpart}"
