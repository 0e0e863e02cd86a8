"""The generic authorization walk: every URL pattern, four actors.

anonymous → sent to sign in; signed in without the permission → 403 or 404; holder of the
permission in another organisation → 404 for objects of this side (and nothing changes); holder
in scope → the page opens. Every view must declare its permission; a new URL without an entry in
OBJECT_KWARGS for its parameters fails here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from mofan.accounts.models import Grant, GrantRequest, PasswordResetRequest, UserSession
from mofan.campaigns.models import Campaign, Review, Submission, SubmissionVersion
from mofan.cobuild.models import (
    Agreement,
    Demand,
    MenuTopic,
    Order,
    OrderEvent,
    ProjectMember,
    ServiceProject,
)
from mofan.core import access
from mofan.core.checkin import make_token
from mofan.core.models import AuditEvent, ImportJob, Notice
from mofan.core.services import notice_send
from mofan.core.views import ScopedView
from mofan.members.models import Member, MemberTransfer
from mofan.orglife.models import (
    AppraisalEntry,
    Attendance,
    HeartTalk,
    Meeting,
    MeetingAttachment,
)
from mofan.orglife.services import (
    appraisal_open,
    attachment_add,
    calendar_feed_reset,
    meeting_schedule,
)
from mofan.orgs.models import CommitteeSeat, PartnerContact, PartnerUnit
from mofan.orgs.services import partner_contact_add, partner_create, seat_assign
from mofan.portal.models import Article, ArticleImage, ArticleRevision, Column, Topic
from mofan.study.models import Speech, StudyGroup, StudyGroupMembership, StudyPlan, StudySession
from mofan.study.services import (
    study_group_create,
    study_plan_create,
    study_session_schedule,
)
from mofan.volunteer.models import (
    CommunityRegistration,
    Participation,
    RegistrationEvaluation,
    RegistrationTask,
    VolunteerActivity,
    VolunteerTeam,
    Wish,
)
from tests.conftest import Tree, login, make_members, make_role, make_user
from tests.lawedu.factories import walk_posts, walk_snapshot, walk_world

# Views open to the public or any signed-in user: the outcome for "no permission" is success.
SELF_SERVICE = {access.PUBLIC, access.AUTHENTICATED}
# Views whose objects are not organisation-scoped (system administration, 三员分立): a holder
# anywhere is a holder. Their "other organisation" actor is therefore treated as in scope.
SYSTEM_WIDE = {
    "accounts:user_edit",
    "accounts:user_reset_password",
    "accounts:role_edit",
    "accounts:session_end",
    "accounts:reset_request_decide",
}


def _walk(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{entry.namespace}:" if entry.namespace else prefix
            found += _walk(entry, ns)
        elif entry.name:
            found.append((f"{prefix}{entry.name}", entry))
    return found


def mofan_patterns() -> list[tuple[str, URLPattern]]:
    return [
        (name, p)
        for name, p in _walk(get_resolver())
        if getattr(p.callback, "view_class", None) is not None
        and issubclass(p.callback.view_class, ScopedView)
    ]


@pytest.fixture
def world(tree: Tree, roles: Any) -> dict[str, Any]:
    return build_world(tree, roles)


def build_world(tree: Tree, roles: Any) -> dict[str, Any]:
    """One object of each kind on side A (the actor's scope)."""
    members = make_members(tree.branch_a1, 3)
    seat = seat_assign(
        actor=None,
        org=tree.branch_a1,
        position="secretary",
        holder=members[0],
        starts_on=__import__("datetime").date(2025, 1, 1),
    )
    partner = partner_create(actor=None, org=tree.committee_a, name="甲社区", kind="community")
    author = make_user("author", grants=[(roles["work_committee_admin"], tree.root, True)])
    notice = notice_send(
        actor=author, sender_org=tree.committee_a, org=tree.committee_a, title="通知", body="正文"
    )
    target_user = make_user("target", grants=[(roles["member"], tree.branch_a1, False)])
    grant = Grant.objects.get(user=target_user)
    session = UserSession.objects.create(
        session_key="k" * 32,
        user=target_user,
        last_seen=__import__("django.utils.timezone").utils.timezone.now(),
    )
    meeting = meeting_schedule(
        actor=None,
        org=tree.branch_a1,
        kind="themed_party_day",
        topic="主题党日",
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=2),
    )
    attachment = attachment_add(
        actor=None,
        meeting=meeting,
        upload=SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n%walk\n"),
    )
    appraisal = appraisal_open(actor=None, org=tree.branch_a1, year=2026)
    volunteer = volunteer_world(tree, members)
    study_group = study_group_create(
        actor=None, org=tree.branch_a1, kind="biweekly", name="双周学习", members=members[:2]
    )
    study_session = study_session_schedule(
        actor=None,
        group=study_group,
        topic="双周学习",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
    )
    study_plan = study_plan_create(
        actor=None, org=tree.branch_a1, year=timezone.localdate().year, title="学习计划"
    )
    job = ImportJob.objects.create(
        kind="members.roster",
        org=tree.branch_a1,
        created_by=author,
        file_name="名册.xlsx",
        status=ImportJob.Status.READY,
    )
    portal = portal_world()
    grant_request = GrantRequest.objects.create(
        user=target_user, role=roles["branch_committee"], org=tree.branch_a1, requested_by=author
    )
    reset_request = PasswordResetRequest.objects.create(
        user=target_user, password="!", requested_by=author
    )
    return {
        **campaign_world(tree, roles),
        **portal,
        "feed_token": calendar_feed_reset(user=target_user).token,
        "attendance_id": meeting.attendances.first().pk,
        "token": make_token("orglife.meeting", meeting.pk),
        "meeting_id": meeting.pk,
        "attachment_id": attachment.pk,
        "appraisal_id": appraisal.pk,
        **volunteer,
        **walk_world(tree.committee_a),
        "job_id": job.pk,
        "group_id": study_group.pk,
        "study_session_id": study_session.pk,
        "plan_id": study_plan.pk,
        "member_id": members[1].pk,
        "org_id": tree.branch_a1.pk,
        "seat_id": seat.pk,
        "partner_id": partner.pk,
        "partner_contact_id": partner_contact_add(actor=None, partner=partner, name="联络人").pk,
        "notice_id": notice.pk,
        "user_id": target_user.pk,
        "grant_id": grant.pk,
        "role_id": roles["member"].pk,
        "session_id": session.pk,
        "request_id": grant_request.pk,
        "reset_id": reset_request.pk,
        "_notice": notice,
        "_author": author,
    }


