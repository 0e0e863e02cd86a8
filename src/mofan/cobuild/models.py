"""Co-building (M6), first part: agreements between any number of parties, and the joint
meetings held under them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mofan.core.models import StoredFile


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


# ── Second part: the three lists and the order loop (点单 → 派单 → 接单 → 服务 → 评单) ──


class ProjectKind(models.TextChoices):
    GENERAL = "general", _("General service")
    LEGAL_EDUCATION = "legal_education", _("Legal education")  # 模法师


class OrderFormat(models.TextChoices):
    """方式: how a session is given."""

    LECTURE = "lecture", _("Law lecture")  # 法治讲堂
    INTERACTIVE = "interactive", _("Interactive class")  # 互动课堂
    MOCK_TRIAL = "mock_trial", _("Mock trial")  # 模拟法庭
    VISIT = "visit", _("Site visit")  # 参观教育基地
    CONSULTATION = "consultation", _("Legal consultation")  # 法律咨询


class ServiceProject(models.Model):
    """项目清单: what a party organisation offers, with its team and its menu. `org` owns the
    project and coordinates its orders (with everything above it); `team_orgs` are the party
    organisations whose people serve in it."""

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("owning organisation"),
        on_delete=models.PROTECT,
        related_name="service_projects",
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ProjectKind.choices, default=ProjectKind.GENERAL
    )
    summary = models.TextField(_("summary"), blank=True)
    formats = models.JSONField(_("formats"), default=list, blank=True)  # OrderFormat values
    team_orgs = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name=_("team organisations"),
        blank=True,
        related_name="service_projects_served",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service project")
        verbose_name_plural = _("service projects")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="service_project_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectMember(models.Model):
    """A person of a project's team: a party member of the deployment, or an outside
    professional (lawyer, judicial police…) named with their unit."""

    project = models.ForeignKey(
        ServiceProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="team"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("party member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_roles",
    )
    name = models.CharField(_("name"), max_length=50)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=50, blank=True)
    is_lecturer = models.BooleanField(_("lecturer"), default=True)  # 师资
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    scope_field = "project__org"

    class Meta:
        verbose_name = _("project team member")
        verbose_name_plural = _("project team members")
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "member"],
                condition=models.Q(member__isnull=False),
                name="project_member_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MenuTopic(models.Model):
    """内容: an orderable topic on a project's menu, with its lecturers (师资)."""

    project = models.ForeignKey(
        ServiceProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="topics"
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    lecturers = models.ManyToManyField(
        ProjectMember, verbose_name=_("lecturers"), blank=True, related_name="topics"
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    scope_field = "project__org"

    class Meta:
        verbose_name = _("menu topic")
        verbose_name_plural = _("menu topics")
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "title"], name="menu_topic_once"),
        ]

    def __str__(self) -> str:
        return self.title


class DemandState(models.TextChoices):
    OPEN = "open", pgettext_lazy("demand state", "Open")  # posted, no project yet
    MATCHED = "matched", _("Matched")  # a project will serve it
    CLOSED = "closed", _("Closed")  # withdrawn or done


