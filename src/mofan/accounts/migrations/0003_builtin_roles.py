"""The built-in roles exist in every deployment.

This migration once refreshed the built-in roles from accounts/roles.py, read live, so what it
did changed whenever that list changed. The built-in roles now follow the apps' declarations
after every `migrate` (a post_migrate handler, accounts.roles.builtin_roles_follow_declarations),
so it does nothing; it stays because deployed databases have applied it and later migrations
depend on it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = []
