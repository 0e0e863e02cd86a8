"""Roster import on messy files built the way branches really keep them."""

from __future__ import annotations

import io
import threading
from datetime import date, datetime
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from openpyxl import Workbook, load_workbook

from mofan.accounts.models import Role
from mofan.core.audit import audit_verify
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent, ImportJob
from mofan.members import services
from mofan.members.imports import roster_plan
from mofan.members.models import Member, MemberStatus
from tests.conftest import Tree, an_id, login, make_user, roster_sheet

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ID1, ID2, ID3 = (
    an_id(date(1980, 1, 2)),
    an_id(date(1990, 3, 4), female=True),
    an_id(date(1975, 5, 6), seq=40),
)


def plan_of(actor: Any, target: Any, data: bytes, update: bool = False) -> Any:
    return roster_plan(actor=actor, target=target, upload=io.BytesIO(data), update_existing=update)


@pytest.fixture
def admin(tree: Tree, roles: dict[str, Role]) -> Any:
    return make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])


HEADER = ["姓名", "身份证号", "入党时间", "转正时间"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021.7.1", date(2021, 7, 1)),
        ("2021-07-01", date(2021, 7, 1)),
        ("2021/7/1", date(2021, 7, 1)),
        ("2021年7月1日", date(2021, 7, 1)),
        ("202107", date(2021, 7, 1)),
        ("２０２１．７．１", date(2021, 7, 1)),
        (44378, date(2021, 7, 1)),  # an Excel serial number
        (datetime(2021, 7, 1), date(2021, 7, 1)),  # noqa: DTZ001 - a spreadsheet date cell is naive
    ],
)
def test_each_date_form(tree: Tree, admin: Any, raw: Any, expected: date) -> None:
    plan = plan_of(admin, tree.branch_a1, roster_sheet([HEADER, ["张三", ID1, raw, None]]))
    assert plan.errors == []
    assert plan.rows[0].values["joined_on"] == expected


def test_each_layout_quirk_alone_and_together(tree: Tree, admin: Any) -> None:
    rows = [["张三", ID1, "2001.7.1", "2002.7.1"]]
    for data in (
        roster_sheet([HEADER, *rows], titles=2),  # title rows above the header
        roster_sheet(rows, two_row_header=True),  # merged two-row header with aliases
        roster_sheet(
            [
                ["转正时间", "入党时间", "身份证号", "姓名"],  # any order
                ["2002.7.1", "2001.7.1", ID1, "张三"],
            ]
        ),
        roster_sheet(
            [
                HEADER,
                [" 张 三 ", " ".join(ID1[:-1]) + " " + ID1[-1].lower(), "2001.7.1", "2002.7.1"],
            ]
        ),  # spaces and a lower-case x
        roster_sheet([HEADER, [None] * 4, *rows, [None] * 4, [None] * 4]),  # blank, trailing rows
        roster_sheet(rows, titles=1, two_row_header=True),  # together
    ):
        plan = plan_of(admin, tree.branch_a1, data)
        assert plan.errors == [], plan.errors
        assert len(plan.rows) == 1
        values = plan.rows[0].values
        assert values["full_name"] == "张三" and values["joined_on"] == date(2001, 7, 1)
        assert values["birth_date"] == date(1980, 1, 2)


def test_full_width_digits(tree: Tree, admin: Any) -> None:
    full_width = ID1.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    data = roster_sheet(
        [["姓名", "身份证号", "手机号"], ["李四", full_width, "１３９ １２３４ ５６７８"]]
    )
    plan = plan_of(admin, tree.branch_a1, data)
    assert plan.errors == []
    assert plan.rows[0].values["mobile_masked"] == "139****5678"


