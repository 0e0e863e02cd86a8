"""The default kinds of activity, the hours rule of the 2021 办法 (threshold local, stars from
2012), and the built-in roles' volunteering codes for existing deployments."""

import datetime
from decimal import Decimal

from django.db import migrations

KINDS = [
    "法律援助进社区",
    "健康义诊进社区",
    "文明创建",
    "环境整治",
    "关爱帮扶",
    "政策宣讲",
    "普法宣传",
]


def load(apps, schema_editor):
    ActivityKind = apps.get_model("volunteer", "ActivityKind")
    HoursRule = apps.get_model("volunteer", "HoursRule")
    for name in KINDS:
        ActivityKind.objects.get_or_create(name=name)
    HoursRule.objects.get_or_create(
        effective_from=datetime.date(2021, 2, 1),
        defaults={
            "presence_threshold": Decimal("0.60"),
            "star_hours": [100, 300, 600, 1000, 1500],
            "open_claims_per_member": 3,
        },
    )
    # The built-in roles' codes came from accounts/roles.py here, read live; they follow the
    # apps' declarations after every `migrate` now (accounts.roles, a post_migrate handler).


class Migration(migrations.Migration):
    dependencies = [
        ("volunteer", "0001_volunteering"),
        ("accounts", "0005_builtin_roles_orglife_codes"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
