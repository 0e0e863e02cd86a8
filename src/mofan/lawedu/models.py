"""模法师 (legal education for young people, DOMAIN_RULES §4): handout stock and its movements,
mock trials held as ordered sessions, and the appointments of legal counsellors at schools."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
            models.UniqueConstraint(fields=["org", "name"], name="material_name_once_per_org"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_low(self) -> bool:
        return self.stock <= self.low_stock_at


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
        ]

    def __str__(self) -> str:
        return f"{self.material} {self.quantity:+d}"