def volunteer_world(tree: Tree, members: list[Any]) -> dict[str, Any]:
    """An activity with a participant, a certificate and a wish with a photo, on side A."""
    from datetime import timedelta as td

    from django.core.files.uploadedfile import SimpleUploadedFile as Upload

    from mofan.volunteer.models import ActivityKind, Certificate, Participation, WishPhoto
    from mofan.volunteer.services import activity_create, wish_post
    from tests.orglife.test_oversight import png_bytes

    start = timezone.now() + td(days=3)
    activity = activity_create(
        actor=None,
        org=tree.committee_a,
        kind=ActivityKind.objects.get_or_create(name="环境整治")[0],
        title="环境整治",
        place="小区",
        starts_at=start,
        ends_at=start + td(hours=2),
        capacity=5,
    )
    participation = Participation.objects.create(
        activity=activity, member=members[1], state="signed_up", signed_up_at=timezone.now()
    )
    certificate = Certificate.objects.create(
        number="ZYZM2026000001",
        check_code="ABCD1234",
        member=members[1],
        org=tree.committee_a,
        period_from=start.date(),
        period_to=start.date(),
        hours=2,
        activities=1,
        content="环境整治",
        person_in_charge="甲",
        handler="乙",
        handler_contact="1",
        issued_on=start.date(),
    )
    community = partner_create(actor=None, org=tree.committee_a, name="乙社区", kind="community")
    wish = wish_post(
        actor=None,
        community=community,
        beneficiary="王某",
        title="轮椅",
        estimated_value="500",
        deadline=start.date(),
        photos=[Upload("w.png", png_bytes())],
    )
    from mofan.volunteer.services import team_create

    team = team_create(actor=None, org=tree.committee_a, name="志愿服务队")
    from mofan.cobuild.services import agreement_create

    agreement = agreement_create(
        actor=None,
        org=tree.committee_a,
        title="共建协议",
        signed_on=start.date() - td(days=10),
        ends_on=start.date() + td(days=365),
        party_orgs=[tree.committee_a],
        party_partners=[community],
        scan=Upload("协议.pdf", b"%PDF-1.4\n"),
    )
    from mofan.volunteer.models import CommunityRegistration

    registration = CommunityRegistration.objects.create(member=members[1], community=community)
    from mofan.volunteer.models import RegistrationTask

    confirmed = CommunityRegistration.objects.create(
        member=members[2], community=community, state="confirmed", decided_at=timezone.now()
    )
    task = RegistrationTask.objects.create(
        registration=confirmed, title="楼栋巡查", state="reported", hours=2, report="巡查"
    )
    return {
        **orders_world(tree, members, community),
        "registration_id": registration.pk,
        "confirmed_registration_id": confirmed.pk,
        "community_id": community.pk,
        "task_id": task.pk,
        "step": "confirm",
        "agreement_id": agreement.pk,
        "team_id": team.pk,
        "activity_id": activity.pk,
        "participation_id": participation.pk,
        "certificate_id": certificate.pk,
        "wish_id": wish.pk,
        "photo_id": WishPhoto.objects.get(wish=wish).pk,
    }


