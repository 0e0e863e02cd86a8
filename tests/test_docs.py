"""The docs name what the code has: the periodic tasks (docs/architecture.md), the benchmarks
`bench/run.py` runs (docs/testing.md) and the time zone of crontabs (docs/adding-a-feature.md)."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "mofan"
PERIODIC = {"db_periodic_task", "periodic_task"}


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def periodic_tasks_in_code() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                _decorator_name(d) in PERIODIC for d in node.decorator_list
            ):
                found.add(node.name)
    return found


def table_first_column(text: str, heading: str) -> set[str]:
    """The `name`s in the first column of the first table after `heading`."""
    after = text[text.index(heading) :]
    rows = re.search(r"^ *\|[^\n]*\|\n *\|[-| ]+\|\n((?: *\|[^\n]*\|\n)+)", after, re.M)
    assert rows, heading
    return {re.match(r" *\| `([^`]+)`", row).group(1) for row in rows.group(1).splitlines()}


def test_architecture_lists_every_periodic_task() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    tasks = periodic_tasks_in_code()
    assert len(tasks) >= 10
    assert table_first_column(text, "## Background work") == tasks
    assert "the only periodic task" not in text
    assert "`members` has no views" not in text


def test_testing_lists_every_benchmark_run_py_runs() -> None:
    tree = ast.parse((ROOT / "bench" / "run.py").read_text(encoding="utf-8"))
    (listed,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "BENCHMARKS" for t in node.targets)
    ]
    assert isinstance(listed, ast.List)
    run = {f"bench/{ast.literal_eval(e)}" for e in listed.elts}
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    assert table_first_column(text, "## Benchmarks") == run
    assert all((ROOT / script).exists() for script in run)


def test_adding_a_feature_states_the_crontab_time_zone_of_the_settings() -> None:
    text = (ROOT / "docs" / "adding-a-feature.md").read_text(encoding="utf-8")
    assert settings.HUEY["utc"] is False
    assert "evaluated in Beijing time" in text
    assert "evaluated in UTC" not in text
