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
    # The built-in roles' codes came from accounts/roles.py here, read live; they follow the
    # apps' declarations after every `migrate` now (accounts.roles, a post_migrate handler).


class Migration(migrations.Migration):
    dependencies = [
        ("lawedu", "0002_trials_and_appointments"),
        ("accounts", "0005_builtin_roles_orglife_codes"),
        ("cobuild", "0004_builtin_roles_order_codes"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
