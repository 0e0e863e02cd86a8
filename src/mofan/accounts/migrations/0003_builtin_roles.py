"""The built-in roles exist in every deployment; their codes come from accounts/roles.py."""

from django.db import migrations



def create_roles(apps, schema_editor):
    from mofan.accounts.roles import BUILTIN_ROLE_NAMES, BUILTIN_ROLES

    role_model = apps.get_model("accounts", "Role")
    for code, permissions in BUILTIN_ROLES.items():
        role_model.objects.update_or_create(
            code=str(code),
            defaults={"name": BUILTIN_ROLE_NAMES[code], "permissions": sorted(permissions),
                      "is_builtin": True},
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
