"""ID numbers were masked keeping the first six digits (the region) and the last four, which
hides exactly the birth date: with the date of birth shown beside it, the number was whole.
They are masked now keeping the first four and the last four."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Right, Substr


def remask(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    Member.objects.filter(id_number_masked__regex=r"^[0-9]{6}\*{8}[0-9]{3}[0-9X]$").update(
        id_number_masked=Concat(
            Substr("id_number_masked", 1, 4), Value("*" * 10), Right("id_number_masked", 4)
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_alter_membertransfer_from_org_and_more"),
    ]

    operations = [
        migrations.RunPython(remask, migrations.RunPython.noop),
    ]
