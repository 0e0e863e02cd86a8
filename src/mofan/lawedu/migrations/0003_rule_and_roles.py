"""The local appointment practice of the seed (five-year terms, reminded 60 days before the
end) as the first rule row, and the built-in roles' legal-education codes for existing
deployments."""

import datetime

from django.db import migrations


def load(apps, schema_editor):
    AppointmentRule = apps.get_model("lawedu", "AppointmentRule")
    AppointmentRule.objects.get_or_create(
        effective_from=datetime.date(2021, 1, 1),
        defaults={"term_years": 5, "reminder_days": 60},
    )
    from mofan.accounts.roles import refresh_builtin_roles

    refresh_builtin_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [
        ("lawedu", "0002_trials_and_appointments"),
        ("accounts", "0005_builtin_roles_orglife_codes"),
        ("cobuild", "0004_builtin_roles_order_codes"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
