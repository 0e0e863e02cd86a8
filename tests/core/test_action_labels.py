"""The administrators' pages speak Chinese: every audit action written anywhere has a label,
and the audit log and the roles page show actions, permissions and states in words."""

import ast
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mofan.accounts import services as accounts
from mofan.cobuild.workflows import ORDER
from mofan.core import registry
from mofan.core.actions import ACTIONS, action_label
from mofan.core.audit import audit_record
from mofan.lawedu.models import MovementKind, ReservationKind
from mofan.portal.workflows import ARTICLE
from tests.conftest import Tree, login, make_user

SRC = Path(__file__).resolve().parents[2] / "src" / "mofan"

# Actions built from a value: the prefix, and every value the code can put after it. A new
# f-string action fails below until it is listed here (and its codes get labels).
FAMILIES: dict[str, list[str]] = {
    "cobuild.order.": [s.name for s in ORDER.steps],
    "lawedu.material.": [*MovementKind.values, *ReservationKind.values],
    "portal.article.": [s.name for s in ARTICLE.steps],
    "volunteer.check_": ["in", "out"],
}


# Tables of action codes that a service looks a code up in (`action = TABLE.get(reason)`).
LOOKUPS: dict[str, list[str]] = {
    "SESSION_END_ACTIONS": list(accounts.SESSION_END_ACTIONS.values()),
}


def _lookup(node: ast.AST) -> list[str] | None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in LOOKUPS
    ):
        return LOOKUPS[node.func.value.id]
    return None


def _constants(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _codes(node: ast.AST, function: ast.AST) -> list[str] | None:
    """Every code an `action=` argument can take, or None when the test cannot tell."""
    found = _constants(node)
    if found is not None:
        return found
    if isinstance(node, ast.Name):  # action = "…" assignments in the same function
        values: list[str] = []
        for sub in ast.walk(function):
            if isinstance(sub, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in sub.targets
            ):
                assigned = _constants(sub.value)
                if assigned is None:
                    assigned = _lookup(sub.value)
                if assigned is None:
                    return None
                values += assigned
        return values or None
    if isinstance(node, ast.JoinedStr) and len(node.values) == 2:
        head, tail = node.values
        if not (isinstance(head, ast.Constant) and isinstance(tail, ast.FormattedValue)):
            return None
        inner = _constants(tail.value)
        if inner is not None:
            return [head.value + value for value in inner]
        if head.value in FAMILIES:
            return [head.value + value for value in FAMILIES[head.value]]
    return None


def audit_actions_in_source() -> dict[str, list[str]]:
    """{code: [where]} for every audit_record / audit_record_many call under src/mofan."""
    found: dict[str, list[str]] = {}
    unknown = []
    # The workflow mechanism writes "<workflow>.<step>" for every declared step (or the
    # step's own `action`, a code kept from before the workflow).
    for workflow in registry.workflows():
        for declared in workflow.steps:
            found.setdefault(workflow.action(declared.name), []).append(workflow.name)
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or path == SRC / "core" / "workflow.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name not in {"audit_record", "audit_record_many"}:
                    continue
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        codes = _codes(keyword.value, function)
                        if codes is None:
                            unknown.append(where)
                        for code in codes or []:
                            found.setdefault(code, []).append(where)
    assert unknown == [], f"teach FAMILIES the actions written at {unknown}"
    return found


def test_every_audit_action_written_anywhere_has_a_label() -> None:
    found = audit_actions_in_source()
    assert len(found) > 150
    missing = {code: where for code, where in found.items() if code not in ACTIONS}
    assert missing == {}


def test_the_scan_finds_a_new_action() -> None:
    """The scan itself: a call it does not know is reported, a literal is read."""
    code = "def f(x):\n    audit_record(actor=None, action=f'a.b.{x}')\n"
    function = ast.parse(code).body[0]
    call = function.body[0].value  # type: ignore[attr-defined]
    assert _codes(call.keywords[1].value, function) is None
    code = "def f(x):\n    action = 'a.b.c' if x else 'a.b.d'\n    audit_record(action=action)\n"
    function = ast.parse(code).body[0]
    call = function.body[1].value  # type: ignore[attr-defined]
    assert _codes(call.keywords[0].value, function) == ["a.b.c", "a.b.d"]


@pytest.mark.django_db
def test_audit_page_shows_actions_and_states_in_words(tree: Tree, roles: dict[str, Any]) -> None:
    from mofan.cobuild.models import Order

    auditor = make_user("aud", grants=[(roles["audit_admin"], tree.root, True)])
    security = make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    accounts.role_create(
        actor=security, code="clerk", name="党务干事", permissions=["members.view"]
    )
    order = Order(pk=7)
    audit_record(
        actor=security,
        action="cobuild.order.confirm",
        target=order,
        target_label="订单7",
        changes={"state": ["delivered", "confirmed"]},
    )
    page = login(Client(), auditor).get("/audit/").content.decode()
    assert "新建角色" in page and "服务已评单" in page
    assert "状态:</span> 已服务 → 已评单" in page
    assert "查看党员档案" in page  # the role's permission, not members.view
    assert 'title="cobuild.order.confirm"' in page  # the code stays for the auditor
    assert ">accounts.role.create<" not in page and "delivered" not in page
    assert action_label("no.such.code") == "no.such.code"


@pytest.mark.django_db
def test_roles_page_shows_permissions_in_words(tree: Tree, roles: dict[str, Any]) -> None:
    security = make_user("sec", grants=[(roles["security_admin"], tree.root, True)])
    page = login(Client(), security).get("/accounts/roles/").content.decode()
    assert "组织案例征集：评审专家、排名和评奖" in page and "管理用户账号" in page
    assert "<code>campaigns.manage</code>" not in page
    assert 'title="campaigns.manage"' in page
