"""Blind review inside uploaded files: what programs record about the author is removed on
upload, and documents whose text names the organisation or a person are refused."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from mofan.campaigns import blind, services
from mofan.campaigns.models import Submission, SubmissionFile
from mofan.core.errors import DomainError
from tests.campaigns.files import (
    AUTHOR,
    CLEAN_TEXT,
    ORG,
    docx_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
)
from tests.campaigns.helpers import close_collection, manager, reviewer
from tests.conftest import Tree, login

pytestmark = pytest.mark.django_db


def _spellings(name: str) -> list[bytes]:
    """The ways a name sits in a file's bytes: UTF-8, UTF-16 (PDF strings, both byte orders)
    and the hexadecimal of UTF-16BE a PDF writes."""
    utf16 = name.encode("utf-16-be")
    return [
        name.encode(),
        utf16,
        name.encode("utf-16-le"),
        utf16.hex().encode(),
        utf16.hex().upper().encode(),
    ]


def assert_no_names(data: bytes, *names: str) -> None:
    for name in names:
        for spelling in _spellings(name):
            assert spelling not in data, (name, spelling)


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "campaigns"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def upload(draft: dict[str, Any], name: str, data: bytes, kind: str) -> SubmissionFile:
    return services.submission_file_add(
        actor=draft["uploader"],
        submission=draft["case"],
        upload=SimpleUploadedFile(name, data),
        kind=kind,
    )


def stored(row: SubmissionFile) -> bytes:
    with row.file.open("rb") as handle:
        return handle.read()


def test_a_photo_loses_its_exif_iptc_and_comment_but_keeps_its_orientation(
    draft: dict[str, Any],
) -> None:
    original = jpeg_bytes(AUTHOR, orientation=6)
    assert AUTHOR.encode() in original
    row = upload(draft, "活动照片.jpg", original, "photo")
    data = stored(row)
    assert_no_names(data, AUTHOR)
    assert data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9")
    segments = blind.jpeg_segments(data)  # walks every segment length from SOI to EOI
    markers = [marker for marker, _ in segments]
    assert markers == [0xD8, 0xE0, 0xE1, 0xDB, 0xC0, 0xC4, 0xDA, 0xD9]
    exif = segments[2][1]
    assert exif[4:10] == b"Exif\x00\x00" and len(exif) < 40  # the orientation alone
    assert blind._orientation(exif[4:]) == 6
    # The picture itself is untouched: quantisation, frame, tables and scan are the same bytes.
    before = dict(blind.jpeg_segments(original))
    for marker in (0xDB, 0xC0, 0xC4, 0xDA):
        assert dict(segments)[marker] == before[marker]
    assert row.size == len(data) < len(original)


def test_a_photo_without_metadata_is_stored_as_it_came(draft: dict[str, Any]) -> None:
    original = jpeg_bytes()
    assert stored(upload(draft, "a.jpg", original, "photo")) == original


def test_a_png_loses_its_text_chunks_and_every_crc_stays_valid(draft: dict[str, Any]) -> None:
    original = png_bytes(AUTHOR)
    row = upload(draft, "合影.png", original, "photo")
    data = stored(row)
    assert_no_names(data, AUTHOR)
    chunks = blind.png_chunks(data)  # raises on any wrong CRC
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert (width, height) == (4, 3)
    assert dict(chunks)[b"IDAT"] == dict(blind.png_chunks(original))[b"IDAT"]


def test_a_pdf_loses_its_document_information_and_xmp(draft: dict[str, Any]) -> None:
    original = pdf_bytes(CLEAN_TEXT, author=AUTHOR)
    assert PdfReader(io.BytesIO(original)).metadata["/Author"] == AUTHOR
    row = upload(draft, "案例材料.pdf", original, "attachment")
    data = stored(row)
    assert_no_names(data, AUTHOR)
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is None and reader.xmp_metadata is None
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text() == CLEAN_TEXT


def test_a_docx_loses_its_author_and_company(draft: dict[str, Any]) -> None:
    original = docx_bytes(CLEAN_TEXT, author=AUTHOR, company="市交通局")
    row = upload(draft, "案例材料.docx", original, "attachment")
    assert row.content_type.endswith("wordprocessingml.document")
    assert row.file.name.endswith(".docx")
    data = stored(row)
    assert_no_names(data, AUTHOR)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<Company></Company>" in archive.read("docProps/app.xml")
        assert "市交通局".encode() not in archive.read("docProps/app.xml")
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.author == ""
    assert document.core_properties.last_modified_by == ""
    assert document.paragraphs[-1].text == CLEAN_TEXT


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("本案例由甲机关党委报送。", "“甲机关党委”"),
        ("市交通局机关党建工作案例。", "“市交通局”"),
        ("执笔：张 晓 明", "“张晓明”"),  # spaced out, as PDFs extract it
        ("联系人：李华", "“李华”"),  # the uploader, not the author
        ("甲第一支部与甲机关党委共建。", "“甲第一支部”、“甲机关党委”"),  # as they appear
    ],
)
def test_a_pdf_naming_the_unit_or_a_person_is_refused(
    draft: dict[str, Any], text: str, named: str
) -> None:
    before = stored_files()
    with pytest.raises(DomainError) as refusal:
        upload(draft, "案例材料.pdf", pdf_bytes(text), "attachment")
    message = refusal.value.message_dict["file"][0]
    assert message == f"评审为盲评，但这个文件中出现了{named}。请从文件中删去后重新上传。"
    assert draft["case"].files.count() == 0
    assert stored_files() == before


def test_a_docx_naming_the_organisation_is_refused(draft: dict[str, Any]) -> None:
    before = stored_files()
    with pytest.raises(DomainError) as refusal:
        upload(draft, "材料.docx", docx_bytes("甲机关党委清单管理经验", author=""), "attachment")
    assert "“甲机关党委”" in refusal.value.message_dict["file"][0]
    assert draft["case"].files.count() == 0
    assert stored_files() == before


def test_a_name_of_another_organisation_is_no_reason_to_refuse(draft: dict[str, Any]) -> None:
    row = upload(draft, "材料.pdf", pdf_bytes("学习乙机关党委的经验。"), "attachment")
    assert PdfReader(io.BytesIO(stored(row))).pages[0].extract_text() == "学习乙机关党委的经验。"


@pytest.mark.parametrize(
    ("name", "data", "kind", "word"),
    [
        ("坏.pdf", b"%PDF-1.4\n%not really\n", "attachment", "PDF"),
        ("加密.pdf", "encrypted", "attachment", "PDF"),
        ("表格.docx", b"PK\x03\x04not a zip at all", "attachment", "DOCX"),
        ("断.jpg", jpeg_bytes()[:-40], "photo", "JPG"),
        ("断.png", png_bytes()[:-6], "photo", "PNG"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(
    draft: dict[str, Any], name: str, data: bytes | str, kind: str, word: str
) -> None:
    if data == "encrypted":
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(CLEAN_TEXT))))
        writer.encrypt("打开密码", algorithm="AES-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        data = buffer.getvalue()
    assert isinstance(data, bytes)
    with pytest.raises(DomainError) as refusal:
        upload(draft, name, data, kind)
    assert refusal.value.message_dict["file"][0] == (
        f"无法按 {word} 文件读取：文件已损坏、设有密码或并非此类型，因此无法检查其中的名称。"
    )
    assert draft["case"].files.count() == 0


def test_a_zip_that_is_not_a_word_document_is_refused(draft: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DomainError):
        upload(draft, "表.docx", buffer.getvalue(), "attachment")
    assert draft["case"].files.count() == 0


def test_names_are_found_across_spaces_lines_and_widths() -> None:
    assert blind.names_found("由 甲机关\n党委 报送", ["甲机关党委"]) == ["甲机关党委"]
    assert blind.names_found("ＡＢ党支部", ["AB党支部"]) == ["AB党支部"]
    assert blind.names_found("乙机关党委", ["甲机关党委"]) == []


def test_the_reviewer_downloads_clean_files(
    client: Any, draft: dict[str, Any], tree: Tree, roles: Any
) -> None:
    photo = upload(draft, f"{AUTHOR}.jpg", jpeg_bytes(AUTHOR), "photo")
    attachment = upload(draft, "材料.pdf", pdf_bytes(CLEAN_TEXT, author=AUTHOR), "attachment")
    services.submission_submit(actor=draft["author"], submission=draft["case"])
    campaign = close_collection(draft["campaign"])
    boss = manager(roles, tree)
    services.campaign_start_review(actor=boss, campaign=campaign)
    expert = reviewer("wang", roles, tree)
    review = services.review_assign(
        actor=boss, submission=Submission.objects.get(pk=draft["case"].pk), reviewer=expert
    )
    login(client, expert)
    for row in (photo, attachment):
        response = client.get(reverse("campaigns:review_file", args=[review.pk, row.pk]))
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        assert_no_names(data, AUTHOR, ORG, "李华", "市交通局")
        assert data == stored(row)
    assert PdfReader(io.BytesIO(data)).pages[0].extract_text() == CLEAN_TEXT


def test_the_upload_form_says_the_review_is_blind(client: Any, draft: dict[str, Any]) -> None:
    login(client, draft["author"])
    page = client.get(reverse("campaigns:case", args=[draft["case"].pk])).content.decode()
    assert "评审为盲评" in page and "不得出现本单位或任何人的名称" in page
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx"' in page


def _with_revisions(data: bytes, revisions: str) -> bytes:
    """The DOCX with tracked changes put at the start of its body."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "word/document.xml":
                part = part.replace(b"<w:body>", b"<w:body>" + revisions.encode(), 1)
            target.writestr(info.filename, part)
    return out.getvalue()


def test_tracked_changes_are_read_and_their_authors_removed(draft: dict[str, Any]) -> None:
    deleted = _with_revisions(
        docx_bytes(CLEAN_TEXT),
        '<w:p><w:del w:id="1" w:author="王五"><w:r><w:delText>甲机关党委</w:delText></w:r>'
        "</w:del></w:p>",
    )
    with pytest.raises(DomainError) as refusal:
        upload(draft, "修订.docx", deleted, "attachment")
    assert "“甲机关党委”" in refusal.value.message_dict["file"][0]
    inserted = _with_revisions(
        docx_bytes(CLEAN_TEXT),
        '<w:p><w:ins w:id="2" w:author="王五" w:date="2026-11-26T08:00:00Z"><w:r>'
        "<w:t>补充数据</w:t></w:r></w:ins></w:p>",
    )
    data = stored(upload(draft, "修订.docx", inserted, "attachment"))
    assert_no_names(data, "王五")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read("word/document.xml")
    assert b'w:author=""' in body and "<w:t>补充数据</w:t>".encode() in body
    assert len(docx.Document(io.BytesIO(data)).paragraphs) == 2  # still opens
