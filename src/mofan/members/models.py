from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")  # 正式党员, votes
    PROBATIONARY = "probationary", _("Probationary member")  # 预备党员, does not vote


class Member(models.Model):
    """党员: the member record. The platform core keeps what the tree needs; M2 extends it."""

    full_name = models.CharField(_("name"), max_length=50)
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    group = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("party group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_members",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    is_leading_cadre = models.BooleanField(_("leading cadre"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    scope_field = "org"

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["org", "full_name"]

    def __str__(self) -> str:
        return self.full_name
