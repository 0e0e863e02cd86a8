"""Existing deployments: the committee and work-committee administrators may review meetings."""

from django.db import migrations


def refresh_roles(apps, schema_editor):
    from mofan.accounts.roles import refresh_builtin_roles

    refresh_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_builtin_roles_orglife_codes"),
        ("orglife", "0007_oversight_and_attachments"),
    ]
    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
