"""Existing deployments: committee administrators coordinate service orders; branch
secretaries see them and serve in the teams."""

from django.db import migrations


def refresh_roles(apps, schema_editor):
    from mofan.accounts.roles import refresh_builtin_roles

    refresh_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [
        ("cobuild", "0003_orders"),
        ("accounts", "0005_builtin_roles_orglife_codes"),
    ]
    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
