"""Indexes that let the volunteering statistics read wishes and participations from the
index alone (bench/volunteer_stats_scale.py)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_member_record"),
        ("orgs", "0003_established_on_backfill"),
        ("volunteer", "0003_community_registration"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(fields=["activity", "hours"], name="participation_activity_hours"),
        ),
        migrations.AddIndex(
            model_name="wish",
            index=models.Index(fields=["community", "posted_at"], name="wish_community_posted"),
        ),
        migrations.AddIndex(
            model_name="wish",
            index=models.Index(
                fields=["claimed_for", "claimed_at", "status"], name="wish_claimed_for_time"
            ),
        ),
    ]
