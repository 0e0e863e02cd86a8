"""The volunteer-service certificate (志愿服务证明) as a Word document, with the fields the
2021 办法 requires, in the typefaces of Chinese official documents."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from mofan.orglife.documents import BODY_FONT, TITLE_FONT, _font
from mofan.volunteer.models import Certificate
from mofan.volunteer.services.certificates import volunteer_number


def cn_date(day: object) -> str:
    return f"{day.year}年{day.month}月{day.day}日"  # type: ignore[attr-defined]


def certificate_docx(certificate: Certificate, *, check_url: str) -> bytes:
    member = certificate.member
    document = Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("志愿服务证明"), TITLE_FONT, 22)
    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(number.add_run(f"证明编号：{certificate.number}"), BODY_FONT, 12)

    hours = f"{certificate.hours.normalize():f}"
    body = document.add_paragraph()
    body.paragraph_format.first_line_indent = Pt(32)
    _font(
        body.add_run(
            f"兹证明{member.full_name}（居民身份证，{member.id_number_masked or '未登记'}；"
            f"志愿者编号 {volunteer_number(member)}）于{cn_date(certificate.period_from)}至"
            f"{cn_date(certificate.period_to)}期间参加{certificate.org.name}组织的志愿服务，"
            f"累计志愿服务时长{hours}小时。"
        ),
        BODY_FONT,
        16,
    )
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [
        ("志愿者姓名", member.full_name),
        ("证件类型", "居民身份证"),
        ("证件号码", member.id_number_masked or "未登记"),
        ("志愿者编号", volunteer_number(member)),
        ("服务时长", f"{hours}小时"),
        ("服务内容", certificate.content),
        ("出具单位", certificate.org.name),
        ("负责人", certificate.person_in_charge),
        ("经办人", certificate.handler),
        ("经办人联系方式", certificate.handler_contact),
        ("证明编号", certificate.number),
        ("出具日期", cn_date(certificate.issued_on)),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        _font(cells[0].paragraphs[0].add_run(label), BODY_FONT, 14, bold=True)
        _font(cells[1].paragraphs[0].add_run(value), BODY_FONT, 14)
    note = document.add_paragraph()
    _font(
        note.add_run(
            f"本证明可在 {check_url} 凭证明编号和查验码 {certificate.check_code} 查验真伪。"
        ),
        BODY_FONT,
        12,
    )
    seal = document.add_paragraph()
    seal.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(
        seal.add_run(f"{certificate.org.name}（盖章）\n{cn_date(certificate.issued_on)}"),
        BODY_FONT,
        16,
    )
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
