"""Existing deployments: the work committee runs campaigns, organisations submit, experts
review."""

from django.db import migrations


def refresh_roles(apps, schema_editor):
    from mofan.accounts.roles import refresh_builtin_roles

    refresh_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_campaigns"),
        ("accounts", "0005_builtin_roles_orglife_codes"),
        ("study", "0002_builtin_roles_study_codes"),
        ("cobuild", "0002_builtin_roles_cobuild_codes"),
    ]
    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
