from django.db import migrations


def create_head(apps, schema_editor):
    head = apps.get_model("core", "AuditChainHead")
    head.objects.get_or_create(pk=1, defaults={"last_hash": "0" * 64, "length": 0})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