def orders_world(tree: Tree, members: list[Any], partner: Any) -> dict[str, Any]:
    """A service project of side A with a delivered order (lesson plan, photo) and a demand."""
    from datetime import timedelta as td

    from django.core.files.uploadedfile import SimpleUploadedFile as Upload

    from mofan.cobuild import services as cb
    from tests.orglife.test_oversight import png_bytes

    project = cb.project_create(
        actor=None,
        org=tree.committee_a,
        name="模法师",
        formats=["lecture", "mock_trial"],
        team_orgs=[tree.branch_a1],
    )
    lecturer = cb.project_member_add(actor=None, project=project, member=members[2])
    topic = cb.topic_add(actor=None, project=project, title="模拟法庭", lecturers=[lecturer])
    now = timezone.now()
    order = cb.order_place(
        actor=None,
        topic=topic,
        partner=partner,
        format="mock_trial",
        audience="初二",
        audience_size=60,
        venue="礼堂",
        at=now - td(days=9),
    )
    cb.order_dispatch(actor=None, order=order, team=tree.branch_a1, at=now - td(days=8))
    cb.order_accept(actor=None, order=order, at=now - td(days=7))
    cb.order_schedule(actor=None, order=order, scheduled_at=now - td(days=2), at=now - td(days=6))
    cb.order_prepare(
        actor=None, order=order, lesson_plan=Upload("教案.pdf", b"%PDF-1.4\n"), at=now - td(days=5)
    )
    cb.order_deliver(
        actor=None,
        order=order,
        taught_by=[lecturer],
        attendance=58,
        photos=[Upload("p.png", png_bytes())],
        at=now - td(days=1),
    )
    open_order = cb.order_place(
        actor=None,
        topic=topic,
        partner=partner,
        format="lecture",
        audience="初一",
        audience_size=40,
        venue="教室",
    )
    demand = cb.demand_post(actor=None, partner=partner, title="禁毒讲座")
    return {
        "project_id": project.pk,
        "order_id": open_order.pk,
        "which": "lesson_plan",
        "order_photo_id": order.photos.get().pk,
        "demand_id": demand.pk,
        "_delivered_order_id": order.pk,
        "_topic_id": topic.pk,
        "_person_id": lecturer.pk,
    }


