"""群众微心愿 and their photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mofan.core.models import StoredFile


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


class WishPhoto(StoredFile):
    wish = models.ForeignKey(
        Wish, verbose_name=_("micro-wish"), on_delete=models.CASCADE, related_name="photos"
    )
    role = models.CharField(_("role"), max_length=20, choices=WishPhotoRole.choices)
    file = models.FileField(_("file"), upload_to="wishes/%Y/%m/", max_length=200)

    scope_field = "wish__community__org"

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["wish", "id"]
