"""Mock trials: recorded on a scheduled or delivered 模拟法庭 session; the nine roles and the
completeness check; attachments through core.uploads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.lawedu.models import MockTrial, TrialRole, TrialSeat
from mofan.lawedu.selectors import missing_roles, mock_trial_of
from mofan.lawedu.services import (
    mock_trial_save,
    trial_attach,
    trial_attachment_remove,
    trial_roles_save,
)
from tests.conftest import Tree, make_user
from tests.lawedu.factories import legal_project, person, school, session

pytestmark = pytest.mark.django_db

NINE = {
    "presiding_judge": {"name": "王小明", "class_name": "初二(3)班"},
    "judge": {"class_name": "初二(3)班"},
    "clerk": {"name": "李华"},
    "bailiff": {"name": "赵强"},
    "prosecutor": {"name": "陈静"},
    "defender": {"name": "刘洋"},
    "guardian": {"name": "刘洋家长", "kind": "parent"},
    "victim": {"name": "孙丽"},
    "defendant": {"name": "周杰"},
}


@pytest.fixture
def world(tree: Tree) -> dict[str, Any]:
    project, topic = legal_project(tree.committee_a)
    person(project, "张律师")
    partner = school(tree.committee_a)
    return {"project": project, "topic": topic, "school": partner}


def _trial(order: Any) -> MockTrial:
    return mock_trial_save(
        actor=None,
        order=order,
        case_title="校园欺凌案",
        case_summary="初二学生周某多次在放学路上拦截同学索要财物。",
        outcome="以寻衅滋事罪判处……",
    )


def test_nine_roles_are_the_glossary_roles() -> None:
    assert [str(label) for label in TrialRole.labels] == [
        "审判长",
        "审判员",
        "书记员",
        "法警",
        "公诉人",
        "辩护人",
        "法定代理人",
        "被害人",
        "被告人",
    ]


def test_completeness_needs_all_nine(world: dict[str, Any]) -> None:
    order = session(world["project"], world["topic"], world["school"])
    trial = _trial(order)
    assert len(missing_roles(trial)) == 9
    eight = {role: who for role, who in NINE.items() if role != "defendant"}
    trial_roles_save(actor=None, trial=trial, seats=eight)
    assert missing_roles(mock_trial_of(order=order)) == ["被告人"]
    # A role given neither a name nor a class is not filled.
    trial_roles_save(actor=None, trial=trial, seats={**eight, "defendant": {"name": "  "}})
    assert missing_roles(mock_trial_of(order=order)) == ["被告人"]
    trial_roles_save(actor=None, trial=trial, seats=NINE)
    assert missing_roles(mock_trial_of(order=order)) == []
    seat = TrialSeat.objects.get(trial=trial, role="guardian")
    assert (seat.kind, seat.name) == ("parent", "刘洋家长")
    assert TrialSeat.objects.get(trial=trial, role="judge").class_name == "初二(3)班"


def test_saving_the_same_roles_twice_writes_nothing(world: dict[str, Any]) -> None:
    trial = _trial(session(world["project"], world["topic"], world["school"]))
    trial_roles_save(actor=None, trial=trial, seats=NINE)
    events = AuditEvent.objects.count()
    trial_roles_save(actor=None, trial=trial, seats=NINE)
    assert AuditEvent.objects.count() == events
    assert TrialSeat.objects.filter(trial=trial).count() == 9


def test_trial_on_a_scheduled_session_then_changed(world: dict[str, Any]) -> None:
    order = session(world["project"], world["topic"], world["school"], state="scheduled")
    trial = _trial(order)
    again = mock_trial_save(
        actor=None, order=order, case_title="校园欺凌案", case_summary="新的案情", outcome=""
    )
    assert again.pk == trial.pk and MockTrial.objects.count() == 1
    event = AuditEvent.objects.filter(action="lawedu.mock_trial.update").get()
    assert event.changes["case_summary"][1] == "新的案情"


@pytest.mark.parametrize(
    ("state", "fmt", "message"),
    [
        ("delivered", "lecture", "该场次不是模拟法庭。"),
        ("ordered", "mock_trial", "模拟法庭须登记在已排期或已授课的场次上。"),
    ],
)
def test_trial_refused_on_wrong_session(
    world: dict[str, Any], state: str, fmt: str, message: str
) -> None:
    order = session(world["project"], world["topic"], world["school"], state=state, format=fmt)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        _trial(order)
    assert exc.value.messages == [message]
    assert MockTrial.objects.count() == 0 and AuditEvent.objects.count() == events


def test_trial_needs_case_and_the_right_organisation(
    world: dict[str, Any], tree: Tree, roles: Any
) -> None:
    order = session(world["project"], world["topic"], world["school"])
    with pytest.raises(DomainError) as exc:
        mock_trial_save(actor=None, order=order, case_title=" ", case_summary="x")
    assert exc.value.message_dict == {"case_title": ["请填写案件名称。"]}
    outsider = make_user("b", grants=[(roles["committee_admin"], tree.committee_b, True)])
    with pytest.raises(PermissionDenied):
        mock_trial_save(actor=outsider, order=order, case_title="案", case_summary="x")
    assert MockTrial.objects.count() == 0


def test_attachments_are_checked_and_removed_by_marking(world: dict[str, Any]) -> None:
    trial = _trial(session(world["project"], world["topic"], world["school"]))
    attachment = trial_attach(
        actor=None, trial=trial, upload=SimpleUploadedFile("剧本.pdf", b"%PDF-1.4\n%script\n")
    )
    assert attachment.name == "剧本.pdf" and attachment.content_type == "application/pdf"
    with pytest.raises(DomainError):
        trial_attach(actor=None, trial=trial, upload=SimpleUploadedFile("x.pdf", b"MZ\x90"))
    trial_attachment_remove(actor=None, attachment=attachment)
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert trial.attachments.count() == 1
