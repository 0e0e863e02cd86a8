"""Volunteer activities and the participations in them, with the lists and rules they draw on."""

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
