"""在职党员进社区报到: registrations with a community, its tasks and yearly evaluations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


# The steps between these states: `volunteer.workflows.TASK`.


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
