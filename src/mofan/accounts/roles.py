"""The built-in roles (三员分立: the three administrators hold system codes only and see no
business data by their role alone). Which codes each role holds is declared by the apps that own
the codes (`ROLES` in each `permissions.py`, merged by `core.registry.builtin_roles()`); the
roles themselves, their names and the three duties are defined here and in `Role.Builtin`."""

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.core.exceptions import ImproperlyConfigured
from django.db import router

from mofan.accounts.models import Role
from mofan.core import registry

B = Role.Builtin


def _builtin_roles() -> dict[str, frozenset[str]]:
    declared = registry.builtin_roles()
    unknown = sorted(set(declared) - set(B.values))
    if unknown:
        # A misspelt role would otherwise give its codes to nobody, silently.
        raise ImproperlyConfigured(f"ROLES names roles that are not built in: {unknown}")
    # Every built-in role exists, in Role.Builtin's order (so a fresh database numbers them as
    # it always has), holding no code until an app gives it one (共建单位联络人 today).
    return {str(code): declared.get(str(code), frozenset()) for code in B}


BUILTIN_ROLES: dict[str, frozenset[str]] = _builtin_roles()

# Role names are data: stored in Chinese, the language of the deployment.
BUILTIN_ROLE_NAMES: dict[str, str] = {
    B.WORK_COMMITTEE_ADMIN: "工委管理员",
    B.COMMITTEE_ADMIN: "党委管理员",
    B.BRANCH_SECRETARY: "支部书记",
    B.BRANCH_COMMITTEE: "支部委员",
    B.MEMBER: "党员",
    B.PARTNER_CONTACT: "共建单位联络人",
    B.REVIEWER: "评审专家",
    B.SYSTEM_ADMIN: "系统管理员",
    B.SECURITY_ADMIN: "安全管理员",
    B.AUDIT_ADMIN: "审计管理员",
}

# 三员分立: the three administrators' duties, each held by a different person.
ADMIN_DUTIES = (B.SYSTEM_ADMIN, B.SECURITY_ADMIN, B.AUDIT_ADMIN)


def refresh_builtin_roles(role_model: type, using: str | None = None) -> None:
    """Create or update the built-in roles with the declared codes (idempotent). The codes are
    stored sorted, so the order the apps declare them in never reaches the database."""
    manager = role_model.objects.db_manager(using)  # type: ignore[attr-defined]
    for code, permissions in BUILTIN_ROLES.items():
        manager.update_or_create(
            code=code,
            defaults={
                "name": BUILTIN_ROLE_NAMES[code],
                "permissions": sorted(permissions),
                "is_builtin": True,
            },
        )


def builtin_roles_follow_declarations(
    app_config: AppConfig, using: str, apps: Apps = global_apps, **kwargs: Any
) -> None:
    """`post_migrate` (as Django creates its permissions): after every `migrate`, on a new
    database or a deployed one, the built-in roles hold what the apps declare now. The data
    migrations that used to do this read this module live, so an old migration's effect
    changed with the list; they are no-ops now and this is the one place that writes them.
    `flush` sends the signal without `apps`: the current models then."""
    try:
        role_model = apps.get_model("accounts", "Role")
    except LookupError:  # migrated back before the roles' table exists
        return
    if not router.allow_migrate_model(using, role_model):
        return
    refresh_builtin_roles(role_model, using=using)
