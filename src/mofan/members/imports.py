"""Roster import: read a real branch roster, check every row, report row by row.

Nothing is written here; `services.member_import_commit` writes a clean plan all at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from mofan.core import access, crypto, identity
from mofan.core.dates import parse_date
from mofan.core.errors import DomainError
from mofan.core.paths import subtree_q
from mofan.core.xlsx import RowError, SheetRow, SkippedRows, open_rows
from mofan.members import permissions as perms
from mofan.members.models import Education, Gender, Member, MemberStatus
from mofan.members.services import MemberFields, _clean
from mofan.orgs.models import Organ, Organisation, OrgKind

COLUMNS: dict[str, tuple[str, ...]] = {
    "full_name": ("姓名", "党员姓名", "名字"),
    "id_number": ("身份证号", "公民身份号码", "身份证号码", "身份证", "证件号码"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月", "出生年月日"),
    "mobile": ("手机号", "手机号码", "联系电话", "手机", "联系方式"),
    "education": ("学历", "文化程度", "最高学历"),
    "branch": ("所在支部", "所在党支部", "党支部", "支部"),
    "group": ("党小组", "所在党小组"),
    "status": ("党员状态", "党员类别", "人员类别", "类别"),
    "joined_on": ("入党时间", "入党日期", "入党年月"),
    "full_member_on": ("转正时间", "转正日期", "转正年月"),
    "job_title": (
        "职务",
        "现任职务",
        "职务职级",
        "工作岗位",
        "岗位",
        "职位",
        "岗位职务",
        "现工作岗位",
        "现任职务职级",
    ),
    "organ": ("所属机关", "工作单位", "单位"),
    "leading_cadre": ("党员领导干部", "是否党员领导干部", "领导干部"),
    "mobile_member": ("流动党员", "是否流动党员"),
}
REQUIRED = {"full_name", "id_number"}
LABELS = {key: names[0] for key, names in COLUMNS.items()}
FIELD_COLUMNS = {"org": "branch", "is_leading_cadre": "leading_cadre", "is_mobile": "mobile_member"}
STATUS = {
    "正式": MemberStatus.FULL,
    "正式党员": MemberStatus.FULL,
    "预备": MemberStatus.PROBATIONARY,
    "预备党员": MemberStatus.PROBATIONARY,
}
GENDER = {"男": Gender.MALE, "女": Gender.FEMALE}
EDUCATION = {
    "研究生": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "硕士": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE,
    "大学本科": Education.BACHELOR,
    "本科": Education.BACHELOR,
    "大学专科": Education.COLLEGE,
    "大专": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "中专": Education.SECONDARY,
    "中等专科": Education.SECONDARY,
    "高中": Education.HIGH_SCHOOL,
    "初中": Education.HIGH_SCHOOL,
    "高中及以下": Education.HIGH_SCHOOL,
    "小学": Education.HIGH_SCHOOL,
}
YES = {"是", "Y", "y", "yes", "1", "√"}
NO = {"", "否", "N", "n", "no", "0"}
MAX_ROWS = 60_000


@dataclass
class PlannedMember:
    row: int
    values: dict[str, Any]  # cleaned model values (see services._clean)
    existing_id: int | None  # set when the row updates a record (matched by ID number)


@dataclass
class RosterPlan:
    rows: list[PlannedMember] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0
    skipped: list[int] = field(default_factory=list)  # notes and signature rows under the table

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.existing_id is None)

    @property
    def update_count(self) -> int:
        return sum(1 for r in self.rows if r.existing_id is not None)


def template_xlsx() -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    sheet = book.create_sheet("党员名册")
    header = [
        "姓名",
        "身份证号",
        "性别",
        "民族",
        "出生日期",
        "手机号",
        "学历",
        "所在支部",
        "党小组",
        "党员状态",
        "入党时间",
        "转正时间",
        "职务",
        "党员领导干部",
        "流动党员",
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "张三",
            "11010519491231002X",
            "女",
            "汉族",
            "1949-12-31",
            "13900000000",
            "大学本科",
            "机关第一支部",
            "",
            "正式",
            "1975-07-01",
            "1976-07-01",
            "科员",
            "否",
            "否",
        ]
    )
    for index, _name in enumerate(header):
        sheet.column_dimensions[chr(ord("A") + index)].width = 14
    sheet.column_dimensions["B"].width = 22
    help_sheet = book.create_sheet("填写说明")
    for line in (
        "姓名和身份证号必填；身份证号为 18 位，末位 X 大小写均可。",
        "性别、出生日期可不填，由身份证号读出；填写时须与身份证号一致。",
        "日期可写 2021-07-01、2021.7.1、2021/7/1、2021年7月1日 或 202107。",
        "所在支部填写导入范围内的党支部名称；导入到某个党支部时可不填。",
        "党员状态填“正式”或“预备”；预备党员不填转正时间。",
        "党员领导干部、流动党员填“是”或“否”。表头上方可以有标题行。",
    ):
        help_sheet.append([line])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Lookups:
    """Everything a row is checked against, read once for the whole file."""

    def __init__(self, actor: Any, target: Organisation) -> None:
        orgs = access.scope(
            Organisation.objects.filter(subtree_q(target.path), archived_at__isnull=True),
            actor,
            perms.MANAGE,
        ).only("id", "name", "kind", "path", "depth", "organ_id", "archived_at")
        self.target = target
        self.branches: dict[str, list[Organisation]] = {}
        self.groups: dict[tuple[int, str], Organisation] = {}
        by_path = {}
        for org in orgs:
            by_path[org.path] = org
            if org.kind == OrgKind.BRANCH:
                self.branches.setdefault(org.name, []).append(org)
        for org in by_path.values():
            parent = by_path.get(org.path[: -Organisation.steplen])
            if org.kind == OrgKind.GROUP and parent is not None:
                self.groups[(parent.pk, org.name)] = org
        self.organs = {organ.name: organ for organ in Organ.objects.all()}
        self.existing: dict[str, tuple[int, str]] = {
            h: (pk, path)
            for h, pk, path in Member.objects.exclude(id_number_hash="").values_list(
                "id_number_hash", "pk", "org__path"
            )
        }


def roster_plan(
    *,
    actor: Any,
    target: Organisation,
    upload: IO[bytes],
    update_existing: bool = False,
    progress: Callable[[int], None] | None = None,
) -> RosterPlan:
    """Check every row of a roster for import under `target`; nothing is written."""
    look = _Lookups(actor, target)
    plan = RosterPlan()
    skipped = SkippedRows(plan.skipped)
    seen: dict[str, int] = {}
    for sheet_row in open_rows(upload, COLUMNS, REQUIRED, skipped):
        plan.total += 1
        if plan.total > MAX_ROWS:
            raise DomainError(_("A file may hold at most %(n)d rows.") % {"n": MAX_ROWS})
        if progress is not None and plan.total % 500 == 0:
            progress(plan.total)
        _check_row(sheet_row, look, plan, seen, update_existing)
    if plan.total == 0:
        raise DomainError(_("The file holds no rows under the header."))
    return plan


# Values of these columns are masked in the error report (kept as a job's errors, shown to
# whoever follows the import): the row number finds the row in the user's own file.
MASKED_COLUMNS = {"id_number": (4, 4), "mobile": (3, 4), "birth_date": (4, 0)}


def reported_value(key: str, value: str) -> str:
    """A cell's value as the error report shows it."""
    if key in MASKED_COLUMNS:
        return identity.mask_text(value, *MASKED_COLUMNS[key])
    return value


