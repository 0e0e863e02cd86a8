from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from mofan.core import crypto, identity


class OrgKind(models.TextChoices):
    WORK_COMMITTEE = "work_committee", _("Work committee")  # 市直机关工委, root of a deployment
    PARTY_COMMITTEE = "party_committee", _("Party committee")  # 机关党委, term 5 years
    LEADING_GROUP = "leading_group", _("Leading party group")  # 党组
    GENERAL_BRANCH = "general_branch", _("General branch")  # 党总支, term 3 years
    BRANCH = "branch", _("Branch")  # 党支部, term 3 years
    GROUP = "group", _("Party group")  # 党小组, only inside a branch


class Organ(models.Model):  # type: ignore[django-manager-missing]
    """机关: the government body a party organisation belongs to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(MP_Node):
    """A party organisation. `path` (materialised) makes a subtree one indexed prefix filter."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    is_joint = models.BooleanField(_("joint branch"), default=False)
    organ = models.ForeignKey(
        Organ,
        verbose_name=_("organ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    is_external = models.BooleanField(
        _("outside partner"),
        default=False,
        help_text=_("A party organisation outside the organs, working with them as a partner."),
    )
    established_on = models.DateField(
        _("established on"),
        null=True,
        blank=True,
        help_text=_("When the organisation was founded; rules apply from then on."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archive_reason = models.CharField(_("archive reason"), max_length=200, blank=True)

    scope_field = ""
    node_order_by = None

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class SeatPosition(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANISATION = "organisation", _("Organisation member")
    PUBLICITY = "publicity", _("Publicity member")
    DISCIPLINE = "discipline", _("Discipline member")
    YOUTH = "youth", _("Youth member")
    MEMBER = "member", _("Committee member")


class CommitteeSeat(models.Model):
    """A seat on an organisation's committee held by a person for a period."""

    org = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="seats",
    )
    position = models.CharField(_("position"), max_length=20, choices=SeatPosition.choices)
    holder = models.ForeignKey(
        "members.Member",
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="seats",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["org", "position", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="seat_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.get_position_display()} {self.holder}"


class Term(models.Model):
    """换届: one term of office of an organisation's committee."""

    org = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="terms",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["org", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["ends_on"], name="term_ends_on")]

    def __str__(self) -> str:
        return f"{self.org} {self.starts_on:%Y}–{self.ends_on:%Y}"


class PartnerKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    SCHOOL = "school", _("School")
    LAW_FIRM = "law_firm", _("Law firm")
    OTHER = "other", _("Other")


class PartnerUnit(models.Model):
    """共建单位: an outside body that works with party organisations."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    org = models.ForeignKey(
        Organisation,
        verbose_name=_("managing organisation"),
        on_delete=models.PROTECT,
        related_name="partner_units",
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class PartnerContact(models.Model):
    partner = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("partner unit"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=50, blank=True)
    # Encrypted at rest (core.crypto); the masked copy is what those without the need see.
    phone_encrypted = models.TextField(_("telephone (encrypted)"), blank=True)
    phone_masked = models.CharField(_("telephone"), max_length=20, blank=True)
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_contact",
    )

    scope_field = "partner__org"

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ["partner", "name"]

    def __str__(self) -> str:
        return f"{self.partner} {self.name}"

    @property
    def phone(self) -> str:
        """The full number, decrypted; setting it sets the encrypted value and the mask."""
        return crypto.decrypt(self.phone_encrypted)

    @phone.setter
    def phone(self, value: str) -> None:
        self.phone_encrypted = crypto.encrypt(value or "")
        self.phone_masked = identity.mask_text(value or "", 3, 4)