class Demand(models.Model):
    """需求清单: what a partner asks for, posted by its contact or by staff on its behalf."""

    partner = models.ForeignKey(
        "orgs.PartnerUnit",
        verbose_name=_("partner unit"),
        on_delete=models.PROTECT,
        related_name="demands",
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("audience"), max_length=100, blank=True)
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DemandState.choices, default=DemandState.OPEN
    )
    project = models.ForeignKey(
        ServiceProject,
        verbose_name=_("matched project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    scope_field = "partner__org"

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="matched") | models.Q(project__isnull=False),
                name="matched_demand_has_project",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def waited(span: timedelta | None) -> str:
    """A waiting time as people say it: days and hours, or hours and minutes."""
    if span is None:
        return ""
    hours = int(span.total_seconds() // 3600)
    if hours >= 24:
        return str(_("{days} d {hours} h")).format(days=hours // 24, hours=hours % 24)
    minutes = int(span.total_seconds() // 60) % 60
    return str(_("{hours} h {minutes} min")).format(hours=hours, minutes=minutes)


class OrderState(models.TextChoices):
    ORDERED = "ordered", _("Ordered")  # 点单: the partner ordered; awaits dispatch
    DISPATCHED = "dispatched", _("Dispatched")  # 派单: a team was chosen; awaits its answer
    DECLINED = "declined", _("Declined")  # the team declined; the coordinator dispatches again
    ACCEPTED = "accepted", _("Accepted")  # 接单: the team takes it on; awaits a date
    SCHEDULED = "scheduled", _("Session scheduled")  # the session has a date and time
    PREPARED = "prepared", _("Prepared")  # lesson plan (and slides) uploaded
    DELIVERED = "delivered", _("Delivered")  # 服务: the session took place
    CONFIRMED = "confirmed", _("Confirmed")  # 评单: the partner confirmed and rated it
    CANCELLED = "cancelled", _("Cancelled")  # by either side, with a reason


class Order(models.Model):
    """One order from a project's menu and its way through its declared workflow
    (`mofan.cobuild.workflows.ORDER`). Seen by the partner's contacts, the team
    it was dispatched to and the coordinating organisation (the project's and above)."""

    project = models.ForeignKey(
        ServiceProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="orders"
    )
    topic = models.ForeignKey(
        MenuTopic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="orders"
    )
    partner = models.ForeignKey(
        "orgs.PartnerUnit",
        verbose_name=_("partner unit"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    format = models.CharField(_("format"), max_length=20, choices=OrderFormat.choices)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=OrderState.choices,
        default=OrderState.ORDERED,
        db_index=True,
    )
    preferred_dates = models.CharField(_("preferred dates"), max_length=200, blank=True)
    audience = models.CharField(_("audience"), max_length=100)
    audience_size = models.PositiveIntegerField(_("audience size"))
    venue = models.CharField(_("venue"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    demand = models.ForeignKey(
        Demand,
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ordered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ordered_at = models.DateTimeField(_("ordered at"), db_index=True)
    team = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_orders",
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    lesson_plan = models.FileField(
        _("lesson plan"), upload_to="orders/%Y/", max_length=200, blank=True
    )
    lesson_plan_name = models.CharField(_("file name"), max_length=200, blank=True)
    lesson_plan_type = models.CharField(_("type"), max_length=50, blank=True)
    slides = models.FileField(_("slides"), upload_to="orders/%Y/", max_length=200, blank=True)
    slides_name = models.CharField(_("file name"), max_length=200, blank=True)
    slides_type = models.CharField(_("type"), max_length=50, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    taught_by = models.ManyToManyField(
        ProjectMember, verbose_name=_("taught by"), blank=True, related_name="orders_taught"
    )
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)

    scope_field = "project__org"

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_at", "-id"]
        indexes = [models.Index(fields=["partner", "state"], name="order_partner_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | (models.Q(rating__gte=1) & models.Q(rating__lte=5)),
                name="order_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["delivered", "confirmed"])
                | models.Q(delivered_at__isnull=False),
                name="delivered_order_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.topic}"

    @property
    def wait_to_dispatch(self) -> timedelta | None:
        """Ordered → (last) dispatched."""
        return self.dispatched_at - self.ordered_at if self.dispatched_at else None

    @property
    def wait_to_deliver(self) -> timedelta | None:
        """Ordered → delivered."""
        return self.delivered_at - self.ordered_at if self.delivered_at else None

    @property
    def wait_to_dispatch_text(self) -> str:
        return waited(self.wait_to_dispatch)

    @property
    def wait_to_deliver_text(self) -> str:
        return waited(self.wait_to_deliver)

    @property
    def took_place(self) -> bool:
        return self.state in (OrderState.DELIVERED, OrderState.CONFIRMED)


class OrderPhoto(StoredFile):
    """A photo of a delivered session."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to="orders/%Y/", max_length=200)

    scope_field = "order__project__org"

    class Meta:
        verbose_name = _("session photo")
        verbose_name_plural = _("session photos")
        ordering = ["order", "id"]


class OrderEvent(models.Model):
    """The order's log: every transition, who took it, when, and the note given."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step = models.CharField(_("step"), max_length=20)
    from_state = models.CharField(_("from state"), max_length=12, choices=OrderState.choices)
    to_state = models.CharField(_("to state"), max_length=12, choices=OrderState.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope_field = "order__project__org"

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.from_state}→{self.to_state}"
