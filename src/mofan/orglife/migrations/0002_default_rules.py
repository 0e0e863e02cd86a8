"""The default frequencies of DOMAIN_RULES.md §2, from the day the branch regulations took
effect (2018-10-28). Later changes are new rows with a later date."""

from datetime import date

from django.db import migrations

DEFAULTS = [
    ("general_assembly", "quarter"),
    ("committee_meeting", "month"),
    ("group_meeting", "month"),
    ("party_lesson", "quarter"),  # local practice; the regulations set no branch frequency
    ("themed_party_day", "month"),
    ("life_meeting", "year"),
    ("democratic_appraisal", "year"),
]


def create_rules(apps, schema_editor):
    rule = apps.get_model("orglife", "FrequencyRule")
    for kind, period in DEFAULTS:
        rule.objects.get_or_create(kind=kind, effective_from=date(2018, 10, 28),
                                   defaults={"period": period, "count": 1})


class Migration(migrations.Migration):
    dependencies = [("orglife", "0001_meetings")]
    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
