"""Existing deployments take the built-in roles' new organisational-life codes."""

from django.db import migrations


def refresh_roles(apps, schema_editor):
    from mofan.accounts.roles import BUILTIN_ROLE_NAMES, BUILTIN_ROLES

    role_model = apps.get_model("accounts", "Role")
    for code, permissions in BUILTIN_ROLES.items():
        role_model.objects.update_or_create(
            code=str(code),
            defaults={"name": BUILTIN_ROLE_NAMES[code], "permissions": sorted(permissions),
                      "is_builtin": True},
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_builtin_roles_member_codes")]
    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
