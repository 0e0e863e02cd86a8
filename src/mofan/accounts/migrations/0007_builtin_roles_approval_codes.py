"""Existing deployments: the work committee's administrator approves business grants and the
security administrator approves resets of administrators' passwords (双人复核).

This migration once refreshed the built-in roles from accounts/roles.py, read live, so what it
did changed whenever that list changed. The built-in roles now follow the apps' declarations
after every `migrate` (a post_migrate handler, accounts.roles.builtin_roles_follow_declarations),
so it does nothing; it stays because deployed databases have applied it and later migrations
depend on it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_grant_and_reset_requests")]
    operations = []
