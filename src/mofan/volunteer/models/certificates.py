"""志愿服务证明 as the 2021 办法 asks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
