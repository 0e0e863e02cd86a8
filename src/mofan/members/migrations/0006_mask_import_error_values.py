"""Roster import reports kept the ID and mobile numbers and dates of birth of the rows they
refused in plain text; they keep them masked now, as the importer writes them."""

from django.db import migrations

# The importer's own column names, which its reports used (before they named the file's).
MASKED = {
    "身份证号": (4, 4),
    "公民身份号码": (4, 4),
    "手机号": (3, 4),
    "联系电话": (3, 4),
    "出生日期": (4, 0),
}


def _mask(text, head, tail):
    if not text or "*" in text:
        return text
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


def mask_reports(apps, schema_editor):
    ImportJob = apps.get_model("core", "ImportJob")
    changed = []
    for job in ImportJob.objects.filter(kind="members.roster").exclude(errors=[]).iterator():
        errors = [
            [row, column, _mask(str(value or ""), *MASKED[column]), reason]
            if column in MASKED
            else [row, column, value, reason]
            for row, column, value, reason in job.errors
        ]
        if errors != job.errors:
            job.errors = errors
            changed.append(job)
    ImportJob.objects.bulk_update(changed, ["errors"], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_import_job"),
        ("members", "0005_mask_id_first_and_last_four"),
    ]

    operations = [
        migrations.RunPython(mask_reports, migrations.RunPython.noop),
    ]
