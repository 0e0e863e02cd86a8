"""Editing and archiving service projects, ending a team member's membership, editing and
retiring menu topics: every refusal says why and changes nothing; every change is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mofan.cobuild import services
from mofan.cobuild.models import MenuTopic, Order, OrderState, ProjectMember, ServiceProject
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from tests.cobuild.orders_world import World, advance, build, place
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(tree: Tree, roles: dict[str, Any]) -> World:
    return build(tree, roles)


def _refused(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return " ".join(exc.value.messages)


def _state(w: World) -> tuple[Any, ...]:
    project = ServiceProject.objects.get(pk=w.project.pk)
    return (
        project.name,
        project.org_id,
        project.summary,
        project.formats,
        project.archived_at,
        sorted(project.team_orgs.values_list("pk", flat=True)),
        sorted(ProjectMember.objects.values_list("pk", "left_at")),
        sorted(MenuTopic.objects.values_list("pk", "title", "archived_at")),
        AuditEvent.objects.count(),
    )


def test_edit_a_project_and_move_it_within_scope(w: World, tree: Tree) -> None:
    project = services.project_update(
        actor=w.coordinator,
        project=w.project,
        org=tree.branch_a2,
        name=" 模法师 · 青少年 ",
        formats=["lecture"],
        summary="进校园",
        team_orgs=[tree.branch_a1],
    )
    assert (project.name, project.org, project.formats) == (
        "模法师 · 青少年",
        tree.branch_a2,
        ["lecture"],
    )
    assert set(project.team_orgs.all()) == {tree.branch_a1, tree.branch_a2}
    event = AuditEvent.objects.get(action="cobuild.project.update")
    assert event.changes["name"] == ["模法师", "模法师 · 青少年"]
    assert event.changes["org"] == ["甲机关党委", "甲第二支部"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": " "}, "请填写名称。"),
        ({"formats": []}, "请至少提供一种服务方式。"),
    ],
)
def test_refused_edits_change_nothing(w: World, change: dict[str, Any], message: str) -> None:
    before = _state(w)
    data: dict[str, Any] = {"name": "模法师", "formats": ["lecture"], **change}
    with pytest.raises(DomainError) as refused:
        services.project_update(actor=w.coordinator, project=w.project, **data)
    assert message in _refused(refused)
    assert _state(w) == before


def test_moving_out_of_scope_or_editing_as_a_team_is_refused(w: World, tree: Tree) -> None:
    before = _state(w)
    with pytest.raises(PermissionDenied):
        services.project_update(
            actor=w.coordinator,
            project=w.project,
            org=tree.committee_b,
            name="模法师",
            formats=["lecture"],
        )
    with pytest.raises(PermissionDenied):
        services.project_update(
            actor=w.team_user, project=w.project, name="改名", formats=["lecture"]
        )
    assert _state(w) == before


def test_archive_stops_new_orders_and_matches_but_orders_in_progress_go_on(w: World) -> None:
    running = advance(w, place(w), "accepted")
    demand = services.demand_post(actor=None, partner=w.school, title="禁毒讲座")
    with pytest.raises(DomainError) as refused:
        services.project_archive(actor=w.coordinator, project=w.project, reason=" ")
    assert "请说明原因。" in _refused(refused)
    services.project_archive(actor=w.coordinator, project=w.project, reason="项目结束")
    assert AuditEvent.objects.filter(action="cobuild.project.archive").count() == 1
    with pytest.raises(DomainError) as refused:
        place(w)
    assert "该课题已不在菜单中。" in _refused(refused)
    with pytest.raises(DomainError):
        services.demand_match(actor=w.coordinator, demand=demand, project=w.project)
    before = _state(w)
    for call in (
        lambda: services.project_archive(actor=w.coordinator, project=w.project, reason="再次"),
        lambda: services.topic_add(actor=w.coordinator, project=w.project, title="新课题"),
        lambda: services.project_member_end(actor=w.coordinator, person=w.lawyer),
    ):
        with pytest.raises(DomainError) as refused:
            call()
        assert "该项目已归档。" in _refused(refused)
    assert _state(w) == before
    services.order_schedule(
        actor=None,
        order=running,
        scheduled_at=__import__("django.utils.timezone").utils.timezone.now()
        + __import__("datetime").timedelta(days=2),
    )
    assert Order.objects.get(pk=running.pk).state == OrderState.SCHEDULED


def test_a_member_who_leaves_stays_in_history_and_is_no_longer_offered(
    client: Any, w: World
) -> None:
    order = advance(w, place(w), "prepared")
    person = services.project_member_end(actor=w.coordinator, person=w.lawyer)
    assert person.left_at is not None
    with pytest.raises(DomainError) as refused:
        services.project_member_end(actor=w.coordinator, person=w.lawyer)
    assert "此人已离开服务队伍。" in _refused(refused)
    with pytest.raises(DomainError):
        services.topic_add(
            actor=w.coordinator, project=w.project, title="禁毒", lecturers=[w.lawyer]
        )
    with pytest.raises(DomainError):
        services.order_deliver(actor=None, order=order, taught_by=[w.lawyer], attendance=10)
    assert AuditEvent.objects.filter(action="cobuild.project.member_end").count() == 1
    login(client, w.coordinator)
    page = client.get(reverse("cobuild:project", args=[w.project.pk])).content.decode()
    assert "以前的成员" in page and "王律师（" in page
    topic_line = page.split('data-testid="topic"')[1].split("</li>")[0]
    assert "王律师" not in topic_line
    order_form = client.get(reverse("cobuild:order_create")).content.decode()
    assert "王律师" not in order_form


def test_edit_and_retire_a_topic_through_the_page(client: Any, w: World) -> None:
    running = advance(w, place(w), "dispatched")
    login(client, w.coordinator)
    url = reverse("cobuild:project", args=[w.project.pk])
    page = client.get(url + f"?edit_topic={w.topic.pk}").content.decode()
    assert 'value="topic_edit"' in page and 'value="模拟法庭"' in page
    response = client.post(
        url,
        {
            "step": "topic_edit",
            "topic": w.topic.pk,
            "edit-title": "模拟法庭（校园欺凌）",
            "edit-lecturers": [w.lecturer.pk],
        },
        follow=True,
    )
    assert "课题已保存。" in response.content.decode()
    topic = MenuTopic.objects.get(pk=w.topic.pk)
    assert topic.title == "模拟法庭（校园欺凌）" and list(topic.lecturers.all()) == [w.lecturer]
    assert AuditEvent.objects.filter(action="cobuild.project.topic_update").count() == 1
    response = client.post(url, {"step": "topic_retire", "topic": w.topic.pk}, follow=True)
    assert "模拟法庭（校园欺凌） 已从菜单撤下。" in response.content.decode()
    topic.refresh_from_db()
    assert topic.archived_at is not None
    with pytest.raises(DomainError):
        place(w)
    response = client.post(url, {"step": "topic_retire", "topic": w.topic.pk}, follow=True)
    assert "该课题已不在菜单中。" in response.content.decode()
    services.order_accept(actor=None, order=running)  # placed orders go on


def test_edit_page_archive_and_the_archived_filter(client: Any, w: World, tree: Tree) -> None:
    login(client, w.coordinator)
    edit = reverse("cobuild:project_edit", args=[w.project.pk])
    page = client.get(edit)
    assert page.status_code == 200 and 'value="模法师"' in page.content.decode()
    response = client.post(
        edit,
        {
            "org": tree.committee_a.pk,
            "name": "模法师（新）",
            "formats": ["lecture", "mock_trial"],
            "team_orgs": [tree.branch_a1.pk],
            "summary": "",
        },
    )
    assert response.status_code == 302
    assert ServiceProject.objects.get(pk=w.project.pk).name == "模法师（新）"
    response = client.post(
        reverse("cobuild:project", args=[w.project.pk]),
        {"step": "archive", "reason": "项目结束"},
        follow=True,
    )
    assert "项目已归档" in response.content.decode()
    assert client.get(edit).status_code == 404
    projects = reverse("cobuild:projects")
    assert "模法师（新）" not in client.get(projects).content.decode()
    archived = client.get(projects + "?show=archived").content.decode()
    assert "模法师（新）" in archived and "已归档" in archived
    assert "模法师（新）" in client.get(projects + "?show=all").content.decode()
    login(client, w.team_user)
    assert client.get(edit).status_code in {403, 404}


def test_an_archived_project_is_put_back_on_offer(client: Any, w: World) -> None:
    with pytest.raises(DomainError) as refused:
        services.project_restore(actor=w.coordinator, project=w.project, reason="误操作")
    assert "该项目未归档。" in _refused(refused)
    services.project_archive(actor=w.coordinator, project=w.project, reason="项目结束")
    with pytest.raises(DomainError):
        place(w)
    before = _state(w)
    with pytest.raises(DomainError) as refused:
        services.project_restore(actor=w.coordinator, project=w.project, reason="  ")
    assert "请说明原因。" in _refused(refused)
    with pytest.raises(PermissionDenied):  # the team's branch does not manage the project
        services.project_restore(actor=w.team_user, project=w.project, reason="恢复")
    assert _state(w) == before
    url = reverse("cobuild:project", args=[w.project.pk])
    login(client, w.team_user)  # sees the project, does not manage it: no such page to post to
    assert client.post(url, {"step": "restore", "reason": "越权"}).status_code == 404
    assert _state(w) == before
    login(client, w.coordinator)
    page = client.get(url).content.decode()
    assert 'value="restore"' in page and 'value="archive"' not in page
    response = client.post(url, {"step": "restore", "reason": "服务恢复"}, follow=True)
    assert "项目已重新上架。" in response.content.decode()
    assert ServiceProject.objects.get(pk=w.project.pk).archived_at is None
    event = AuditEvent.objects.get(action="cobuild.project.restore")
    assert event.changes["reason"] == [None, "服务恢复"]
    place(w)  # orders come in again, from the same menu and team
    assert 'value="archive"' in client.get(url).content.decode()
