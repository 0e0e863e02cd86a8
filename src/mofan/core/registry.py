"""All permission codes, collected from each app's `permissions.py`."""

from importlib import import_module

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
