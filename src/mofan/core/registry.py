"""All permission codes, collected from each app's `permissions.py`."""

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
