from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")  # 正式党员, votes
    PROBATIONARY = "probationary", _("Probationary member")  # 预备党员, does not vote


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("University")
    COLLEGE = "college", _("College")
    SECONDARY = "secondary", _("Secondary vocational")
    HIGH_SCHOOL = "high_school", _("High school or below")


class ArchiveReason(models.TextChoices):
    DEATH = "death", _("Death")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out of the deployment")
    OTHER = "other", _("Other")


class Member(models.Model):
    """党员: the member record (档案). Age and 党龄 are derived from dates, never stored."""

    full_name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, blank=True, db_index=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True)
    id_number_hash = models.CharField(_("ID number (keyed hash)"), max_length=64, blank=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    mobile_encrypted = models.TextField(_("mobile number (encrypted)"), blank=True)
    mobile_hash = models.CharField(
        _("mobile number (keyed hash)"), max_length=64, blank=True, db_index=True
    )
    mobile_masked = models.CharField(_("mobile number"), max_length=11, blank=True)
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    organ = models.ForeignKey(
        "orgs.Organ",
        verbose_name=_("organ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=50, blank=True)
    joined_on = models.DateField(_("joined the party on"), null=True, blank=True)
    full_member_on = models.DateField(_("full member since"), null=True, blank=True)
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
    is_mobile = models.BooleanField(_("mobile member"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archive_reason = models.CharField(
        _("archive reason"), max_length=20, choices=ArchiveReason.choices, blank=True
    )
    archive_note = models.CharField(_("archive note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, null=True)

    scope_field = "org"

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["org", "name_pinyin"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="member_id_number_once",
            ),
        ]
        indexes = [models.Index(fields=["org", "archived_at"], name="member_org_current")]

    def __str__(self) -> str:
        return self.full_name


class MemberTransfer(models.Model):
    """组织关系转接 inside the deployment: both branches see it."""

    member = models.ForeignKey(
        Member, verbose_name=_("party member"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("from branch"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("to branch"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    transferred_on = models.DateField(_("transferred on"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_field = "to_org"

    class Meta:
        verbose_name = _("member transfer")
        verbose_name_plural = _("member transfers")
        ordering = ["-transferred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_org=models.F("to_org")), name="transfer_changes_branch"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.from_org} → {self.to_org}"
