"""Blind review reaches every part of a document: a name anywhere a reader or a program can show
it (drawings, text boxes, SmartArt, charts, field codes, alt text, bookmarks, annotations) gets
the file refused, and every metadata part (properties, commenters, thumbnails, XMP, annotation
authors) is removed from the stored copy."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Text
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from mofan.campaigns import blind
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
from tests.campaigns.test_blind import assert_no_names, stored, stored_files, upload

pytestmark = pytest.mark.django_db

ORGAN = "市交通局"
REFUSAL = f"评审为盲评，但这个文件中出现了“{ORG}”。请从文件中删去后重新上传。"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _edited(
    data: bytes,
    *,
    add: dict[str, str | bytes] | None = None,
    edit: dict[str, list[tuple[str, str]]] | None = None,
) -> bytes:
    """The package with parts added or replaced (name → content) and text replaced in parts
    (name → [(old, new), …])."""
    add, edit = dict(add or {}), edit or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename in add:
                new_part = add.pop(info.filename)
                part = new_part.encode() if isinstance(new_part, str) else new_part
            for old, new in edit.get(info.filename, []):
                assert old.encode() in part, (info.filename, old)
                part = part.replace(old.encode(), new.encode(), 1)
            target.writestr(info.filename, part)
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def _in_body(xml: str) -> dict[str, list[tuple[str, str]]]:
    return {"word/document.xml": [("<w:body>", "<w:body>" + xml)]}


def _part(root: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + root


DRAWING = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
    'drawingml/2006/wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/>'
    '<wp:docPr id="7" name="形状 7"/><a:graphic xmlns:a="{a}"><a:graphicData uri="{a}">'
    "<a:sp><a:txBody><a:bodyPr/><a:p><a:r><a:t>{text}</a:t></a:r></a:p></a:txBody></a:sp>"
    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


def _docx_with_org_in(place: str) -> bytes:
    base = docx_bytes(CLEAN_TEXT)
    if place == "drawing text":
        return _edited(
            base, edit=_in_body(DRAWING.format(a=NS_A, text="甲机关" + "</a:t><a:t>党委"))
        )
    if place == "text box":
        box = (
            '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
            f"<w:txbxContent><w:p><w:r><w:t>{ORG}</w:t></w:r></w:p></w:txbxContent>"
            "</v:textbox></v:shape></w:pict></w:r></w:p>"
        )
        return _edited(base, edit=_in_body(box))
    if place == "alt text":
        picture = DRAWING.format(a=NS_A, text="合影").replace(
            'name="形状 7"/>', f'name="图片 7" descr="{ORG}全体党员合影"/>'
        )
        return _edited(base, edit=_in_body(picture))
    if place == "field code":
        field = (
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r>'
            f'<w:instrText xml:space="preserve"> AUTHOR "{ORG}" </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        )
        return _edited(base, edit=_in_body(field))
    if place == "SmartArt data":
        data = (
            f'<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram"'
            f' xmlns:a="{NS_A}"><dgm:ptLst><dgm:pt modelId="{{1}}"><dgm:t><a:bodyPr/><a:p><a:r>'
            f"<a:t>{ORG}</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>"
        )
        return _edited(base, add={"word/diagrams/data1.xml": _part(data)})
    if place == "SmartArt drawing":
        drawing = (
            '<dsp:drawing xmlns:dsp="http://schemas.microsoft.com/office/drawing/2008/diagram"'
            f' xmlns:a="{NS_A}"><dsp:spTree><dsp:sp><dsp:txBody><a:bodyPr/><a:p><a:r>'
            f"<a:t>{ORG}</a:t></a:r></a:p></dsp:txBody></dsp:sp></dsp:spTree></dsp:drawing>"
        )
        return _edited(base, add={"word/diagrams/drawing1.xml": _part(drawing)})
    if place == "chart title":
        chart = (
            '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
            f' xmlns:a="{NS_A}"><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r>'
            f"<a:t>{ORG}</a:t></a:r></a:p></c:rich></c:tx></c:title></c:chart></c:chartSpace>"
        )
        return _edited(base, add={"word/charts/chart1.xml": _part(chart)})
    if place == "header":
        document = docx.Document(io.BytesIO(base))
        document.sections[0].header.paragraphs[0].text = f"{ORG}案例"
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    if place == "footer":
        document = docx.Document(io.BytesIO(base))
        document.sections[0].footer.paragraphs[0].text = f"报送：{ORG}"
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    if place == "footnote":
        notes = (
            f'<w:footnotes xmlns:w="{NS_W}"><w:footnote w:id="1"><w:p><w:r>'
            f"<w:t>资料来源：{ORG}</w:t></w:r></w:p></w:footnote></w:footnotes>"
        )
        return _edited(base, add={"word/footnotes.xml": _part(notes)})
    if place == "comment":
        document = docx.Document(io.BytesIO(base))
        document.add_comment(document.paragraphs[-1].runs, text=f"请{ORG}核实", author="")
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    if place == "document variable":
        return _edited(
            base,
            edit={
                "word/settings.xml": [
                    (
                        "</w:settings>",
                        f'<w:docVars><w:docVar w:name="unit" w:val="{ORG}"/></w:docVars>'
                        "</w:settings>",
                    )
                ]
            },
        )
    if place == "link target":
        return _edited(
            base,
            edit={
                "word/_rels/document.xml.rels": [
                    (
                        "</Relationships>",
                        f'<Relationship Id="rId90" Type="{REL}/hyperlink" '
                        f'Target="http://dj.example.cn/{ORG}/" TargetMode="External"/>'
                        "</Relationships>",
                    )
                ]
            },
        )
    raise AssertionError(place)


@pytest.mark.parametrize(
    "place",
    [
        "drawing text",
        "text box",
        "alt text",
        "field code",
        "SmartArt data",
        "SmartArt drawing",
        "chart title",
        "header",
        "footer",
        "footnote",
        "comment",
        "document variable",
        "link target",
    ],
)
def test_a_docx_naming_the_unit_anywhere_is_refused(draft: dict[str, Any], place: str) -> None:
    before = stored_files()
    with pytest.raises(DomainError) as refusal:
        upload(draft, "材料.docx", _docx_with_org_in(place), "attachment")
    assert refusal.value.message_dict["file"] == [REFUSAL]
    assert draft["case"].files.count() == 0
    assert stored_files() == before


def _docx_full_of_metadata() -> bytes:
    """A clean document whose every metadata part names the unit, its organ and the author."""
    document = docx.Document()
    document.add_paragraph(CLEAN_TEXT)
    document.add_comment(
        document.paragraphs[-1].runs, text="数据已核", author=AUTHOR, initials="张"
    )
    props = document.core_properties
    props.author = props.last_modified_by = AUTHOR
    props.title, props.subject, props.keywords = f"{ORG}案例", ORGAN, ORG
    props.comments, props.category = f"{AUTHOR}起草", ORG
    buffer = io.BytesIO()
    document.save(buffer)
    custom = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
        f'name="报送单位"><vt:lpwstr>{ORG}</vt:lpwstr></property></Properties>'
    )
    people = (
        '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
        f'<w15:person w15:author="{AUTHOR}"><w15:presenceInfo w15:providerId="AD" '
        f'w15:userId="S-1-5-21-{ORGAN}"/></w15:person></w15:people>'
    )
    # python-docx's template already has a thumbnail, the titles of parts, a manager and a
    # company: they are filled in.
    return _edited(
        buffer.getvalue(),
        add={
            "docProps/custom.xml": _part(custom),
            "word/people.xml": _part(people),
            "docProps/thumbnail.jpeg": jpeg_bytes(AUTHOR),
        },
        edit={
            "docProps/app.xml": [
                ("<vt:lpstr/>", f"<vt:lpstr>{ORG}案例</vt:lpstr>"),
                ("<Manager/>", f"<Manager>{AUTHOR}</Manager>"),
                ("<Company/>", f"<Company>{ORGAN}</Company>"),
                ("<Template>Normal.dotm</Template>", f"<Template>{ORG}模板.dotm</Template>"),
            ],
            "_rels/.rels": [
                (
                    "</Relationships>",
                    f'<Relationship Id="rId91" Type="{REL}/custom-properties" '
                    'Target="docProps/custom.xml"/></Relationships>',
                )
            ],
            "word/_rels/document.xml.rels": [
                (
                    "</Relationships>",
                    '<Relationship Id="rId93" Type="http://schemas.microsoft.com/office/2011/'
                    'relationships/people" Target="people.xml"/></Relationships>',
                )
            ],
            "[Content_Types].xml": [
                (
                    "</Types>",
                    '<Override PartName="/docProps/custom.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.custom-properties+xml"/>'
                    '<Override PartName="/word/people.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.people+xml"/></Types>',
                )
            ],
        },
    )


def test_a_docx_loses_every_metadata_part(draft: dict[str, Any]) -> None:
    row = upload(draft, "案例材料.docx", _docx_full_of_metadata(), "attachment")
    data = stored(row)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        parts = {name: archive.read(name) for name in names}
    assert not names & {"docProps/custom.xml", "word/people.xml", "docProps/thumbnail.jpeg"}
    for name, part in parts.items():
        assert_no_names(part, ORG, AUTHOR, ORGAN)
        assert b"custom.xml" not in part and b"people.xml" not in part, name
        assert b"thumbnail" not in part, name
    app = parts["docProps/app.xml"]
    assert b"<Company></Company>" in app and b"<Manager></Manager>" in app
    assert b"TitlesOfParts" not in app and b"HeadingPairs" not in app
    assert b'w:author=""' in parts["word/comments.xml"]
    assert b'w:initials=""' in parts["word/comments.xml"]
    document = docx.Document(io.BytesIO(data))  # still opens
    assert document.paragraphs[-1].text == CLEAN_TEXT
    assert [c.text for c in document.comments] == ["数据已核"]
    assert document.core_properties.author == document.core_properties.title == ""


def _pdf(edit: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(CLEAN_TEXT, author=AUTHOR))))
    page = writer.pages[0]
    if edit in ("annotation contents", "annotation author"):
        note = Text(
            rect=(50, 600, 70, 620),
            text=f"请{ORG}核实" if edit == "annotation contents" else "数据已核",
        )
        note[NameObject("/T")] = TextStringObject(ORG if edit == "annotation author" else "")
        writer.add_annotation(page_number=0, annotation=note)
    elif edit == "bookmark":
        top = writer.add_outline_item(title="案例", page_number=0)
        writer.add_outline_item(title=f"{ORG}的做法", page_number=0, parent=top)
    elif edit == "form field value":
        field = DictionaryObject(
            {
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject("unit"),
                NameObject("/V"): TextStringObject(ORG),
            }
        )
        writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): ArrayObject([writer._add_object(field)])}
        )
    elif edit == "xmp and private data":
        for target in (page, page["/Resources"]["/Font"]["/F1"].get_object()):
            xmp = DecodedStreamObject()
            xmp.set_data(f"<x:xmpmeta><dc:creator>{ORG}</dc:creator></x:xmpmeta>".encode())
            xmp[NameObject("/Type")] = NameObject("/Metadata")
            target[NameObject("/Metadata")] = writer._add_object(xmp)
        page[NameObject("/PieceInfo")] = DictionaryObject(
            {NameObject("/WPS"): DictionaryObject({NameObject("/Private"): TextStringObject(ORG)})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("place", ["annotation contents", "bookmark", "form field value"])
def test_a_pdf_naming_the_unit_outside_its_page_text_is_refused(
    draft: dict[str, Any], place: str
) -> None:
    before = stored_files()
    with pytest.raises(DomainError) as refusal:
        upload(draft, "材料.pdf", _pdf(place), "attachment")
    assert refusal.value.message_dict["file"] == [REFUSAL]
    assert stored_files() == before


@pytest.mark.parametrize("place", ["annotation author", "xmp and private data"])
def test_a_pdf_loses_annotation_authors_every_xmp_and_private_data(
    draft: dict[str, Any], place: str
) -> None:
    original = _pdf(place)
    # pypdf writes UTF-16 strings with octal escapes: read the strings back to find the name.
    assert ORG in blind.pdf_text(original) and AUTHOR in blind.pdf_text(original)
    if place == "xmp and private data":
        assert ORG.encode() in original
    data = stored(upload(draft, "材料.pdf", original, "attachment"))
    assert_no_names(data, ORG, AUTHOR)
    assert ORG not in blind.pdf_text(data) and AUTHOR not in blind.pdf_text(data)
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert reader.metadata is None and reader.xmp_metadata is None
    assert "/Metadata" not in page and "/PieceInfo" not in page
    assert "/Metadata" not in page["/Resources"]["/Font"]["/F1"].get_object()
    assert page.extract_text() == CLEAN_TEXT
    if place == "annotation author":
        (note,) = (a.get_object() for a in page["/Annots"])
        assert note["/Contents"] == "数据已核" and "/T" not in note


def test_the_thumbnail_of_a_docx_is_not_kept(draft: dict[str, Any]) -> None:
    """A picture of the first page: it may show what the text search cannot read."""
    original = _edited(docx_bytes(CLEAN_TEXT), add={"docProps/thumbnail.jpeg": jpeg_bytes(AUTHOR)})
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        assert b"docProps/thumbnail.jpeg" in archive.read("_rels/.rels")
    data = stored(upload(draft, "材料.docx", original, "attachment"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "docProps/thumbnail.jpeg" not in archive.namelist()
        assert b"thumbnail" not in archive.read("_rels/.rels")
        assert b"officeDocument" in archive.read("_rels/.rels")
    assert docx.Document(io.BytesIO(data)).paragraphs[-1].text == CLEAN_TEXT


def test_photos_pasted_into_a_docx_lose_their_metadata(draft: dict[str, Any]) -> None:
    buffer = io.BytesIO(docx_bytes(CLEAN_TEXT))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/media/image1.jpeg", jpeg_bytes(AUTHOR))
        archive.writestr("word/media/image2.png", png_bytes(AUTHOR))
    data = stored(upload(draft, "材料.docx", buffer.getvalue(), "attachment"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        photo, picture = (
            archive.read("word/media/image1.jpeg"),
            archive.read("word/media/image2.png"),
        )
    assert_no_names(photo, AUTHOR)
    assert_no_names(picture, AUTHOR)
    assert [marker for marker, _ in blind.jpeg_segments(photo)][:3] == [0xD8, 0xE0, 0xE1]
    assert [kind for kind, _ in blind.png_chunks(picture)] == [b"IHDR", b"IDAT", b"IEND"]