def test_row_level_report(tree: Tree, admin: Any) -> None:
    services.member_create(actor=None, full_name="在册", org=tree.branch_a1, id_number=ID3)
    data = roster_sheet(
        [
            ["姓名", "身份证号", "性别", "入党时间", "所在支部", "党员状态"],
            ["甲", ID1[:-1] + ("0" if ID1[-1] != "0" else "1"), "", "", "", ""],
            ["乙", ID2, "男", "", "", ""],
            ["丙", ID1, "", "2021.13.1", "", ""],
            ["丁", ID1, "", "", "不存在支部", "正试"],
            ["戊", ID3, "", "", "", ""],
            ["", "", "", "", "", ""],
            ["己", "", "", "", "", ""],
        ],
        titles=1,
    )
    plan = plan_of(admin, tree.branch_a1, data)
    got = sorted((e.row, e.column, e.value, e.reason) for e in plan.errors)
    assert got == sorted(
        [
            (3, "身份证号", data_id(plan, 3), "身份证号校验码不正确，请核对。"),
            (4, "性别", "男", "性别与身份证号不一致。"),
            (5, "入党时间", "2021.13.1", "该日期不存在。"),
            (6, "所在支部", "不存在支部", "导入范围内没有这个党支部。"),
            (6, "党员状态", "正试", "请填写“正式”或“预备”。"),
            (6, "身份证号", masked(ID1), "与第 5 行的身份证号重复。"),
            (
                7,
                "身份证号",
                masked(ID3),
                "该身份证号已登记；如需修改档案，请勾选“更新已登记党员的档案”。",
            ),
            (9, "身份证号", "", "请填写身份证号。"),
        ]
    )
    assert not plan.ok
    with pytest.raises(DomainError, match="请先改正"):
        services.member_import_commit(actor=admin, target=tree.branch_a1, plan=plan)
    assert Member.objects.count() == 1


def data_id(plan: Any, row: int) -> str:
    value = next(e.value for e in plan.errors if e.row == row)
    assert len(value) == 18 and value[4:14] == "*" * 10
    return str(value)


def masked(number: str) -> str:
    return number[:4] + "*" * 10 + number[-4:]


def test_commit_is_all_or_nothing(tree: Tree, admin: Any, monkeypatch: Any) -> None:
    data = roster_sheet([HEADER, ["张三", ID1, "", ""], ["李四", ID2, "", ""]])
    plan = plan_of(admin, tree.branch_a1, data)
    assert plan.ok
    events = AuditEvent.objects.count()

    def fail(**kwargs: Any) -> int:
        raise RuntimeError("disk full, injected")

    monkeypatch.setattr(services, "audit_record_many", fail)  # after the members are inserted
    with pytest.raises(RuntimeError):
        services.member_import_commit(actor=admin, target=tree.branch_a1, plan=plan)
    assert Member.objects.count() == 0 and AuditEvent.objects.count() == events


def test_import_then_update_existing(tree: Tree, admin: Any) -> None:
    first = roster_sheet(
        [
            ["姓名", "身份证号", "职务", "党员状态"],
            ["张三", ID1, "科员", "正式"],
            ["李四", ID2, "", "预备"],
        ]
    )
    created, updated = services.member_import_commit(
        actor=admin, target=tree.branch_a1, plan=plan_of(admin, tree.branch_a1, first)
    )
    assert (created, updated) == (2, 0)
    assert Member.objects.get(full_name="李四").status == MemberStatus.PROBATIONARY
    assert audit_verify().ok
    again = roster_sheet([["姓名", "身份证号", "职务"], ["张三", ID1, "科长"]])
    assert not plan_of(admin, tree.branch_a1, again).ok  # without the flag: refused
    plan = plan_of(admin, tree.branch_a1, again, update=True)
    assert plan.ok and plan.update_count == 1
    assert services.member_import_commit(actor=admin, target=tree.branch_a1, plan=plan) == (0, 1)
    member = Member.objects.get(full_name="张三")
    assert member.job_title == "科长"
    actions = list(
        AuditEvent.objects.filter(
            target_id=str(member.pk), target_type="members.member"
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["members.member.import", "members.member.import_update"]
    assert audit_verify().ok


def test_import_under_a_committee_needs_the_branch_column(tree: Tree, admin: Any) -> None:
    data = roster_sheet(
        [
            ["姓名", "身份证号", "所在支部", "党小组"],
            ["张三", ID1, "甲第一支部", "甲一党小组"],
            ["李四", ID2, "", ""],
        ]
    )
    plan = plan_of(admin, tree.committee_a, data)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "所在支部")]
    assert plan.rows[0].values["group"] == tree.group_a1


def test_out_of_scope_branch_is_not_found(tree: Tree, admin: Any) -> None:
    data = roster_sheet([["姓名", "身份证号", "所在支部"], ["张三", ID1, "乙第一支部"]])
    plan = plan_of(admin, tree.committee_a, data)
    assert [e.reason for e in plan.errors] == ["导入范围内没有这个党支部。"]


