"""Importing an organisation tree from Excel: the template, and the check of every row before
anything is written. `services.org_import_commit` then writes all rows or none."""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from mofan.core.errors import DomainError
from mofan.core.xlsx import RowError, open_rows
from mofan.orgs import permissions as perms
from mofan.orgs.models import Organisation, OrgKind
from mofan.orgs.rules import ALLOWED_PARENTS
from mofan.orgs.selectors import org_list

COLUMNS = {
    "name": ("组织名称", "党组织名称", "名称"),
    "kind": ("组织类别", "类别", "组织类型", "类型"),
    "parent": ("上级组织", "上级党组织", "上级组织名称", "上级"),
    "organ": ("所属机关", "机关", "所属单位", "单位"),
    "joint": ("联合党支部", "是否联合党支部", "是否联合支部"),
}
REQUIRED = {"name", "kind", "parent"}

KIND_NAMES = {
    "机关党委": OrgKind.PARTY_COMMITTEE,
    "直属机关党委": OrgKind.PARTY_COMMITTEE,
    "党委": OrgKind.PARTY_COMMITTEE,
    "党组": OrgKind.LEADING_GROUP,
    "党总支": OrgKind.GENERAL_BRANCH,
    "总支": OrgKind.GENERAL_BRANCH,
    "党支部": OrgKind.BRANCH,
    "支部": OrgKind.BRANCH,
    "联合党支部": OrgKind.BRANCH,
    "党小组": OrgKind.GROUP,
    "小组": OrgKind.GROUP,
}
YES = {"是", "Y", "y", "yes", "1", "√"}
NO = {"", "否", "N", "n", "no", "0"}
MAX_ROWS = 5000


@dataclass(frozen=True)
class PlannedOrg:
    row: int
    name: str
    kind: str
    parent_name: str
    organ_name: str
    is_joint: bool


@dataclass
class ImportPlan:
    rows: list[PlannedOrg] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def template_xlsx() -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    sheet = book.create_sheet("组织导入")
    sheet.append(["组织名称", "组织类别", "上级组织", "所属机关", "联合党支部"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["市××局机关党委", "机关党委", "中共××市委市直机关工委", "市××局", "否"])
    sheet.append(["市××局机关第一支部", "党支部", "市××局机关党委", "", "否"])
    sheet.append(["第一支部第一党小组", "党小组", "市××局机关第一支部", "", ""])
    kinds = DataValidation(
        type="list", formula1='"机关党委,党组,党总支,党支部,党小组"', allow_blank=False
    )
    joint = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    sheet.add_data_validation(kinds)
    sheet.add_data_validation(joint)
    kinds.add("B2:B2000")
    joint.add("E2:E2000")
    for column, width in zip("ABCDE", (28, 12, 28, 16, 12), strict=True):
        sheet.column_dimensions[column].width = width
    help_sheet = book.create_sheet("填写说明")
    for line in (
        "每行一个党组织，上级组织须已在系统中或写在本表更靠前的行。",
        "组织类别：机关党委、党组、党总支、党支部、党小组；党小组只能设在党支部之下。",
        "上级组织名称在系统中不唯一时，请先改名或分批导入。",
        "所属机关留空时沿用上级组织的所属机关；填写不存在的机关会新建。",
        "联合党支部填“是”或“否”。表头上方可以有标题行。",
    ):
        help_sheet.append([line])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def org_import_plan(*, actor: Any, upload: IO[bytes]) -> ImportPlan:
    """Check every row against the tree and the rules; nothing is written here."""
    plan = ImportPlan()
    visible = list(
        org_list(actor=actor, permission=perms.MANAGE).values_list("name", "kind", "path")
    )
    existing_kinds: dict[str, list[str]] = {}
    for name, kind, _path in visible:
        existing_kinds.setdefault(name, []).append(kind)
    # (parent name, child name) of every current child of a visible organisation: one query.
    visible_paths = {path: name for name, _kind, path in visible}
    steplen = Organisation.steplen
    existing_pairs = {
        (visible_paths[path[:-steplen]], name)
        for name, _kind, path in visible
        if path[:-steplen] in visible_paths
    }
    planned: dict[str, PlannedOrg] = {}
    seen: set[tuple[str, str]] = set()

    def error(row: int, column: str, value: str, reason: str) -> None:
        plan.errors.append(RowError(row, column, value, reason))

    for sheet_row in open_rows(upload, COLUMNS, REQUIRED):
        if len(plan.rows) + len(plan.errors) >= MAX_ROWS:
            raise DomainError(_("A file may hold at most %(n)d rows.") % {"n": MAX_ROWS})
        values = sheet_row.values
        number = sheet_row.number
        name, kind_text, parent = values["name"], values["kind"], values["parent"]
        joint_text = values.get("joint", "")
        row_ok = True
        if not name:
            error(number, "组织名称", name, _("Enter the name."))
            row_ok = False
        kind = KIND_NAMES.get(kind_text.replace(" ", ""))
        if kind is None:
            error(
                number,
                "组织类别",
                kind_text,
                _("Use one of 机关党委, 党组, 党总支, 党支部, 党小组."),
            )
            row_ok = False
        if joint_text not in YES | NO:
            error(number, "联合党支部", joint_text, _("Enter 是 or 否."))
            row_ok = False
        is_joint = joint_text in YES or kind_text == "联合党支部"
        if kind is not None and is_joint and kind != OrgKind.BRANCH:
            error(number, "联合党支部", joint_text, _("Only a branch can be a joint branch."))
            row_ok = False
        parent_kind: str | None = None
        if not parent:
            error(number, "上级组织", parent, _("Enter the parent organisation."))
            row_ok = False
        elif parent in planned:
            parent_kind = planned[parent].kind
        elif parent in existing_kinds:
            if len(existing_kinds[parent]) > 1:
                error(
                    number,
                    "上级组织",
                    parent,
                    _("Several organisations in your scope have this name; rename them first."),
                )
                row_ok = False
            else:
                parent_kind = existing_kinds[parent][0]
        else:
            error(
                number,
                "上级组织",
                parent,
                _("No organisation of this name in your scope or in earlier rows of the file."),
            )
            row_ok = False
        if (
            kind is not None
            and parent_kind is not None
            and parent_kind not in ALLOWED_PARENTS[kind]
        ):
            error(
                number,
                "组织类别",
                kind_text,
                _("A %(kind)s cannot stand under a %(parent)s.")
                % {"kind": OrgKind(kind).label, "parent": OrgKind(parent_kind).label},
            )
            row_ok = False
        if name and (parent, name) in seen:
            error(number, "组织名称", name, _("This organisation appears twice in the file."))
            row_ok = False
        elif name and parent and (parent, name) in existing_pairs:
            error(
                number, "组织名称", name, _("An organisation with this name already exists here.")
            )
            row_ok = False
        seen.add((parent, name))
        if row_ok and kind is not None:
            item = PlannedOrg(number, name, kind, parent, values.get("organ", ""), is_joint)
            plan.rows.append(item)
            if name in planned or name in existing_kinds:
                planned.pop(name, None)  # ambiguous as a parent from now on
                existing_kinds.setdefault(name, []).append(kind)
            else:
                planned[name] = item
    if not plan.rows and not plan.errors:
        raise DomainError(_("The file holds no rows under the header."))
    return plan
