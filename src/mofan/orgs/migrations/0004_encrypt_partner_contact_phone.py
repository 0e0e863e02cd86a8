"""Partner contacts' telephone numbers were stored in plain text; they are kept encrypted now
(core.crypto), with a masked copy for those who do not manage partner units. Existing numbers
are converted in place."""

from django.db import migrations, models

from mofan.core import crypto


def mask(text):
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def encrypt_phones(apps, schema_editor):
    PartnerContact = apps.get_model("orgs", "PartnerContact")
    contacts = list(PartnerContact.objects.exclude(phone=""))
    for contact in contacts:
        contact.phone_encrypted = crypto.encrypt(contact.phone)
        contact.phone_masked = mask(contact.phone)
    PartnerContact.objects.bulk_update(
        contacts, ["phone_encrypted", "phone_masked"], batch_size=500
    )


def decrypt_phones(apps, schema_editor):
    PartnerContact = apps.get_model("orgs", "PartnerContact")
    contacts = list(PartnerContact.objects.exclude(phone_encrypted=""))
    for contact in contacts:
        contact.phone = crypto.decrypt(contact.phone_encrypted)
    PartnerContact.objects.bulk_update(contacts, ["phone"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_established_on_backfill"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnercontact",
            name="phone_encrypted",
            field=models.TextField(blank=True, verbose_name="telephone (encrypted)"),
        ),
        migrations.AddField(
            model_name="partnercontact",
            name="phone_masked",
            field=models.CharField(blank=True, max_length=20, verbose_name="telephone"),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones),
        migrations.RemoveField(
            model_name="partnercontact",
            name="phone",
        ),
    ]
