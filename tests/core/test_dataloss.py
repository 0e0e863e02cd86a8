"""`dumpdata` and `loaddata` lose data in Mofan, so they refuse and point at the supported
backup; developers may still run them on throwaway data."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mofan.orgs.models import Organisation
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def refusal(command: str) -> str:
    return (
        f"{command} 已停用：它会把时间截断到毫秒、破坏审计日志哈希链，并使搜索索引为空。"
        "请备份和恢复整个数据库：PostgreSQL 用 pg_dump 和 pg_restore，SQLite 用 sqlite3 的 "
        ".backup（见 docs/deploy.md 的“Backups”一节）。只在可丢弃的数据上工作的开发者可以加上 "
        "--i-know-this-loses-data。"
    )


@pytest.mark.parametrize("command", ["dumpdata", "loaddata"])
def test_the_command_refuses_and_points_at_the_backup(tree: Tree, command: str) -> None:
    before = Organisation.objects.count()
    args = ["orgs"] if command == "dumpdata" else ["anything.json"]
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(command, *args, stdout=out)
    assert str(failure.value) == refusal(command)
    assert out.getvalue() == ""
    assert Organisation.objects.count() == before


def test_python_m_mofan_dumpdata_exits_with_the_message(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": "src", "MOFAN_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "mofan", "dumpdata"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert refusal("dumpdata") in result.stderr


def test_developers_may_still_dump_and_load_throwaway_data(tree: Tree, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("dumpdata", "orgs.organisation", i_know_this_loses_data=True, stdout=out)
    rows = json.loads(out.getvalue())
    assert {row["fields"]["name"] for row in rows} == set(
        Organisation.objects.values_list("name", flat=True)
    )
    fixture = tmp_path / "orgs.json"
    fixture.write_text(out.getvalue())
    call_command("loaddata", str(fixture), i_know_this_loses_data=True, stdout=io.StringIO())
    assert Organisation.objects.count() == len(rows)
