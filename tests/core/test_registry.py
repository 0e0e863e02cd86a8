"""What the apps declare about themselves, as core collects it: the built-in roles' codes
(`ROLES` in each permissions.py) and the menu (`MENU` in each menu.py)."""

from collections import Counter
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from mofan.accounts.models import Role
from mofan.accounts.roles import ADMIN_DUTIES, BUILTIN_ROLES
from mofan.core import registry
from mofan.core.navigation import nav_items


def _declared_roles() -> list[tuple[str, str, str]]:
    """(app, role, code) for every code of every app's ROLES, before any merging."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("mofan."):
            continue
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError:
            continue
        for role, codes in getattr(module, "ROLES", {}).items():
            found.extend((config.label, role, code) for code in codes)
    return found


def test_every_code_a_role_is_given_exists_and_belongs_to_the_declaring_app() -> None:
    known = registry.all_permissions()
    declared = _declared_roles()
    assert declared
    for app, role, code in declared:
        assert code in known, (app, role, code)
        # An app gives away its own codes only, so each app is the one place to look.
        assert code.split(".", 1)[0] == app, (app, role, code)


def test_every_role_given_codes_is_built_in_and_every_built_in_role_exists() -> None:
    assert set(registry.builtin_roles()) <= set(Role.Builtin.values)
    assert list(BUILTIN_ROLES) == list(Role.Builtin.values)


def test_three_administrators_hold_system_codes_only_and_the_others_none() -> None:
    """三员分立, whichever app declares the codes."""
    system = registry.system_permissions()
    for role, codes in BUILTIN_ROLES.items():
        if role in ADMIN_DUTIES:
            assert codes and codes <= system, role
        else:
            assert not codes & system, role
    duties = [BUILTIN_ROLES[duty] for duty in ADMIN_DUTIES]
    assert not (duties[0] & duties[1] or duties[0] & duties[2] or duties[1] & duties[2])


@pytest.mark.django_db
def test_the_stored_roles_are_the_declarations_in_any_order(roles: dict[str, Role]) -> None:
    """`migrate` (post_migrate) and `roles_ensure_builtin` store the codes sorted: the order an
    app lists them in reaches nothing."""
    for code, codes in BUILTIN_ROLES.items():
        assert roles[code].permissions == sorted(codes), code


def test_every_menu_item_reverses() -> None:
    for item in nav_items():
        assert reverse(item.url_name).startswith("/"), item.url_name


def test_no_two_menu_items_share_a_place_or_a_page() -> None:
    items = nav_items()
    places = Counter((id(item.group), item.order) for item in items)
    assert [place for place, count in places.items() if count > 1] == []
    pages = Counter(item.url_name for item in items)
    assert [name for name, count in pages.items() if count > 1] == []


def test_the_menu_is_sorted_by_group_then_order() -> None:
    keys = [(item.group.order, item.order) for item in nav_items()]
    assert keys == sorted(keys)
    orders = [
        group.order for group in {id(item.group): item.group for item in nav_items()}.values()
    ]
    assert len(orders) == len(set(orders))  # two sections in one place would interleave


def test_core_navigation_imports_no_app() -> None:
    """The menu is collected, not listed: adding an app's items touches only that app."""
    import mofan.core.navigation as navigation

    source = Path(navigation.__file__).read_text(encoding="utf-8")
    imported = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert [line for line in imported if "mofan." in line and "mofan.core" not in line] == []