def _check_row(
    sheet_row: SheetRow,
    look: _Lookups,
    plan: RosterPlan,
    seen: dict[str, int],
    update_existing: bool,
) -> None:
    number, values, raw = sheet_row.number, sheet_row.values, sheet_row.raw
    errors: list[RowError] = []

    def refuse(key: str, reason: str) -> None:
        # The column as the file names it (公民身份号码), or ours when the file lacks it.
        column = sheet_row.headers.get(key) or LABELS[key]
        errors.append(RowError(number, column, reported_value(key, values.get(key, "")), reason))

    def choice(key: str, mapping: dict[str, Any], reason: str, default: Any = "") -> Any:
        text = values.get(key, "").replace(" ", "")
        if not text:
            return default
        if text not in mapping:
            refuse(key, reason)
            return default
        return mapping[text]

    def flag(key: str) -> bool:
        text = values.get(key, "")
        if text not in YES | NO:
            refuse(key, _("Enter 是 or 否."))
        return text in YES

    def day(key: str) -> Any:
        try:
            return parse_date(raw.get(key))
        except DomainError as exc:
            refuse(key, " ".join(exc.messages))
            return None

    branch = look.target if look.target.kind == OrgKind.BRANCH else None
    branch_name = values.get("branch", "")
    if branch_name:
        candidates = look.branches.get(branch_name, [])
        if len(candidates) == 1:
            branch = candidates[0]
        elif candidates:
            refuse("branch", _("Several branches in the import scope have this name."))
        else:
            refuse("branch", _("No branch of this name in the import scope."))
    elif branch is None:
        refuse("branch", _("Enter the branch (the import target is not a branch)."))
    group = None
    if values.get("group") and branch is not None:
        group = look.groups.get((branch.pk, values["group"]))
        if group is None:
            refuse("group", _("No party group of this name in the member's branch."))
    organ = None
    if values.get("organ"):
        organ = look.organs.get(values["organ"])
        if organ is None:
            refuse("organ", _("No organ of this name."))
    fields = MemberFields(
        full_name=values.get("full_name", ""),
        org=branch or look.target,
        status=choice("status", STATUS, _("Enter 正式 or 预备."), MemberStatus.FULL),
        group=group,
        gender=choice("gender", GENDER, _("Enter 男 or 女.")),
        ethnicity=values.get("ethnicity", ""),
        birth_date=day("birth_date"),
        id_number=values.get("id_number", ""),
        mobile=values.get("mobile", ""),
        education=choice("education", EDUCATION, _("Use a level such as 大学本科 or 研究生.")),
        organ=organ,
        job_title=values.get("job_title", ""),
        joined_on=day("joined_on"),
        full_member_on=day("full_member_on"),
        is_leading_cadre=flag("leading_cadre"),
        is_mobile=flag("mobile_member"),
    )
    if not fields.id_number:
        refuse("id_number", _("Enter the ID number."))
    number_key = identity.normalise_id(fields.id_number)
    if number_key in seen:
        refuse("id_number", _("The same ID number is on row %(row)d.") % {"row": seen[number_key]})
    elif number_key:
        seen[number_key] = number
    existing_id = None
    if number_key:
        existing = look.existing.get(crypto.keyed_hash(number_key))
        if existing is not None:
            if not update_existing:
                refuse(
                    "id_number",
                    _(
                        "A member with this ID number is already registered; "
                        "choose to update existing records to change them."
                    ),
                )
            elif not existing[1].startswith(look.target.path):
                refuse("id_number", _("This member is registered outside the import scope."))
            else:
                existing_id = existing[0]
    cleaned: dict[str, Any] = {}
    if branch is not None:
        try:
            cleaned = _clean(fields, existing=None, check_unique=False)
        except DomainError as exc:
            for field_name, messages in exc.message_dict.items():
                key = FIELD_COLUMNS.get(field_name, field_name)
                for message in messages:
                    refuse(key if key in LABELS else "full_name", message)
    if errors:
        plan.errors.extend(errors)
    else:
        plan.rows.append(PlannedMember(number, cleaned, existing_id))
