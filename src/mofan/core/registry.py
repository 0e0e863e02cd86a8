"""What each app declares about itself, collected here so that adding an app touches only that
app: its permission codes and which built-in roles hold them (`<app>/permissions.py`), and its
menu items (`<app>/menu.py`), its workflows (`<app>/workflows.py`)."""

from collections.abc import Callable, Iterator
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.utils.functional import Promise

if TYPE_CHECKING:
    from mofan.core.navigation import NavItem


def _declarations(module: str) -> Iterator[ModuleType]:
    """`mofan.<app>.<module>` of every installed Mofan app that has one, in INSTALLED_APPS
    order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("mofan."):
            continue
        name = f"{config.name}.{module}"
        try:
            yield import_module(name)
        except ModuleNotFoundError as error:
            # An app without the module declares nothing; a module that fails to import
            # something else is a bug and must not pass for "nothing declared".
            if error.name != name:
                raise


def all_permissions() -> dict[str, str | Promise]:
    codes: dict[str, str | Promise] = {}
    for module in _declarations("permissions"):
        codes.update(getattr(module, "PERMISSIONS", {}))
    return codes


def system_permissions() -> frozenset[str]:
    codes: set[str] = set()
    for module in _declarations("permissions"):
        codes |= set(getattr(module, "SYSTEM_PERMISSIONS", ()))
    return frozenset(codes)


def builtin_roles() -> dict[str, frozenset[str]]:
    """Built-in role code → the permission codes the apps give it (`ROLES` in each app's
    `permissions.py`). A set: the order an app lists its codes in means nothing. Roles no app
    gives a code are absent; `accounts.roles` knows the full list of built-in roles."""
    held: dict[str, set[str]] = {}
    for module in _declarations("permissions"):
        for role, codes in getattr(module, "ROLES", {}).items():
            held.setdefault(str(role), set()).update(codes)
    return {role: frozenset(codes) for role, codes in held.items()}


def menu_items() -> "tuple[NavItem, ...]":
    """Every app's `MENU`, in menu order: by the group's position, then the item's."""
    items = [item for module in _declarations("menu") for item in getattr(module, "MENU", ())]
    return tuple(sorted(items, key=lambda item: (item.group.order, item.order)))


def workflows() -> list[Any]:
    """Every workflow declared in an app's `workflows.py` (`WORKFLOWS`), in app order."""
    return [
        flow for module in _declarations("workflows") for flow in getattr(module, "WORKFLOWS", ())
    ]


@cache
def provided(module: str, name: str) -> tuple[Callable[..., Any], ...]:
    """The function `name` of each app's `module` (e.g. "selectors"), for the apps that define
    one, in app order. Core asks the apps above it for their part this way (the home page's
    figures, the people a notice reaches) instead of importing them: they build on core.

    The hooks: `selectors.figures_for_home(*, actor)` → the home page's figures counted from
    the app's records (dicts of label, value, url and `rank`, the figure's place on the page);
    `selectors.notice_audience(*, org, audience)` → the ids of the users in `org`'s subtree
    whom a notice to `audience` reaches."""
    hooks = (getattr(loaded, name, None) for loaded in _declarations(module))
    return tuple(hook for hook in hooks if callable(hook))