def campaign_world(tree: Tree, roles: Any) -> dict[str, Any]:
    """A campaign of side A under review: a submitted case with a photo, and its reviewer."""
    from mofan.campaigns.services import (
        campaign_open,
        campaign_start_review,
        review_assign,
        submission_create,
        submission_file_add,
        submission_submit,
    )
    from tests.orglife.test_oversight import png_bytes

    campaign = campaign_open(
        actor=None,
        org=tree.committee_a,
        title="案例征集",
        deadline=timezone.now() + timedelta(days=1),
    )
    sections = dict.fromkeys(campaign.sections, "<p>内容</p>")
    case = submission_create(
        actor=None,
        campaign=campaign,
        org=tree.branch_a1,
        category=campaign.categories[0],
        title="案例",
        sections=sections,
    )
    photo = submission_file_add(
        actor=None,
        submission=case,
        upload=SimpleUploadedFile("照片.png", png_bytes()),
        kind="photo",
    )
    submission_submit(actor=None, submission=case)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(hours=1))
    campaign_start_review(actor=None, campaign=Campaign.objects.get(pk=campaign.pk))
    expert = make_user("expert", grants=[(roles["reviewer"], tree.root, True)])
    review = review_assign(actor=None, submission=case, reviewer=expert)
    return {
        "campaign_id": campaign.pk,
        "submission_id": case.pk,
        "version_id": case.versions.first().pk,
        "file_id": photo.pk,
        "review_id": review.pk,
    }


def portal_world() -> dict[str, Any]:
    """The portal belongs to the work committee at the top (side A's root): a column, a topic
    and a published article with a picture."""
    from django.core.files.uploadedfile import SimpleUploadedFile as Upload

    from mofan.portal import services as portal
    from tests.orglife.test_oversight import png_bytes

    column = portal.column_ensure(None, "要闻动态")
    topic = portal.topic_ensure(None, ["本网专题", "2022", "互联网+普法宣传"])
    article = portal.article_create(
        None, title="已发布文章", body="<p>正文</p>", column=column, topic=topic
    )
    image = portal.article_image_add(None, article, upload=Upload("p.png", png_bytes()))
    portal.article_publish(None, portal.article_submit(None, article))
    return {
        "column_id": column.pk,
        "topic_id": topic.pk,
        "article_id": article.pk,
        "image_id": image.pk,
    }


def _url(name: str, pattern: URLPattern, world: dict[str, Any]) -> str:
    kwargs = {key: world[key] for key in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs)


def _snapshot() -> tuple[Any, ...]:
    return (
        Member.objects.filter(archived_at__isnull=True).count(),
        MemberTransfer.objects.count(),
        AuditEvent.objects.count(),
        Grant.objects.filter(revoked_at__isnull=True).count(),
        sorted(GrantRequest.objects.values_list("pk", "status")),
        sorted(PasswordResetRequest.objects.values_list("pk", "status", "password")),
        CommitteeSeat.objects.filter(ends_on__isnull=True).count(),
        Notice.objects.count(),
        PartnerUnit.objects.count(),
        sorted(PartnerContact.objects.values_list("pk", "user_id")),
        ImportJob.objects.filter(status=ImportJob.Status.READY).count(),
        Meeting.objects.filter(status="scheduled").count(),
        Attendance.objects.exclude(status="expected").count(),
        MeetingAttachment.objects.filter(removed_at__isnull=True).count(),
        Meeting.objects.exclude(review_state="not_submitted").count(),
        AppraisalEntry.objects.count(),
        AppraisalEntry.objects.exclude(proposed_grade="", grade="").count(),
        HeartTalk.objects.count(),
        VolunteerActivity.objects.filter(status="open").count(),
        Participation.objects.exclude(checked_in_at=None).count(),
        VolunteerTeam.members.through.objects.count(),
        Agreement.objects.filter(ended_at__isnull=True).count(),
        CommunityRegistration.objects.filter(state="pending").count(),
        Wish.objects.exclude(status="submitted").count(),
        StudyGroup.objects.count(),
        StudyGroupMembership.objects.filter(left_on__isnull=True).count(),
        StudySession.objects.count(),
        Speech.objects.count(),
        StudyPlan.objects.count(),
        sorted(StudyPlan.objects.values_list("title", flat=True)),
        list(RegistrationTask.objects.order_by("pk").values_list("state", flat=True)),
        RegistrationEvaluation.objects.count(),
        sorted(Order.objects.values_list("pk", "state", "team_id", "rating")),
        sorted(Demand.objects.values_list("pk", "state")),
        sorted(ServiceProject.objects.values_list("pk", "name", "org_id", "archived_at")),
        sorted(ProjectMember.objects.values_list("pk", "left_at")),
        sorted(MenuTopic.objects.values_list("pk", "title", "archived_at")),
        OrderEvent.objects.count(),
        walk_snapshot(),
        Campaign.objects.filter(phase="reviewing").count(),
        sorted(Submission.objects.values_list("state", "title", "tier")),
        SubmissionVersion.objects.count(),
        Review.objects.filter(scored_at__isnull=False).count(),
        sorted(Article.objects.values_list("state", "title", "body")),
        ArticleRevision.objects.count(),
        ArticleImage.objects.count(),
        Column.objects.count(),
        Topic.objects.count(),
    )


