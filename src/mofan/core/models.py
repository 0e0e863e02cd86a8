from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEvent(models.Model):
    """One append-only, hash-chained line of the audit log. Written by services only."""

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    scope_field = "org"

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are append-only")


class AuditChainHead(models.Model):
    """The newest hash and the length of the chain; its row lock serialises audit writers."""

    last_hash = models.CharField(_("last hash"), max_length=64)
    length = models.PositiveBigIntegerField(_("length"), default=0)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.length}:{self.last_hash[:12]}"


class Notice(models.Model):
    """通知公告: sent by an organisation to an audience in a subtree, with read receipts."""

    class Audience(models.TextChoices):
        # Members with a login and holders of business roles in the subtree.
        PARTY = "party", _("Party members and party staff")
        # The logins of the contacts of partner units managed in the subtree.
        PARTNERS = "partners", _("Partner units")
        # Both of the above.
        ALL = "all", _("Party members, party staff and partner units")

    sender_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("sending organisation"),
        on_delete=models.PROTECT,
        related_name="notices_sent",
    )
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("addressed to"),
        help_text=_("The notice reaches everyone in this organisation and below it."),
        on_delete=models.PROTECT,
        related_name="notices_received",
    )
    audience = models.CharField(
        pgettext_lazy("notice", "audience"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.PARTY,
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="notices_written",
    )
    published_at = models.DateTimeField(_("published at"), db_index=True)

    scope_field = "sender_org"

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notice_receipts",
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_receipt_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="receipt_user_unread")]

    def __str__(self) -> str:
        return f"{self.notice_id}→{self.user_id}"


class Message(models.Model):
    """An in-app message to one user (reminders such as an expiring term)."""

    class Kind(models.TextChoices):
        # A step of a service order (点单): placed, dispatched, accepted, delivered, rated …
        ORDER = "order", _("Service orders")
        # Meetings to attend, missing meetings, democratic appraisal, leave requests.
        MEETING = "meeting", _("Organisational life")
        # A meeting record sent to the level above for review, or returned from it.
        REVIEW = "review", _("Reviews")
        # Volunteer activities, micro-wishes, community registration.
        VOLUNTEER = "volunteer", _("Volunteering")
        # Co-building agreements, partners' demands, legal counsellors.
        COBUILD = "cobuild", _("Co-building")
        # Terms of office ending, case campaign deadlines.
        REMINDER = "reminder", _("Reminders")
        # Anything else the platform tells the user.
        SYSTEM = "system", _("System")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="inbox_messages",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SYSTEM)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="message_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "kind", "read_at"], name="message_user_kind_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class ImportJob(models.Model):
    """An uploaded spreadsheet checked and imported in the background, with its progress."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")  # the worker reads and checks every row
        INVALID = "invalid", _("Problems found")  # row errors; nothing can be imported
        READY = "ready", _("Ready to import")  # checked clean; waits for the user's go
        IMPORTING = "importing", _("Importing")  # the worker writes all rows
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")  # refused at commit time; nothing was written

    kind = models.CharField(_("kind"), max_length=50)
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file = models.FileField(_("file"), upload_to="imports/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    update_existing = models.BooleanField(_("update existing records"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CHECKING
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows checked"), default=0)
    new_count = models.PositiveIntegerField(_("new records"), default=0)
    update_count = models.PositiveIntegerField(_("updated records"), default=0)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)

    scope_field = "org"

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}

    @property
    def percent(self) -> int:
        if self.status == self.Status.CHECKING and self.total:
            return min(99, int(100 * self.processed / self.total))
        return 100 if not self.is_running else 0


class StoredFile(models.Model):
    """A file kept with a record (a meeting's attachment, a session photo, a case's evidence):
    checked by `core.uploads` on the way in, served only after the record's scope check.

    A concrete model adds the foreign key to its record, redeclares `file` with its own
    `upload_to`, and sets `scope_field` through that key."""

    file = models.FileField(_("file"), max_length=200)
    name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100)  # DOCX: 71 characters
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name or self.file.name or ""

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
