"""Where the apps that build on co-building join an order's steps: 法治教育 (`lawedu`) holds
handouts for a session when it is prepared, gives them out when it is delivered and releases
them when it is declined or cancelled. cobuild imports none of those apps; each registers what
it adds here when Django starts (in its `AppConfig.ready`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class OrderStepExtension:
    """What one app adds to one order step.

    `take(actor=, order=, **given)` runs inside the step's transaction, on the locked order,
    after the step's own checks and before its new state is saved; `given` holds the extra
    arguments the service was called with (e.g. `handouts`); it returns the audit `changes` it
    adds. `fields(form, order)` adds the fields the page asks with; `read(form, order)` turns
    them back into those extra arguments."""

    step: str
    take: Callable[..., dict[str, Any]]
    fields: Callable[[forms.Form, Any], None] | None = None
    read: Callable[[forms.Form, Any], dict[str, Any]] | None = None


_REGISTERED: list[OrderStepExtension] = []


def register(*extensions: OrderStepExtension) -> None:
    for extension in extensions:
        if extension not in _REGISTERED:
            _REGISTERED.append(extension)


def for_step(step: str) -> list[OrderStepExtension]:
    return [e for e in _REGISTERED if e.step == step]


def take(step: str, *, actor: Any, order: Any, **given: Any) -> dict[str, Any]:
    """Run every extension of `step`; the audit changes they add."""
    changes: dict[str, Any] = {}
    for extension in for_step(step):
        changes.update(extension.take(actor=actor, order=order, **given))
    return changes


def add_fields(form: forms.Form, step: str, order: Any) -> None:
    for extension in for_step(step):
        if extension.fields is not None:
            extension.fields(form, order)


def read(form: forms.Form, step: str, order: Any) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for extension in for_step(step):
        if extension.read is not None:
            given.update(extension.read(form, order))
    return given


# What the order page shows of the apps that join it (their links about the order): each
# panel is (request, order) → HTML rendered from a template ("" for nothing), drawn below the
# order's details.
Panel = Callable[[Any, Any], SafeString | str]
_PANELS: list[Panel] = []


def register_panel(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels(request: Any, order: Any) -> list[SafeString | str]:
    return [html for panel in _PANELS if (html := panel(request, order))]
