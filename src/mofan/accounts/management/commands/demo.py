"""Load the demo scenario of PRODUCT.md through the services. Running it twice changes nothing.

Each app owns its part in its `demo.py`; `mofan.core.demos.demo_steps` puts them in order. The
command lives in accounts because it prints the demo's logins and their roles; core, below
every app, only collects the steps."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mofan.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from mofan.accounts.models import Role
from mofan.accounts.services import roles_ensure_builtin
from mofan.core.demos import DemoContext, demo_steps
from mofan.core.tasks import refresh_planner_statistics
from mofan.orgs.demo import ROOT_NAME
from mofan.orgs.models import Organisation


class Command(BaseCommand):
    help = "Load the demo scenario (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        roles_ensure_builtin()
        if Organisation.objects.filter(depth=1, name=ROOT_NAME).exists():
            self.stdout.write("演示数据已存在，未重复加载。")
        else:
            with transaction.atomic():
                ctx = DemoContext(today=timezone.localdate())
                for step in demo_steps():
                    step.load(ctx)
            refresh_planner_statistics(full=True)
            self.stdout.write("演示数据已加载。")
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, role, org, _subtree in DEMO_LOGINS:
            label = Role.objects.get(code=role).name
            self.stdout.write(f"  {username:<11} {label:<8} {full_name} · {org}")
        self.stdout.write("\n打开 http://127.0.0.1:8000/ 登录。\n")