def test_every_view_declares_a_permission() -> None:
    patterns = mofan_patterns()
    assert len(patterns) >= 40
    undeclared = [name for name, p in patterns if not p.callback.view_class.permission]
    assert undeclared == []


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per URL pattern, so that the walk runs in parallel and a failure names its URL."""
    if "pattern_name" in metafunc.fixturenames:
        metafunc.parametrize("pattern_name", [name for name, _ in mofan_patterns()])


@pytest.fixture(scope="class")
def walk_setup(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The tree and the world, built once for the consecutive walk tests of a worker. Each
    test runs in a savepoint inside this outer transaction and is rolled back to it; pytest
    ends the class fixture (rolling it back) before any test outside the class runs."""
    from django.db import transaction
    from django.test import override_settings

    from mofan.accounts.services import roles_ensure_builtin
    from tests.conftest import build_tree

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        roles = {role.code: role for role in roles_ensure_builtin()}
        tree = build_tree()
        yield tree, build_world(tree, roles)
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestAuthorizationWalk:
    def test_pattern(self, client: Any, walk_setup: Any, pattern_name: str) -> None:
        tree, world = walk_setup
        # A check-in code lives a minute; the world may be older than that.
        world = {**world, "token": make_token("orglife.meeting", world["meeting_id"])}
        name, pattern = next((n, p) for n, p in mofan_patterns() if n == pattern_name)
        view = pattern.callback.view_class
        permission = view.permission
        url = _url(name, pattern, world)
        has_get = hasattr(view, "get")
        method = client.get if has_get else client.post

        # 1. anonymous
        before = _snapshot()
        response = method(url)
        if permission == access.PUBLIC:
            assert response.status_code in {200, 302}, name
        else:
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("accounts:login")), name
        assert _snapshot() == before, name
        if permission in SELF_SERVICE:
            return
        if isinstance(permission, access.Policy):
            # 2. signed in, but not whom the policy lets in (no grant, no member record)
            login(client, make_user("walk-nobody"))
            before = _snapshot()
            assert method(url).status_code in {403, 404}, name
            assert _snapshot() == before, name
            return

        # 2. signed in, without the permission
        login(client, make_user("walk-nobody"))
        before = _snapshot()
        response = method(url)
        assert response.status_code in {403, 404}, name
        assert _snapshot() == before, name

        # 3. the permission, but in another organisation (side B)
        role = make_role("walk-role", [permission])
        login(client, make_user("walk-outsider", grants=[(role, tree.committee_b, True)]))
        before = _snapshot()
        response = method(url)
        takes_object = bool(pattern.pattern.converters)
        if takes_object and name not in SYSTEM_WIDE:
            assert response.status_code == 404, name
            assert _snapshot() == before, name
        elif has_get:
            assert response.status_code == 200, name

        # 4. the permission in scope (side A, from the top)
        login(client, make_user("walk-insider", grants=[(role, tree.root, True)]))
        if has_get:
            response = client.get(url)
            assert response.status_code == 200, name


