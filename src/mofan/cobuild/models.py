"""Co-building (M6), first part: agreements between any number of parties, and the joint
meetings held under them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Agreement(models.Model):
    """共建协议: e.g. the seed's five-party agreement. `org` is the organisation that keeps the
    record (and sees it with everything above it); the parties are listed separately."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    ends_on = models.DateField(_("ends on"))
    summary = models.TextField(_("summary"), blank=True)
    scan = models.FileField(
        _("signed copy"), upload_to="agreements/%Y/", max_length=200, blank=True
    )
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    scan_type = models.CharField(_("type"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-building agreement")
        verbose_name_plural = _("co-building agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("signed_on")),
                name="agreement_ends_after_signing",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AgreementParty(models.Model):
    """One party and the duties it takes on: a party organisation of the deployment or a
    partner unit (community, school, law firm…)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="parties"
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("party organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    partner = models.ForeignKey(
        "orgs.PartnerUnit",
        verbose_name=_("partner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    duties = models.TextField(_("duties"), blank=True)

    scope_field = "agreement__org"

    class Meta:
        verbose_name = _("party to an agreement")
        verbose_name_plural = _("parties to agreements")
        ordering = ["agreement", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(org__isnull=False) & models.Q(partner__isnull=True))
                | (models.Q(org__isnull=True) & models.Q(partner__isnull=False)),
                name="party_is_one_thing",
            ),
            models.UniqueConstraint(fields=["agreement", "org"], name="org_party_once"),
            models.UniqueConstraint(fields=["agreement", "partner"], name="partner_party_once"),
        ]

    def __str__(self) -> str:
        return str(self.org or self.partner)


class JointMeeting(models.Model):
    """联席会议 under an agreement: when, where, who came, minutes and decisions."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="joint_meetings",
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.CharField(_("attendees"), max_length=500)
    minutes = models.TextField(_("minutes"), blank=True)  # sanitised HTML
    decisions = models.TextField(_("decisions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_field = "agreement__org"

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.agreement} {self.held_on}"
