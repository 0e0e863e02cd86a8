"""Organisations recorded before the founding date existed count from the day they were recorded."""

from django.db import migrations
from django.utils import timezone


def backfill(apps, schema_editor):
    organisation = apps.get_model("orgs", "Organisation")
    for org in organisation.objects.filter(established_on__isnull=True).only("pk", "created_at"):
        org.established_on = timezone.localtime(org.created_at).date()
        org.save(update_fields=["established_on"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_established_on")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