@pytest.mark.django_db
def test_out_of_scope_post_changes_nothing(
    client: Any, tree: Tree, world: dict[str, Any], roles: Any
) -> None:
    """A committee administrator of side B posts to side A's objects: 404, nothing written."""
    outsider = make_user("b-admin", grants=[(roles["committee_admin"], tree.committee_b, True)])
    portal_outsider = make_user(
        "b-portal", grants=[(roles["work_committee_admin"], tree.committee_b, True)]
    )
    login(client, outsider)
    before = _snapshot()
    posts = [
        (reverse("orgs:edit", args=[world["org_id"]]), {"name": "改名"}),
        (reverse("orgs:move", args=[world["org_id"]]), {"new_parent": tree.committee_b.pk}),
        (reverse("orgs:archive", args=[world["org_id"]]), {"reason": "撤销"}),
        (reverse("orgs:seat_end", args=[world["seat_id"]]), {"ends_on": "2026-01-01"}),
        (reverse("orgs:term_create", args=[world["org_id"]]), {"starts_on": "2026-01-01"}),
        (reverse("orgs:partner_contact_add", args=[world["partner_id"]]), {"name": "张三"}),
        (
            reverse("orgs:partner_contact_login", args=[world["partner_contact_id"]]),
            {"username": "target"},
        ),
        (reverse("core:notice_receipts", args=[world["notice_id"]]), {}),
        (reverse("members:edit", args=[world["member_id"]]), {"full_name": "改名"}),
        (
            reverse("members:transfer", args=[world["member_id"]]),
            {"to_org": tree.branch_b1.pk, "transferred_on": "2026-01-01", "reason": "调动"},
        ),
        (reverse("members:archive", args=[world["member_id"]]), {"reason": "death"}),
        (reverse("members:unmask", args=[world["member_id"]]), {}),
        (reverse("members:import_confirm", args=[world["job_id"]]), {}),
        (reverse("orglife:status", args=[world["meeting_id"]]), {"status": "cancelled"}),
        (reverse("orglife:leave_decide", args=[world["attendance_id"]]), {"approve": "1"}),
        (reverse("orglife:minutes", args=[world["meeting_id"]]), {"minutes": "篡改"}),
        (
            reverse("orglife:resolution", args=[world["meeting_id"]]),
            {"text": "越权", "votes_for": 1, "votes_against": 0, "abstentions": 0},
        ),
        (
            reverse("orglife:attendance", args=[world["meeting_id"]]),
            {"member": world["member_id"], "status": "present"},
        ),
        (reverse("members:link_user", args=[world["member_id"]]), {"username": "target"}),
        (reverse("orglife:submit", args=[world["meeting_id"]]), {}),
        (reverse("orglife:review", args=[world["meeting_id"]]), {"decision": "approve"}),
        (
            reverse("orglife:attach", args=[world["meeting_id"]]),
            {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n")},
        ),
        (reverse("orglife:attachment_remove", args=[world["attachment_id"]]), {}),
        (reverse("volunteer:cancel", args=[world["activity_id"]]), {"reason": "越权"}),
        (reverse("volunteer:confirm", args=[world["activity_id"]]), {}),
        (
            reverse("volunteer:times", args=[world["participation_id"]]),
            {"checked_in_at": "2026-01-01T09:00"},
        ),
        (
            reverse("volunteer:hours_correct", args=[world["participation_id"]]),
            {"hours": "1", "reason": "越权"},
        ),
        (reverse("volunteer:wish_act", args=[world["wish_id"]]), {"step": "publish"}),
        (reverse("volunteer:team", args=[world["team_id"]]), {"add": [world["member_id"]]}),
        (
            reverse("cobuild:agreement", args=[world["agreement_id"]]),
            {"step": "end", "reason": "越权"},
        ),
        (
            reverse("volunteer:registration_decide", args=[world["registration_id"]]),
            {"approve": "1"},
        ),
        (
            reverse("volunteer:task_assign", args=[world["confirmed_registration_id"]]),
            {"title": "越权"},
        ),
        (
            reverse("volunteer:registration_evaluate", args=[world["confirmed_registration_id"]]),
            {"year": "2026", "grade": "good"},
        ),
        (reverse("volunteer:task_step", args=[world["task_id"], "confirm"]), {}),
        (reverse("volunteer:task_step", args=[world["task_id"], "report"]), {"hours": "1"}),
        (
            reverse("orglife:appraisal_grades", args=[world["appraisal_id"]]),
            {"action": "conclude"},
        ),
        (
            reverse("orglife:talk_create", args=[world["org_id"]]),
            {"summary": "越权", "talked_on": "2026-01-01"},
        ),
        (
            reverse("study:group_members_add", args=[world["group_id"]]),
            {"members": [world["member_id"]]},
        ),
        (
            reverse("study:group_member_remove", args=[world["group_id"], world["member_id"]]),
            {},
        ),
        (
            reverse("study:session_create", args=[world["group_id"]]),
            {
                "topic": "越权学习",
                "starts_at": "2026-12-20T09:00",
                "ends_at": "2026-12-20T11:00",
            },
        ),
        (
            reverse("study:speech_add", args=[world["study_session_id"]]),
            {"speaker": world["member_id"], "title": "越权发言"},
        ),
        (
            reverse("study:plan_edit", args=[world["plan_id"]]),
            {"title": "篡改", "content": "篡改"},
        ),
        (
            reverse("cobuild:order_step", args=[world["order_id"]]),
            {"step": "dispatch", "team": tree.branch_b1.pk},
        ),
        (
            reverse("cobuild:order_step", args=[world["order_id"]]),
            {"step": "cancel", "reason": "越权"},
        ),
        (
            reverse("cobuild:order_step", args=[world["_delivered_order_id"]]),
            {"step": "confirm", "rating": "1"},
        ),
        (reverse("cobuild:demand", args=[world["demand_id"]]), {"step": "close"}),
        (
            reverse("cobuild:project", args=[world["project_id"]]),
            {"step": "topic", "title": "越权课题"},
        ),
        (
            reverse("cobuild:project", args=[world["project_id"]]),
            {"step": "member", "name": "越权", "unit": "乙"},
        ),
        (
            reverse("cobuild:project_edit", args=[world["project_id"]]),
            {"org": tree.committee_b.pk, "name": "越权", "formats": ["lecture"]},
        ),
        (
            reverse("cobuild:project", args=[world["project_id"]]),
            {"step": "archive", "reason": "越权"},
        ),
        (
            reverse("cobuild:project", args=[world["project_id"]]),
            {"step": "member_end", "person": world["_person_id"]},
        ),
        (
            reverse("cobuild:project", args=[world["project_id"]]),
            {"step": "topic_edit", "topic": world["_topic_id"], "edit-title": "越权"},
        ),
        (
            reverse("cobuild:project", args=[world["project_id"]]),
            {"step": "topic_retire", "topic": world["_topic_id"]},
        ),
    ]
    posts += walk_posts(world, reverse)
    posts += [
        (reverse("campaigns:case", args=[world["submission_id"]]), {"step": "withdraw"}),
        (
            reverse("campaigns:case_edit", args=[world["submission_id"]]),
            {"title": "篡改", "category": "党建+业务"},
        ),
        (
            reverse("campaigns:case_create", args=[world["campaign_id"]]),
            {"org": tree.branch_b1.pk, "title": "越权", "category": "党建+业务"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in {404, 405}, url
    # The portal is the work committee's: an editor and publisher of side B changes nothing.
    login(client, portal_outsider)
    article_id = world["article_id"]
    portal_posts = [
        (reverse("portal:article_edit", args=[article_id]), {"title": "篡改", "body": "篡改"}),
        (reverse("portal:article_submit", args=[article_id]), {}),
        (
            reverse("portal:article_decide", args=[article_id]),
            {"action": "unpublish", "reason": "越权"},
        ),
        (
            reverse("portal:article_image_add", args=[article_id]),
            {"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n0000")},
        ),
    ]
    for url, data in portal_posts:
        assert client.post(url, data).status_code == 404, url
    assert client.post(reverse("portal:structure"), {"name": "越权栏目"}).status_code == 403
    # Nor does that side's approver decide a grant request of side A.
    response = client.post(
        reverse("accounts:grant_request_decide", args=[world["request_id"]]),
        {"decision": "approve"},
    )
    assert response.status_code == 404
    login(client, outsider)
    # A form naming an organisation outside the scope is answered with the form again.
    response = client.post(
        reverse("orglife:appraisal_open"), {"org": world["org_id"], "year": 2025}
    )
    assert response.status_code == 200 and response.context["form"].errors["org"]
    response = client.post(
        reverse("lawedu:material_create"),
        {"org": world["org_id"], "name": "越权资料", "unit": "本", "stock": 1, "low_stock_at": 0},
    )
    assert response.status_code == 200 and response.context["form"].errors["org"]
    assert _snapshot() == before
    tree.branch_a1.refresh_from_db()
    assert tree.branch_a1.name == "甲第一支部"


@pytest.mark.django_db
def test_orders_seen_by_partner_team_and_coordinators_only(
    client: Any, tree: Tree, world: dict[str, Any], roles: Any
) -> None:
    """Every order URL: the ordering partner's contact, the team it went to and the
    coordinating organisation open it; another partner's contact, another branch of the same
    committee and the other side get 404."""
    from mofan.orgs.models import PartnerContact
    from mofan.orgs.services import partner_contact_add

    order = Order.objects.get(pk=world["_delivered_order_id"])
    contact, other_contact = make_user("contact"), make_user("other-contact")
    PartnerContact.objects.filter(
        pk=partner_contact_add(actor=None, partner=order.partner, name="甲").pk
    ).update(user=contact)
    elsewhere = partner_create(actor=None, org=tree.committee_a, name="别的学校", kind="school")
    PartnerContact.objects.filter(
        pk=partner_contact_add(actor=None, partner=elsewhere, name="乙").pk
    ).update(user=other_contact)
    allowed = [
        contact,
        make_user("team", grants=[(roles["branch_secretary"], tree.branch_a1, True)]),
        make_user("coord", grants=[(roles["committee_admin"], tree.committee_a, True)]),
    ]
    refused = [
        other_contact,
        make_user("a2", grants=[(roles["branch_secretary"], tree.branch_a2, True)]),
        make_user("side-b", grants=[(roles["committee_admin"], tree.committee_b, True)]),
    ]
    values = {**world, "order_id": order.pk}
    urls = [
        _url(name, pattern, values)
        for name, pattern in mofan_patterns()
        if {"order_id", "order_photo_id"} & set(pattern.pattern.converters)
        and name.startswith("cobuild:")  # lawedu's pages of an order are for lawedu holders
        and hasattr(pattern.callback.view_class, "get")
    ]
    assert len(urls) >= 3
    for url in urls:
        for user in allowed:
            login(client, user)
            assert client.get(url).status_code == 200, (url, user.username)
        for user in refused:
            login(client, user)
            assert client.get(url).status_code == 404, (url, user.username)
    board = reverse("cobuild:orders")
    for user in refused:
        login(client, user)
        assert order.pk not in [o.pk for o in client.get(board).context["page"]]


@pytest.mark.django_db
def test_public_portal_pages_show_no_unpublished_article(
    client: Any, world: dict[str, Any]
) -> None:
    """Every public page of the portal, walked with the world's objects, while articles in
    every state but published sit in the same column and topic."""
    from datetime import timedelta as td

    from mofan.portal import services as portal

    column = Column.objects.get(pk=world["column_id"])
    topic = Topic.objects.get(pk=world["topic_id"])

    def write(title: str) -> Any:
        return portal.article_create(
            None, title=title, body=f"<p>{title}正文</p>", column=column, topic=topic
        )

    write("未公开草稿")
    portal.article_submit(None, write("未公开待审"))
    portal.article_publish(
        None, portal.article_submit(None, write("未公开定时")), at=timezone.now() + td(days=1)
    )
    withdrawn = portal.article_publish(None, portal.article_submit(None, write("未公开撤稿")))
    portal.article_unpublish(None, withdrawn, reason="撤")
    client.logout()
    public = [
        (name, p)
        for name, p in mofan_patterns()
        if name.startswith("portal:") and p.callback.view_class.permission == access.PUBLIC
    ]
    assert len(public) >= 8
    for name, pattern in public:
        url = _url(name, pattern, world)
        for query in ("", "?q=未公开", "?q=正文"):
            response = client.get(url + query, follow=True)
            assert response.status_code == 200, name
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            for title in ("未公开草稿", "未公开待审", "未公开定时", "未公开撤稿"):
                assert title.encode() not in content, (name, query, title)
    for article in Article.objects.exclude(state="published"):
        assert client.get(reverse("portal:article", args=[article.pk])).status_code == 404
