"""Volunteering (M7) and micro-wishes (M8). Rules: DOMAIN_RULES §3 (the 2021 办法)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.Model):
    """An editable list: 法律援助进社区, 健康义诊进社区, 文明创建, 环境整治, …"""

    name = models.CharField(_("name"), max_length=50, unique=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("kind of activity")
        verbose_name_plural = _("kinds of activity")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class HoursRule(models.Model):
    """How hours are credited and what star levels they earn, from a date on (rules are data:
    the threshold is local practice, the star levels come from the 2012 办法)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    presence_threshold = models.DecimalField(
        _("presence needed (share of the planned time)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
    )
    star_hours = models.JSONField(_("hours for one to five stars"), default=list)
    open_claims_per_member = models.PositiveSmallIntegerField(
        _("open wish claims per member"), default=3
    )
    registration_hours_target = models.PositiveSmallIntegerField(
        _("yearly hours expected of a member registered with a community"),
        default=0,
        help_text=_("0: no target."),
    )

    class Meta:
        verbose_name = _("hours rule")
        verbose_name_plural = _("hours rules")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(presence_threshold__gt=0, presence_threshold__lte=1),
                name="threshold_is_a_share",
            ),
        ]

    def __str__(self) -> str:
        return str(self.effective_from)


class VolunteerTeam(models.Model):
    """志愿服务队: a standing team an organisation's activities can draw on."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(
        "members.Member", verbose_name=_("members"), related_name="volunteer_teams", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["org__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="team_name_once")]

    def __str__(self) -> str:
        return self.name


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("In progress")  # published; members sign up and take part
    CANCELLED = "cancelled", _("Cancelled")  # called off; those signed up are told
    CLOSED = "closed", _("Hours confirmed")  # the organiser confirmed the hours; final


class ActivityPhase(models.TextChoices):
    """Where an activity stands for the people who see it: its status read with its dates."""

    SIGNUP = "signup", _("Open for sign-up")  # before the sign-up deadline
    NOT_STARTED = "not_started", _("Not started")  # sign-up closed, not begun yet
    IN_PROGRESS = "in_progress", _("In progress")  # between its start and its end
    ENDED = "ended", _("Ended, hours to confirm")  # over; the organiser confirms the hours
    CLOSED = "closed", _("Hours confirmed")  # final
    CANCELLED = "cancelled", _("Cancelled")  # called off


class VolunteerActivity(models.Model):
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
    )
    partner = models.ForeignKey(
        "orgs.PartnerUnit",
        verbose_name=_("community or partner served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
    )
    kind = models.ForeignKey(
        ActivityKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("volunteer team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"))
    signup_deadline = models.DateTimeField(_("sign-up closes"))
    cancel_deadline = models.DateTimeField(_("cancellations close"))
    presence_threshold = models.DecimalField(
        _("presence needed"), max_digits=3, decimal_places=2, default=Decimal("0.60")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["org", "starts_at"], name="activity_org_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="activity_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="activity_has_places"),
        ]

    def __str__(self) -> str:
        return self.title

    def phase_at(self, now: datetime) -> ActivityPhase:
        if self.status == ActivityStatus.CANCELLED:
            return ActivityPhase.CANCELLED
        if self.status == ActivityStatus.CLOSED:
            return ActivityPhase.CLOSED
        if now >= self.ends_at:
            return ActivityPhase.ENDED
        if now >= self.starts_at:
            return ActivityPhase.IN_PROGRESS
        if now < self.signup_deadline:
            return ActivityPhase.SIGNUP
        return ActivityPhase.NOT_STARTED

    @property
    def phase(self) -> ActivityPhase:
        return self.phase_at(timezone.now())


class ParticipationState(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")  # holds a place
    WAITLISTED = "waitlisted", _("On the waiting list")  # promoted in order when a place frees
    CANCELLED = "cancelled", _("Cancelled")  # gave up their place or waiting


class ParticipationPhase(models.TextChoices):
    """What a person's participation shows: its state read with the times and hours."""

    SIGNED_UP = "signed_up", _("Signed up")  # holds a place, not checked in
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")  # at the activity now
    COMPLETED = "completed", _("Completed")  # checked out, or hours credited
    NOT_CREDITED = "not_credited", _("No hours credited")  # hours confirmed, none earned


