"""Theory study: study groups, their sessions (orglife meetings), speeches and yearly plans."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StudyKind(models.TextChoices):
    CENTRAL_GROUP = "central_group", _("Theory study centre group")  # 理论学习中心组
    BIWEEKLY = "biweekly", _("Biweekly study")  # 双周学习
    YOUTH_GROUP = "youth_group", _("Youth theory study group")  # 青年理论学习小组, members ≤ 40
    SECTION_CHIEF_LECTURE = "section_chief_lecture", _("Section chiefs' lecture")  # 科长大讲堂


class StudyGroup(models.Model):
    """A study group of an organisation; its sessions are orglife meetings of kind study."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="study_groups",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=StudyKind.choices)
    name = models.CharField(_("name"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    scope_field = "org"

    class Meta:
        verbose_name = _("study group")
        verbose_name_plural = _("study groups")
        ordering = ["org__path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "name"],
                condition=models.Q(archived_at__isnull=True),
                name="study_group_name_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StudyGroupMembership(models.Model):
    """A member's time in a study group; leaving sets `left_on`, the row is kept."""

    group = models.ForeignKey(
        StudyGroup,
        verbose_name=_("study group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="study_memberships",
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    scope_field = "group__org"

    class Meta:
        verbose_name = _("study group membership")
        verbose_name_plural = _("study group memberships")
        ordering = ["group", "member__name_pinyin"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member"],
                condition=models.Q(left_on__isnull=True),
                name="study_membership_once",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="study_membership_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.member}"


class StudySession(models.Model):
    """One study session: an orglife meeting (time, attendance, minutes) of a study group."""

    meeting = models.OneToOneField(
        "orglife.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="study",
    )
    group = models.ForeignKey(
        StudyGroup,
        verbose_name=_("study group"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    materials = models.TextField(_("study materials"), blank=True)

    scope_field = "group__org"

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ["-meeting__starts_at", "-id"]

    def __str__(self) -> str:
        return str(self.meeting)


class Speech(models.Model):
    """交流研讨发言: what an attendee said in a study session (sanitised rich text)."""

    session = models.ForeignKey(
        StudySession,
        verbose_name=_("study session"),
        on_delete=models.CASCADE,
        related_name="speeches",
    )
    speaker = models.ForeignKey(
        "members.Member",
        verbose_name=_("speaker"),
        on_delete=models.PROTECT,
        related_name="speeches",
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)  # sanitised HTML
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_field = "session__group__org"

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["session", "id"]

    def __str__(self) -> str:
        return self.title


class StudyPlan(models.Model):
    """学习计划: an organisation's study plan for one year (one active plan per year)."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="study_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    scope_field = "org"

    class Meta:
        verbose_name = _("study plan")
        verbose_name_plural = _("study plans")
        ordering = ["-year", "org__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year"],
                condition=models.Q(archived_at__isnull=True),
                name="study_plan_once_a_year",
            ),
        ]

    def __str__(self) -> str:
        return self.title
