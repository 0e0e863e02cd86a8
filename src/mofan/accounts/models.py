from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from mofan.core import crypto, identity


class User(AbstractUser):
    """A login. May or may not be a party member (members without a login still exist)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    # The login mobile number, encrypted at rest like members' (core.crypto); found by its keyed
    # hash (sign-in by mobile, one account per number); the masked copy is what lists show.
    mobile_encrypted = models.TextField(_("mobile number (encrypted)"), blank=True)
    mobile_hash = models.CharField(_("mobile number (keyed hash)"), max_length=64, blank=True)
    mobile_masked = models.CharField(_("mobile number"), max_length=11, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile_hash"],
                condition=~models.Q(mobile_hash=""),
                name="user_mobile_once",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def mobile(self) -> str | None:
        """The full number, decrypted (None without one). Setting it (also as a keyword to
        the constructor) sets the encrypted value, the hash and the mask together."""
        if not self.mobile_encrypted:
            return None
        return crypto.decrypt(self.mobile_encrypted) or None

    @mobile.setter
    def mobile(self, value: str | None) -> None:
        number = value or ""
        self.mobile_encrypted = crypto.encrypt(number)
        self.mobile_hash = crypto.keyed_hash(number)
        self.mobile_masked = identity.mask_mobile(number)

    MOBILE_FIELDS = ("mobile_encrypted", "mobile_hash", "mobile_masked")

    @property
    def masked_mobile(self) -> str:
        return self.mobile_masked


class Role(models.Model):
    """A named set of permission codes."""

    class Builtin(models.TextChoices):
        WORK_COMMITTEE_ADMIN = "work_committee_admin", _("Work committee administrator")
        COMMITTEE_ADMIN = "committee_admin", _("Party committee administrator")
        BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
        BRANCH_COMMITTEE = "branch_committee", _("Branch committee member")
        MEMBER = "member", _("Party member")
        PARTNER_CONTACT = "partner_contact", _("Partner unit contact")
        REVIEWER = "reviewer", _("Review expert")
        SYSTEM_ADMIN = "system_admin", _("System administrator")
        SECURITY_ADMIN = "security_admin", _("Security administrator")
        AUDIT_ADMIN = "audit_admin", _("Audit administrator")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)
    is_builtin = models.BooleanField(_("built-in"), default=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Grant(models.Model):
    """(user, role, organisation, include_subtree): the data scope of a user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="grants"
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    include_subtree = models.BooleanField(_("include subordinate organisations"), default=True)
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    scope_field = "org"

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org"],
                condition=models.Q(revoked_at__isnull=True),
                name="grant_active_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.org}"


class LoginRecord(models.Model):
    """登录日志: every attempt, successful or not."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="login_records",
    )
    username = models.CharField(_("account entered"), max_length=150)
    success = models.BooleanField(_("succeeded"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("login record")
        verbose_name_plural = _("login records")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.username} {self.created_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """An open session, for the online-users list and forced logout."""

    session_key = models.CharField(_("session key"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="tracked_sessions",
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last active"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user session")
        verbose_name_plural = _("user sessions")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"


class RequestStatus(models.TextChoices):
    """A change that needs a second person (双人复核): requested by one, decided by another."""

    PENDING = "pending", _("Awaiting approval")  # nothing has changed yet
    APPROVED = "approved", _("Approved")  # the change was made when it was approved
    REJECTED = "rejected", _("Rejected")  # nothing changed; the reason is kept


class SecondPersonRequest(models.Model):
    """What every change needing a second person records: who asked, who decided, when, why."""

    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        abstract = True


class GrantRequest(SecondPersonRequest):
    """A business role requested by the security administrator; it takes effect only when a
    work-committee administrator approves it (no administrator grants business data alone)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="grant_requests",
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="grant_requests"
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="grant_requests",
    )
    include_subtree = models.BooleanField(_("include subordinate organisations"), default=True)
    grant = models.OneToOneField(
        Grant,
        verbose_name=_("grant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="request",
    )

    scope_field = "org"

    class Meta:
        verbose_name = _("grant request")
        verbose_name_plural = _("grant requests")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org"],
                condition=models.Q(status="pending"),
                name="grant_request_pending_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.org}"


class PasswordResetRequest(SecondPersonRequest):
    """The system administrator's reset of an account that holds another administrator's duty
    or a business role at the top: it happens only when the security administrator approves."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="reset_requests",
    )
    # The temporary password, hashed as Django stores passwords; applied on approval.
    password = models.CharField(_("temporary password"), max_length=128)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="reset_request_pending_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class PasswordHistory(models.Model):
    """The hashes of an account's recent passwords, so that none of them is chosen again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