class Participation(models.Model):
    activity = models.ForeignKey(
        VolunteerActivity,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ParticipationState.choices, db_index=True
    )
    signed_up_at = models.DateTimeField(_("signed up at"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, default=Decimal(0))
    confirmed_at = models.DateTimeField(_("hours confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hours confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_field = "activity__org"

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["activity", "signed_up_at", "id"]
        indexes = [
            # Statistics: person-times and hours of an activity from the index alone.
            models.Index(fields=["activity", "hours"], name="participation_activity_hours"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="participate_once"),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.member}"

    @property
    def phase(self) -> ParticipationPhase:
        if self.state == ParticipationState.CANCELLED:
            return ParticipationPhase.CANCELLED
        if self.state == ParticipationState.WAITLISTED:
            return ParticipationPhase.WAITLISTED
        if self.confirmed_at is not None:
            return (
                ParticipationPhase.COMPLETED if self.hours > 0 else ParticipationPhase.NOT_CREDITED
            )
        if self.checked_out_at is not None:
            return ParticipationPhase.COMPLETED
        if self.checked_in_at is not None:
            return ParticipationPhase.CHECKED_IN
        return ParticipationPhase.SIGNED_UP


class Certificate(models.Model):
    """志愿服务证明 as the 2021 办法 asks: who, how long and what, who issues and who handles it."""

    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    check_code = models.CharField(_("check code"), max_length=12)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="volunteer_certificates",
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="volunteer_certificates",
    )
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=2)
    activities = models.PositiveIntegerField(_("activities"))
    content = models.TextField(_("service content"))
    person_in_charge = models.CharField(_("person in charge"), max_length=50)
    handler = models.CharField(_("handled by"), max_length=50)
    handler_contact = models.CharField(_("handler's contact"), max_length=50)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by (user)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("volunteer-service certificate")
        verbose_name_plural = _("volunteer-service certificates")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number


class WishStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")  # posted by the community; not public yet
    REJECTED = "rejected", _("Not accepted")  # the reviewer declined it, with a reason
    PUBLISHED = "published", _("Open for claiming")  # members of linked organisations see it
    CLAIMED = "claimed", _("Claimed")  # exactly one claim won
    FULFILLED = "fulfilled", _("Awaiting confirmation")  # the claimer sent evidence
    CONFIRMED = "confirmed", _("Fulfilled")  # the community confirmed; final
    EXPIRED = "expired", _("Expired")  # nobody claimed it before the deadline


class Wish(models.Model):
    """群众微心愿: a small wish of a resident, posted by a community, claimed by exactly one."""

    community = models.ForeignKey(
        "orgs.PartnerUnit",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="wishes",
    )
    beneficiary = models.CharField(_("beneficiary"), max_length=50)
    title = models.CharField(_("wish"), max_length=100)
    description = models.TextField(_("details"), blank=True)
    estimated_value = models.DecimalField(
        _("estimated value (yuan)"), max_digits=8, decimal_places=2
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=WishStatus.choices, default=WishStatus.SUBMITTED
    )
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        "members.Member",
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_wishes",
    )
    claimed_for = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("claimed for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_wishes",
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    fulfilment_note = models.TextField(_("how it was fulfilled"), blank=True)
    return_reason = models.CharField(_("returned because"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    scope_field = "community__org"

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-posted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="wish_status_deadline"),
            # Statistics: wishes posted by a community, and claimed for an organisation, in a
            # period, read from the index alone.
            models.Index(fields=["community", "posted_at"], name="wish_community_posted"),
            models.Index(
                fields=["claimed_for", "claimed_at", "status"], name="wish_claimed_for_time"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_value__gte=0), name="wish_value_not_negative"
            ),
            # A claimed wish names who claimed it and for which organisation.
            models.CheckConstraint(
                condition=models.Q(status__in=["submitted", "rejected", "published", "expired"])
                | (models.Q(claimed_by__isnull=False) & models.Q(claimed_for__isnull=False)),
                name="claimed_wish_has_claimer",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def public_beneficiary(self) -> str:
        """王** : the family name only, on every public surface."""
        name = self.beneficiary.strip()
        return f"{name[:1]}**" if name else "**"


class WishPhotoRole(models.TextChoices):
    WISH = "wish", _("Photo of the wish")
    EVIDENCE = "evidence", _("Evidence of fulfilment")


class WishPhoto(models.Model):
    wish = models.ForeignKey(
        Wish, verbose_name=_("micro-wish"), on_delete=models.CASCADE, related_name="photos"
    )
    role = models.CharField(_("role"), max_length=20, choices=WishPhotoRole.choices)
    file = models.FileField(_("file"), upload_to="wishes/%Y/%m/", max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_field = "wish__community__org"

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["wish", "id"]

    def __str__(self) -> str:
        return self.file.name or ""


class RegistrationState(models.TextChoices):
    PENDING = "pending", _("Awaiting the community")  # the member registered; not confirmed yet
    CONFIRMED = "confirmed", _("Registered")  # the community confirmed: it counts and links
    DECLINED = "declined", _("Not confirmed")  # the community declined, with a reason
    ENDED = "ended", _("Ended")  # moved away or registered elsewhere


class CommunityRegistration(models.Model):
    """在职党员进社区报到: a serving member registers with the community where they live."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="community_registrations",
    )
    community = models.ForeignKey(
        "orgs.PartnerUnit",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RegistrationState.choices,
        default=RegistrationState.PENDING,
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_field = "member__org"

    class Meta:
        verbose_name = _("community registration")
        verbose_name_plural = _("community registrations")
        ordering = ["-registered_at", "-id"]
        constraints = [
            # One community of residence at a time.
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(state__in=["pending", "confirmed"]),
                name="one_open_registration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.community}"


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")  # the community gave the task to the member
    REPORTED = "reported", _("Reported done")  # the member says it is done, with the hours
    CONFIRMED = "confirmed", _("Confirmed by the community")  # the hours count
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn by the community, with a reason


# (state, action) -> new state: the whole life of a community task.
TASK_TRANSITIONS: dict[tuple[str, str], str] = {
    (TaskState.ASSIGNED, "report"): TaskState.REPORTED,
    (TaskState.ASSIGNED, "cancel"): TaskState.CANCELLED,
    (TaskState.REPORTED, "confirm"): TaskState.CONFIRMED,
    (TaskState.REPORTED, "return"): TaskState.ASSIGNED,
}


class RegistrationTask(models.Model):
    """A task the community gives a member registered with it (认领岗位、参与服务): the member
    reports it done with the hours spent, the community confirms them."""

    registration = models.ForeignKey(
        CommunityRegistration,
        verbose_name=_("community registration"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    title = models.CharField(_("task"), max_length=100)
    detail = models.TextField(_("details"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=TaskState.choices, default=TaskState.ASSIGNED
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    report = models.TextField(_("report"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("task given by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("task given at"), default=timezone.now)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    scope_field = "registration__member__org"

    class Meta:
        verbose_name = _("community task")
        verbose_name_plural = _("community tasks")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__isnull=True) | models.Q(hours__gt=0, hours__lte=24),
                name="task_hours_in_a_day",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EvaluationGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class RegistrationEvaluation(models.Model):
    """The community's yearly evaluation of a member registered with it [local: at least once a
    year]. The hours it saw are kept with it, as the basis of the grade."""

    registration = models.ForeignKey(
        CommunityRegistration,
        verbose_name=_("community registration"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    grade = models.CharField(_("grade"), max_length=20, choices=EvaluationGrade.choices)
    hours = models.DecimalField(_("hours in the year"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), auto_now_add=True)

    scope_field = "registration__member__org"

    class Meta:
        verbose_name = _("community evaluation")
        verbose_name_plural = _("community evaluations")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "year"], name="one_evaluation_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} · {self.year}"
