import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from mofan.accounts.models import Role
from mofan.core.errors import DomainError
from mofan.core.models import AuditEvent
from mofan.orgs import services
from mofan.orgs.imports import org_import_plan, template_xlsx
from mofan.orgs.models import Organ, Organisation, OrgKind
from tests.conftest import Tree, login, make_user, org_workbook

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(data: bytes, name: str = "orgs.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


@pytest.fixture
def admin_a(tree: Tree, roles: dict[str, Role]) -> Any:
    return make_user("a", grants=[(roles["committee_admin"], tree.committee_a, True)])


def test_real_world_file_is_imported(tree: Tree, admin_a: Any) -> None:
    data = org_workbook(
        [
            ["上级党组织", "党组织名称", "类型", "所属单位", "是否联合支部"],  # any order, aliases
            ["甲机关党委", "甲第三支部", "党支部", "甲局", "否"],
            [None, None, None, None, None],  # blank rows are skipped
            ["甲第三支部", "甲三支部第一党小组", "党小组", "", ""],
            ["甲机关党委", "甲联合支部", "联合党支部", "", "是"],
            ["甲机关党委 ", "甲第４支部\u3000", "党支部", "", "否"],  # full-width digit and space
        ],
        title_rows=2,
    )
    plan = org_import_plan(actor=admin_a, upload=upload(data))
    assert plan.errors == []
    assert [(r.row, r.name) for r in plan.rows] == [
        (4, "甲第三支部"),
        (6, "甲三支部第一党小组"),
        (7, "甲联合支部"),
        (8, "甲第4支部"),
    ]
    created = services.org_import_commit(actor=admin_a, plan=plan)
    assert len(created) == 4
    third = Organisation.objects.get(name="甲第三支部")
    group = Organisation.objects.get(name="甲三支部第一党小组")
    assert group.path.startswith(third.path) and group.kind == OrgKind.GROUP
    assert Organisation.objects.get(name="甲联合支部").is_joint
    assert third.organ == Organ.objects.get(name="甲局")
    assert AuditEvent.objects.filter(action="orgs.organisation.import").count() == 1


def test_every_row_is_checked_and_nothing_written(tree: Tree, admin_a: Any) -> None:
    before = Organisation.objects.count()
    data = org_workbook(
        [
            ["组织名称", "组织类别", "上级组织", "所属机关", "联合党支部"],
            ["甲新支部", "支队", "甲机关党委", "", ""],
            ["甲小组", "党小组", "甲机关党委", "", ""],
            ["无名支部", "党支部", "不存在的党委", "", ""],
            ["乙新支部", "党支部", "乙机关党委", "", ""],  # outside the scope
            ["甲第一支部", "党支部", "甲机关党委", "", ""],  # exists already
            ["甲重复支部", "党支部", "甲机关党委", "", ""],
            ["甲重复支部", "党支部", "甲机关党委", "", ""],
            ["甲好支部", "党支部", "甲机关党委", "", "也许"],
            ["甲好支部2", "党支部", "甲机关党委", "", ""],
        ]
    )
    plan = org_import_plan(actor=admin_a, upload=upload(data))
    errors = {(e.row, e.column): e.reason for e in plan.errors}
    assert errors[(2, "组织类别")].startswith("请填写机关党委")
    assert errors[(3, "组织类别")] == "党小组不能设在机关党委之下。"
    assert errors[(4, "上级组织")] == "您管理范围内和本表前面各行中都没有这个组织。"
    assert errors[(5, "上级组织")] == "您管理范围内和本表前面各行中都没有这个组织。"
    assert errors[(6, "组织名称")] == "同一上级下已有同名组织。"
    assert errors[(8, "组织名称")] == "该组织在文件中重复出现。"
    assert errors[(9, "联合党支部")] == "请填写“是”或“否”。"
    assert len(plan.errors) == 7
    with pytest.raises(DomainError, match="请先改正文件中的错误"):
        services.org_import_commit(actor=admin_a, plan=plan)
    assert Organisation.objects.count() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,kind\n1,2\n", "这不是 Excel"),
        (b"\x00" * 100, "这不是 Excel"),
        ("zip-not-xlsx", "这不是 Excel"),
        ("bomb", "解压后超过 200 MB"),
        ("formula", "是公式"),
        ("no-header", "未找到表头"),
        ("empty", "表头下没有数据行"),
    ],
)
def test_hostile_and_broken_files_are_refused(
    tree: Tree, admin_a: Any, data: Any, message: str
) -> None:
    if data == "zip-not-xlsx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "你好")
        data = buffer.getvalue()
    elif data == "bomb":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/huge.xml", b"0" * (201 * 1024 * 1024))
        data = buffer.getvalue()
        assert len(data) < 2 * 1024 * 1024
    elif data == "formula":
        data = org_workbook(
            [
                ["组织名称", "组织类别", "上级组织"],
                ['=HYPERLINK("http://x")', "党支部", "甲机关党委"],
            ]
        )
    elif data == "no-header":
        data = org_workbook([["姓名", "性别"], ["张三", "男"]])
    elif data == "empty":
        data = org_workbook([["组织名称", "组织类别", "上级组织"]])
    with pytest.raises(DomainError, match=message):
        org_import_plan(actor=admin_a, upload=upload(data))


def test_oversized_upload_is_refused(tree: Tree, admin_a: Any) -> None:
    with pytest.raises(DomainError, match="超过 20 MB"):
        org_import_plan(actor=admin_a, upload=upload(b"PK" + b"0" * (20 * 1024 * 1024)))


def test_template_round_trip_and_pages(tree: Tree, admin_a: Any) -> None:
    client = login(Client(), admin_a)
    template = client.get("/orgs/import/template/")
    assert template["Content-Type"] == XLSX
    header = next(
        load_workbook(io.BytesIO(template.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert header == ("组织名称", "组织类别", "上级组织", "所属机关", "联合党支部")
    assert len(template_xlsx()) > 1000

    bad = org_workbook([["组织名称", "组织类别", "上级组织"], ["甲新支部", "支队", "甲机关党委"]])
    page = client.post("/orgs/import/", {"file": upload(bad), "commit": "1"})
    assert "发现 1 个问题，未导入任何数据" in page.content.decode()
    report = client.get("/orgs/import/errors/")
    rows = list(load_workbook(io.BytesIO(report.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "填写内容", "原因")
    assert rows[1][:3] == (2, "组织类别", "支队")

    good = org_workbook(
        [["组织名称", "组织类别", "上级组织"], ["甲新支部", "党支部", "甲机关党委"]]
    )
    page = client.post("/orgs/import/", {"file": upload(good), "commit": "0"})
    assert "已检查 1 行，没有问题" in page.content.decode()
    assert not Organisation.objects.filter(name="甲新支部").exists()  # check only
    response = client.post("/orgs/import/", {"file": upload(good), "commit": "1"})
    assert response.status_code == 302
    assert Organisation.objects.filter(name="甲新支部").exists()
