"""A meeting's minutes as a Word document in the usual layout, with the typefaces of Chinese
official documents (GB/T 9704: title in 小标宋 二号, text in 仿宋 三号)."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from mofan.orglife.models import AttendanceStatus, Meeting

TITLE_FONT, BODY_FONT, BODY_FALLBACK = "方正小标宋简体", "仿宋_GB2312", "FangSong"


def _font(run: object, name: str, size: float, bold: bool = False) -> None:
    run.font.name = BODY_FALLBACK  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    properties = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    properties.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def html_to_paragraphs(html: str) -> list[str]:
    text = re.sub(r"(?i)<br\s*/?>", "\n", html or "")
    text = re.sub(r"(?i)</(p|li|h3|h4|tr|blockquote)>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return [line.strip() for line in unescape(text).splitlines() if line.strip()]


def minutes_docx(meeting: Meeting) -> bytes:
    document = Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(f"{meeting.org.name}{meeting.get_kind_display()}记录"), TITLE_FONT, 22)

    rows: dict[str, list[str]] = {status: [] for status in AttendanceStatus.values}
    for attendance in meeting.attendances.select_related("member").order_by("member__name_pinyin"):
        rows[attendance.status].append(attendance.member.full_name)
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    expected = sum(len(names) for names in rows.values())
    leave = rows[AttendanceStatus.LEAVE] + rows[AttendanceStatus.LEAVE_REQUESTED]
    absent = rows[AttendanceStatus.ABSENT] + rows[AttendanceStatus.EXPECTED]
    facts = [
        ("会议名称", meeting.topic),
        ("时　　间", f"{start.year}年{start.month}月{start.day}日 {start:%H:%M}—{end:%H:%M}"),
        ("地　　点", meeting.place or ""),
        ("主 持 人", meeting.host.full_name if meeting.host else ""),
        ("记 录 人", meeting.recorder.full_name if meeting.recorder else ""),
        ("应到人数", f"{expected}人"),
        (
            "实到人数",
            f"{len(rows[AttendanceStatus.PRESENT])}人："
            + "、".join(rows[AttendanceStatus.PRESENT]),
        ),
        ("请假人员", f"{len(leave)}人" + ("：" + "、".join(leave) if leave else "")),
        ("缺席人员", f"{len(absent)}人" + ("：" + "、".join(absent) if absent else "")),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        _font(cells[0].paragraphs[0].add_run(label), BODY_FONT, 14, bold=True)
        _font(cells[1].paragraphs[0].add_run(value), BODY_FONT, 14)

    def section(heading: str, lines: list[str]) -> None:
        paragraph = document.add_paragraph()
        _font(paragraph.add_run(heading), BODY_FONT, 16, bold=True)
        for line in lines or ["无"]:
            body = document.add_paragraph()
            body.paragraph_format.first_line_indent = Pt(32)
            _font(body.add_run(line), BODY_FONT, 16)

    section("议程", [line.strip() for line in meeting.agenda.splitlines() if line.strip()])
    section("内容", html_to_paragraphs(meeting.minutes))
    section(
        "决议",
        [
            f"{r.text}（应到有表决权党员{r.voting_members}人，赞成{r.votes_for}票，反对"
            f"{r.votes_against}票，弃权{r.abstentions}票，{'通过' if r.passed else '未通过'}）"
            for r in meeting.resolutions.all()
        ],
    )
    attachments = list(meeting.attachments.filter(removed_at__isnull=True))
    if attachments:
        section("附件", [f"{i}. {a.caption or a.name}" for i, a in enumerate(attachments, 1)])
        for attachment in attachments:
            if not attachment.is_image:
                continue
            try:
                with attachment.file.open("rb") as handle:
                    document.add_picture(BytesIO(handle.read()), width=Cm(14))
            except (OSError, ValueError, UnrecognizedImageError):  # the list above names it
                continue
            caption = document.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(caption.add_run(attachment.caption or attachment.name), BODY_FONT, 12)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
