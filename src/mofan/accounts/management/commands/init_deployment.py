"""Start a new deployment: the root organisation and the first four accounts.

Each account gets a random initial password, printed once, that must be changed at first sign-in.
"""

import secrets
import string
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mofan.accounts.models import Role
from mofan.accounts.services import grant_create, roles_ensure_builtin, user_create
from mofan.orgs.models import Organisation, OrgKind
from mofan.orgs.services import org_create

FIRST_ACCOUNTS = [
    ("gongwei", "工委管理员", Role.Builtin.WORK_COMMITTEE_ADMIN),
    ("sysadmin", "系统管理员", Role.Builtin.SYSTEM_ADMIN),
    ("secadmin", "安全管理员", Role.Builtin.SECURITY_ADMIN),
    ("auditadmin", "审计管理员", Role.Builtin.AUDIT_ADMIN),
]


def initial_password() -> str:
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{body}#{secrets.randbelow(90) + 10}"


class Command(BaseCommand):
    help = "Create the root organisation and the first administrators of a new deployment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--root", required=True, help="name of the work committee")

    def handle(self, *args: Any, **options: Any) -> None:
        if Organisation.objects.filter(depth=1).exists():
            raise CommandError("已有根组织，本命令只用于新部署。")
        roles_ensure_builtin()
        with transaction.atomic():
            root = org_create(
                actor=None, name=options["root"], kind=OrgKind.WORK_COMMITTEE, parent=None
            )
            rows = []
            for username, full_name, role_code in FIRST_ACCOUNTS:
                password = initial_password()
                user = user_create(
                    actor=None,
                    username=username,
                    full_name=full_name,
                    password=password,
                    must_change_password=True,
                )
                grant_create(
                    actor=None,
                    user=user,
                    role=Role.objects.get(code=role_code),
                    org=root,
                    include_subtree=True,
                )
                rows.append((username, full_name, password))
        self.stdout.write(f"已创建根组织：{root.name}")
        self.stdout.write("初始账号（密码只显示这一次，首次登录须修改）：")
        for username, full_name, password in rows:
            self.stdout.write(f"  {username:<11} {full_name:<6} {password}")
