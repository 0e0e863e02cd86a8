"""Existing deployments take the built-in roles' new member-record codes."""

from django.db import migrations


def refresh_roles(apps, schema_editor):
    from mofan.accounts.roles import refresh_builtin_roles

    refresh_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_builtin_roles")]
    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
