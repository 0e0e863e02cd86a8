"""Login mobile numbers were stored in plain text; they are kept now like members' numbers:
encrypted (core.crypto), with a keyed hash to find them (sign-in by mobile) and to keep one
account per number, and a masked copy for lists. Existing numbers are converted in place."""

from django.db import migrations, models

from mofan.core import crypto


def mask(number):
    return number[:3] + "****" + number[-4:] if number else ""


def encrypt_mobiles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = list(User.objects.exclude(mobile__isnull=True).exclude(mobile=""))
    for user in users:
        user.mobile_encrypted = crypto.encrypt(user.mobile)
        user.mobile_hash = crypto.keyed_hash(user.mobile)
        user.mobile_masked = mask(user.mobile)
    User.objects.bulk_update(
        users, ["mobile_encrypted", "mobile_hash", "mobile_masked"], batch_size=500
    )


def decrypt_mobiles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = list(User.objects.exclude(mobile_encrypted=""))
    for user in users:
        user.mobile = crypto.decrypt(user.mobile_encrypted) or None
    User.objects.bulk_update(users, ["mobile"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_builtin_roles_approval_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="mobile_encrypted",
            field=models.TextField(blank=True, verbose_name="mobile number (encrypted)"),
        ),
        migrations.AddField(
            model_name="user",
            name="mobile_hash",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="mobile number (keyed hash)"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="mobile_masked",
            field=models.CharField(blank=True, max_length=11, verbose_name="mobile number"),
        ),
        migrations.RunPython(encrypt_mobiles, decrypt_mobiles),
        migrations.RemoveField(
            model_name="user",
            name="mobile",
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("mobile_hash", ""), _negated=True),
                fields=("mobile_hash",),
                name="user_mobile_once",
            ),
        ),
    ]
