"""模法师 (legal education for young people, DOMAIN_RULES §4): handout stock and its movements,
mock trials held as ordered sessions, and the appointments of legal counsellors at schools."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mofan.core.models import StoredFile


class Material(models.Model):
    """宣传资料: one kind of handout (a booklet, a card…) kept in stock by an organisation."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        related_name="materials",
    )
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=10, default="本")
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    # Copies held for prepared sessions (the sum of the reservation records): on the shelf but
    # not available to anyone else.
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    low_stock_at = models.PositiveIntegerField(
        _("low-stock threshold"),
        default=20,
        help_text=_("A warning shows when the stock falls to this number or below."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handout")
        verbose_name_plural = _("handouts")
        ordering = ["org", "name"]
        constraints = [
            # Stock never goes below zero, whatever the code does: the database refuses it.
            models.CheckConstraint(condition=Q(stock__gte=0), name="material_stock_not_negative"),
            # Nothing is reserved that is not on the shelf: what is available is never negative.
            models.CheckConstraint(
                condition=Q(stock__gte=models.F("reserved")), name="material_reserved_within_stock"
            ),
            models.UniqueConstraint(fields=["org", "name"], name="material_name_once_per_org"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def available(self) -> int:
        """可用: in stock less what is reserved for prepared sessions."""
        return self.stock - self.reserved

    @property
    def is_low(self) -> bool:
        return self.available <= self.low_stock_at


class MovementKind(models.TextChoices):
    RECEIVED = "received", _("Received")  # 入库: printed or delivered to the keeper
    ISSUED = "issued", _("Issued")  # 发放: handed out at an ordered session
    ADJUSTED = "adjusted", _("Adjusted")  # 盘点调整: counted, damaged or lost, with a reason


class MaterialMovement(models.Model):
    """One change of a handout's stock; the stock is always the sum of its movements."""

    material = models.ForeignKey(
        Material, verbose_name=_("handout"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity"))  # + into stock, − out of it
    stock_after = models.PositiveIntegerField(_("stock after"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    order = models.ForeignKey(
        "cobuild.Order",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handout_movements",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_field = "material__org"

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=MovementKind.RECEIVED) & Q(quantity__gt=0))
                | (Q(kind=MovementKind.ISSUED) & Q(quantity__lt=0))
                | (Q(kind=MovementKind.ADJUSTED) & ~Q(quantity=0) & ~Q(reason="")),
                name="movement_sign_fits_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind=MovementKind.ISSUED) | Q(order__isnull=False),
                name="issue_names_its_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material} {self.quantity:+d}"


class ReservationKind(models.TextChoices):
    RESERVED = "reserved", _("Reserved")  # 预留: held when the team prepares the session
    RELEASED = "released", _("Released")  # 释放: the order cancelled, or fewer were needed
    CONSUMED = "consumed", _("Consumed")  # 领用: handed out at the session (see the issue)


class HandoutReservation(models.Model):
    """One change of what is held of a handout for one ordered session; what is held is always
    the sum of these records (per handout: `Material.reserved`)."""

    material = models.ForeignKey(
        Material, verbose_name=_("handout"), on_delete=models.PROTECT, related_name="reservations"
    )
    order = models.ForeignKey(
        "cobuild.Order",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="handout_reservations",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReservationKind.choices)
    quantity = models.IntegerField(_("quantity"))  # + held, − no longer held
    reserved_after = models.PositiveIntegerField(_("reserved after"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_field = "material__org"

    class Meta:
        verbose_name = _("handout reservation")
        verbose_name_plural = _("handout reservations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=ReservationKind.RESERVED) & Q(quantity__gt=0))
                | (~Q(kind=ReservationKind.RESERVED) & Q(quantity__lt=0)),
                name="reservation_sign_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material} {self.quantity:+d}"


class TrialRole(models.TextChoices):
    """The nine seats of a mock trial (GLOSSARY.md), in the order the court sits."""

    PRESIDING_JUDGE = "presiding_judge", _("Presiding judge")  # 审判长
    JUDGE = "judge", _("Judge")  # 审判员
    CLERK = "clerk", _("Court clerk")  # 书记员
    BAILIFF = "bailiff", _("Bailiff")  # 法警
    PROSECUTOR = "prosecutor", _("Prosecutor")  # 公诉人
    DEFENDER = "defender", _("Defence counsel")  # 辩护人
    GUARDIAN = "guardian", _("Legal guardian")  # 法定代理人
    VICTIM = "victim", _("Victim")  # 被害人
    DEFENDANT = "defendant", _("Defendant")  # 被告人


class ParticipantKind(models.TextChoices):
    PUPIL = "pupil", _("Pupil")
    PARENT = "parent", _("Parent")


class MockTrial(models.Model):
    """模拟法庭: the mock trial held at one ordered session of format 模拟法庭."""

    order = models.OneToOneField(
        "cobuild.Order",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="mock_trial",
    )
    case_title = models.CharField(_("case title"), max_length=100)
    case_summary = models.TextField(_("case summary"))
    script = models.TextField(_("script"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_field = "order__project__org"

    class Meta:
        verbose_name = _("mock trial")
        verbose_name_plural = _("mock trials")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.case_title


class TrialSeat(models.Model):
    """Who plays one of the nine roles: a named pupil or parent, or a class (初二(3)班)."""

    trial = models.ForeignKey(
        MockTrial, verbose_name=_("mock trial"), on_delete=models.CASCADE, related_name="seats"
    )
    role = models.CharField(_("role"), max_length=20, choices=TrialRole.choices)
    kind = models.CharField(
        _("played by"), max_length=10, choices=ParticipantKind.choices, default="pupil"
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    class_name = models.CharField(_("class"), max_length=30, blank=True)

    scope_field = "trial__order__project__org"

    class Meta:
        verbose_name = _("mock-trial role")
        verbose_name_plural = _("mock-trial roles")
        ordering = ["trial", "id"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "role"], name="trial_role_once"),
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(class_name=""), name="seat_names_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name or self.class_name}"


class TrialAttachment(StoredFile):
    """The script as a file, the judgment, photos: through core.uploads, served after a check."""

    trial = models.ForeignKey(
        MockTrial,
        verbose_name=_("mock trial"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="trials/%Y/", max_length=200)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    scope_field = "trial__order__project__org"

    class Meta:
        verbose_name = _("mock-trial attachment")
        verbose_name_plural = _("mock-trial attachments")
        ordering = ["trial", "id"]


class CounsellorTitle(models.TextChoices):
    COUNSELLOR = "counsellor", _("Legal counsellor")  # 法治辅导员
    VICE_PRINCIPAL = "vice_principal", _("Vice-principal for rule of law")  # 法治副校长


class AppointmentRule(models.Model):
    """The local practice of appointments, from a date on: the default term (the seed's five
    years) and how early the keepers are reminded of its end. The 2022 办法's national limits
    (≥ 4 class hours a year, ≤ 2 schools) are law and live in lawedu/rules.py."""

    effective_from = models.DateField(_("effective from"), unique=True)
    term_years = models.PositiveSmallIntegerField(_("default term in years"), default=5)
    reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before the end"), default=60
    )

    class Meta:
        verbose_name = _("appointment rule")
        verbose_name_plural = _("appointment rules")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(term_years__gte=1), name="term_at_least_a_year"),
        ]

    def __str__(self) -> str:
        return str(self.effective_from)


class Appointment(models.Model):
    """法治辅导员 / 法治副校长: a person of a project's team appointed by a school or another
    partner for a term. Ended early with a reason; never deleted."""

    person = models.ForeignKey(
        "cobuild.ProjectMember",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    partner = models.ForeignKey(
        "orgs.PartnerUnit",
        verbose_name=_("school or partner"),
        on_delete=models.PROTECT,
        related_name="counsellor_appointments",
    )
    title = models.CharField(
        _("title"), max_length=20, choices=CounsellorTitle.choices, default="counsellor"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending early"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_field = "person__project__org"

    class Meta:
        verbose_name = _("counsellor appointment")
        verbose_name_plural = _("counsellor appointments")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | (Q(ended_on__gte=models.F("starts_on")) & ~Q(end_reason="")),
                name="early_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.partner}"

    @property
    def last_day(self) -> date:
        """The day the appointment ends: its term, or the early end."""
        return self.ended_on or self.ends_on