def test_job_flow_through_the_pages(
    tree: Tree, admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(Client(), admin)
    template = client.get("/members/import/template/")
    header = next(
        load_workbook(io.BytesIO(template.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert header[:2] == ("姓名", "身份证号")
    bad = SimpleUploadedFile(
        "名册.xlsx", roster_sheet([HEADER, ["张三", "123", "", ""]]), content_type=XLSX
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/members/import/", {"org": tree.branch_a1.pk, "file": bad})
    job = ImportJob.objects.get()
    assert response.url == f"/members/import/{job.pk}/"
    assert job.status == ImportJob.Status.INVALID
    assert not default_storage.exists(job.file.name)  # the personal data is not kept
    page = client.get(response.url).content.decode()
    assert "发现 1 个问题" in page
    report = client.get(f"/members/import/{job.pk}/errors/")
    rows = list(load_workbook(io.BytesIO(report.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:3] == (2, "身份证号", "***")

    good = SimpleUploadedFile(
        "名册.xlsx", roster_sheet([HEADER, ["张三", ID1, "2001.7.1", ""]]), content_type=XLSX
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/members/import/", {"org": tree.branch_a1.pk, "file": good})
    job = ImportJob.objects.latest("id")
    assert job.status == ImportJob.Status.READY and job.new_count == 1
    assert Member.objects.count() == 0  # nothing before the user's go
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/members/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Member.objects.get().full_name == "张三"
    outsider = make_user(
        "b", grants=[(Role.objects.get(code="committee_admin"), tree.committee_b, True)]
    )
    assert login(Client(), outsider).get(f"/members/import/{job.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once(tree: Tree, roles: dict[str, Role]) -> None:
    admin = make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])
    data = roster_sheet(
        [HEADER] + [[f"党员{i}", an_id(date(1980, 1, 1), seq=i), "", ""] for i in range(60)]
    )
    plans = [plan_of(admin, tree.branch_a1, data) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(plan: Any) -> None:
        try:
            barrier.wait()
            services.member_import_commit(actor=admin, target=tree.branch_a1, plan=plan)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == sorted(
        ["ok", "其中有党员在此期间已被登记（可能是另一次导入），本次未导入任何数据。"]
    )
    assert Member.objects.count() == 60
    assert audit_verify().ok


def test_the_sample_messy_roster(tree: Tree, admin: Any) -> None:
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "docs" / "samples" / "messy-roster.xlsx"
    plan = plan_of(admin, tree.branch_a1, sample.read_bytes())
    assert [r.values["full_name"] for r in plan.rows] == ["马建国", "杨丽", "陈志远", "赵敏"]
    assert plan.rows[3].values["status"] == MemberStatus.PROBATIONARY
    assert plan.rows[3].values["joined_on"] == date(2024, 1, 1)  # an Excel serial number
    assert sorted((e.row, e.column) for e in plan.errors) == [  # as the file names them
        (9, "公民身份号码"),
        (10, "入党日期"),
        (11, "性别"),
        (11, "联系电话"),
        (12, "公民身份号码"),
    ]
    assert plan.skipped == [15, 17, 18]  # 备注：…, 填表人：… 审核人：…, （支部盖章）
    assert [r.values["job_title"] for r in plan.rows] == [  # from 工作岗位
        "综合科科员",
        "秘书科副科长",
        "信息科科员",
        "综合科科员",
    ]


def test_errors_name_the_columns_as_the_file_writes_them(tree: Tree, admin: Any) -> None:
    data = roster_sheet(
        [
            ["序号", "党员姓名", "公民身份号码", "联系电话"],
            [1, "", ID1, "13900000000"],
            [2, "乙", "123", "1390931"],
        ],
        titles=1,
    )
    plan = plan_of(admin, tree.branch_a1, data)
    assert sorted((e.row, e.column, e.value) for e in plan.errors) == [
        (3, "党员姓名", ""),
        (4, "公民身份号码", "***"),
        (4, "联系电话", "*******"),
    ]


def test_the_two_row_header_names_its_lower_columns(tree: Tree, admin: Any) -> None:
    data = roster_sheet([["甲", ID1, "2021.13.1", ""]], two_row_header=True)
    plan = plan_of(admin, tree.branch_a1, data)
    assert [(e.row, e.column, e.value) for e in plan.errors] == [(3, "入党日期", "2021.13.1")]


def _with_signature(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    ws = book.worksheets[0]
    ws.append(["甲第一支部党员名册"])
    ws.append(["姓名", "身份证号", "工作岗位", "联系电话"])
    for row in rows:
        ws.append(row)
    ws.append([])
    ws.append(["填表人：", None, "张书记", None])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
    ws.append(["审核人：李主任", None, "联系电话：0931-8888888", None])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
    ws.merge_cells(start_row=ws.max_row, start_column=3, end_row=ws.max_row, end_column=4)
    ws.append(["（单位盖章）", None, None, "2022年3月1日"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_signature_block_is_skipped_and_reported(
    tree: Tree, admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = _with_signature([["张三", ID1, "科员", ""], ["李四", ID2, "支部书记", ""]])
    plan = plan_of(admin, tree.branch_a1, data)
    assert plan.errors == [] and plan.ok
    assert [r.values["full_name"] for r in plan.rows] == ["张三", "李四"]
    assert plan.skipped == [6, 7, 8]
    client = login(Client(), admin)
    upload = SimpleUploadedFile("名册.xlsx", data, content_type=XLSX)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/members/import/", {"org": tree.branch_a1.pk, "file": upload})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY
    page = client.get(response.url).content.decode()
    assert "第 6、7、8 行位于表格下方，是备注或签名，已跳过。" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/members/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Member.objects.count() == 2


def test_a_member_row_with_a_job_title_like_a_signature_word_is_kept(
    tree: Tree, admin: Any
) -> None:
    data = roster_sheet(
        [["姓名", "身份证号", "职务"], ["王五", "", "负责人"], ["赵六", "", "联系人"]]
    )
    plan = plan_of(admin, tree.branch_a1, data)
    assert plan.skipped == []
    assert [(e.row, e.column) for e in plan.errors] == [(2, "身份证号"), (3, "身份证号")]


@pytest.mark.parametrize("header", ["工作岗位", "职务", "岗位", "现任职务"])
def test_the_job_title_column_and_its_synonyms(tree: Tree, admin: Any, header: str) -> None:
    data = roster_sheet([["党员姓名", "公民身份号码", header], ["张三", ID1, "办公室科员"]])
    plan = plan_of(admin, tree.branch_a1, data)
    assert plan.ok
    services.member_import_commit(actor=admin, target=tree.branch_a1, plan=plan)
    assert Member.objects.get().job_title == "办公室科员"


def test_the_job_page_and_report_never_show_full_numbers(
    tree: Tree, roles: dict[str, Role], django_capture_on_commit_callbacks: Any
) -> None:
    secretary = make_user("s", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    data = roster_sheet(
        [
            ["姓名", "身份证号", "手机号", "出生日期"],
            ["甲", ID1, "1390931000", "1980-01-02"],
            ["乙", ID1, "", "1980-01-03"],
        ]
    )
    client = login(Client(), secretary)
    upload = SimpleUploadedFile("名册.xlsx", data, content_type=XLSX)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/members/import/", {"org": tree.branch_a1.pk, "file": upload})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    stored = str(job.errors)
    page = client.get(response.url).content.decode()
    report = client.get(f"/members/import/{job.pk}/errors/")
    cells = [
        str(v)
        for row in load_workbook(io.BytesIO(report.content))
        .worksheets[0]
        .iter_rows(values_only=True)
        for v in row
    ]
    for shown in (stored, page, " ".join(cells)):
        assert ID1 not in shown and "1390931000" not in shown and "1980-01-03" not in shown
    assert masked(ID1) in page and "139***1000" in page and "1980******" in page


def test_the_migration_masks_stored_reports(tree: Tree, admin: Any) -> None:
    from importlib import import_module

    from django.apps import apps

    job = ImportJob.objects.create(
        kind="members.roster",
        org=tree.branch_a1,
        created_by=admin,
        file_name="名册.xlsx",
        status=ImportJob.Status.INVALID,
        errors=[
            [3, "身份证号", ID1, "重复"],
            [4, "手机号", "1390931", "位数不对"],
            [5, "姓名", "", "请填写姓名。"],
        ],
    )
    empty = ImportJob.objects.create(
        kind="members.roster", org=tree.branch_a1, created_by=admin, file_name="b.xlsx"
    )
    import_module("mofan.members.migrations.0006_mask_import_error_values").mask_reports(apps, None)
    job.refresh_from_db()
    assert job.errors == [
        [3, "身份证号", masked(ID1), "重复"],
        [4, "手机号", "*******", "位数不对"],
        [5, "姓名", "", "请填写姓名。"],
    ]
    empty.refresh_from_db()
    assert empty.errors == []
