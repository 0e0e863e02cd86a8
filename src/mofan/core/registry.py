"""All permission codes, collected from each app's `permissions.py`."""

from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils.functional import Promise


def all_permissions() -> dict[str, str | Promise]:
    codes: dict[str, str | Promise] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("mofan."):
            continue
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError:
            continue
        codes.update(getattr(module, "PERMISSIONS", {}))
    return codes


def system_permissions() -> frozenset[str]:
    codes: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("mofan."):
            continue
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError:
            continue
        codes |= set(getattr(module, "SYSTEM_PERMISSIONS", ()))
    return frozenset(codes)


def workflows() -> list[Any]:
    """Every workflow declared in an app's `workflows.py` (`WORKFLOWS`), in app order."""
    found: list[Any] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("mofan."):
            continue
        try:
            module = import_module(f"{config.name}.workflows")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.workflows":
                raise  # the module exists and something it imports does not
            continue
        found.extend(getattr(module, "WORKFLOWS", ()))
    return found


@cache
def provided(module: str, name: str) -> tuple[Callable[..., Any], ...]:
    """The function `name` of each app's `module` (e.g. "selectors"), for the apps that define
    one, in app order. Core asks the apps above it for their part this way (the home page's
    figures, the people a notice reaches) instead of importing them: they build on core.

    The hooks: `selectors.figures_for_home(*, actor)` → the home page's figures counted from
    the app's records (dicts of label, value, url and `rank`, the figure's place on the page);
    `selectors.notice_audience(*, org, audience)` → the ids of the users in `org`'s subtree
    whom a notice to `audience` reaches."""
    found: list[Callable[..., Any]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("mofan."):
            continue
        try:
            loaded = import_module(f"{config.name}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{module}":
                raise
            continue
        hook = getattr(loaded, name, None)
        if callable(hook):
            found.append(hook)
    return tuple(found)
