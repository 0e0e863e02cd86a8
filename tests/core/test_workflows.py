"""Every workflow is declared once, with `core.workflow`, and every state field has one."""

from __future__ import annotations

import pytest
from django.apps import apps

from mofan.core import registry
from mofan.core.workflow import Workflow

# The names a field that holds a record's place in a process goes by.
STATE_FIELDS = {"state", "status", "phase", "review_state", "stage"}


def _declared() -> set[tuple[str, str]]:
    return {(w.model._meta.label, w.field) for w in registry.workflows()}


def state_fields() -> set[tuple[str, str]]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("mofan."):
            continue
        for field in model._meta.get_fields():
            if getattr(field, "choices", None) and field.name in STATE_FIELDS:
                found.add((model._meta.label, field.name))
    return found


@pytest.mark.xfail(
    strict=True,
    reason="issue 24: accounts requests, the import job and the member status are not declared",
)
def test_every_state_field_has_a_workflow() -> None:
    missing = sorted(state_fields() - _declared())
    assert missing == []


def test_workflow_names_are_unique_and_states_are_choices() -> None:
    workflows: list[Workflow] = registry.workflows()
    names = [w.name for w in workflows]
    assert len(names) == len(set(names))
    for workflow in workflows:
        field = workflow.model._meta.get_field(workflow.field)
        choices = {value for value, _label in field.choices}
        assert workflow.states <= choices, (workflow.name, workflow.states - choices)
        assert workflow.transitions(), workflow.name


def test_a_step_is_found_by_name_and_a_wrong_name_is_an_error() -> None:
    for workflow in registry.workflows():
        for declared in workflow.steps:
            assert workflow[declared.name] is declared
        try:
            workflow["no such step"]
        except KeyError:
            pass
        else:
            raise AssertionError(workflow.name)
