"""Existing deployments: the work committee's administrators edit and publish the portal."""

from django.db import migrations


def refresh_roles(apps, schema_editor):
    from mofan.accounts.roles import refresh_builtin_roles

    refresh_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_search_index"),
        ("accounts", "0003_builtin_roles"),
        ("study", "0002_builtin_roles_study_codes"),
    ]
    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
