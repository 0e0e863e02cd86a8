"""Existing deployments: the work committee's administrator approves business grants and the
security administrator approves resets of administrators' passwords (双人复核)."""

from django.db import migrations


def refresh_roles(apps, schema_editor):
    from mofan.accounts.roles import refresh_builtin_roles

    refresh_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_grant_and_reset_requests")]
    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
