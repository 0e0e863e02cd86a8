"""Blind review inside the files of a case: what a photo or a document says about who made it.

`strip_metadata` removes, by walking the file's own structure, what cameras and office programs
write about the author: JPEG APP1 (EXIF, XMP; only the orientation survives, so portrait photos
stay upright), APP13 (IPTC) and comments; PNG text and EXIF chunks; the PDF document information,
every XMP stream, application data (PieceInfo) and the annotations' authors; the DOCX core
properties, the people and titles of the application properties, the custom properties, the
list of commenters (people.xml), the thumbnail and the authors of comments and tracked changes.
`text_of` reads every piece of text left in a PDF or a DOCX (page text and every string object;
every XML part, its text and its attribute values), so that the upload can be refused when it
names the organisation or a person (`names_found`). The service reads the stripped file, so a
name only in the removed metadata is no reason to refuse. Files that cannot be walked raise
`UnreadableFileError`; the service turns it into a message.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from html import unescape

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    TextStringObject,
)

JPEG_TYPE = "image/jpeg"
PNG_TYPE = "image/png"
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class UnreadableFileError(ValueError):
    """The file does not have the structure its first bytes promise."""


def strip_metadata(data: bytes, content_type: str) -> bytes:
    strip = {
        JPEG_TYPE: jpeg_strip,
        PNG_TYPE: png_strip,
        PDF_TYPE: pdf_strip,
        DOCX_TYPE: docx_strip,
    }.get(content_type)
    return strip(data) if strip else data


# Between pieces of text that must not run into each other (two attributes, two parts): kept
# by `_squeeze`, which joins what spaces and line breaks split, so no name spans it.
_APART = "\x00"


def text_of(data: bytes, content_type: str) -> str:
    """Every piece of text in a PDF or a DOCX, what a reader sees and what only a program shows
    (bookmarks, annotations, alt text, field values, properties); "" for photos."""
    if content_type == PDF_TYPE:
        return pdf_text(data)
    if content_type == DOCX_TYPE:
        return docx_text(data)
    return ""


def _squeeze(text: str) -> str:
    # PDFs and Word split words across runs, lines and spaces; full-width forms become plain.
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def names_found(text: str, names: Iterable[str]) -> list[str]:
    """The names (as given) that occur in `text`, ignoring spaces, line breaks and width, in
    the order they first appear."""
    haystack = _squeeze(text)
    places = {name: haystack.find(_squeeze(name)) for name in names if _squeeze(name)}
    return sorted((name for name, at in places.items() if at >= 0), key=places.__getitem__)


# JPEG ------------------------------------------------------------------------------------------

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_APP0, _APP1, _APP2, _APP14, _COM = 0xE0, 0xE1, 0xE2, 0xEE, 0xFE
_KEPT_APPS = {_APP0, _APP2, _APP14}  # JFIF, the ICC colour profile, Adobe's colour transform


def _orientation(exif: bytes) -> int | None:
    """The Orientation tag (0x0112) of IFD0 of an APP1 EXIF payload, if it has one."""
    if not exif.startswith(b"Exif\x00\x00") or len(exif) < 14:
        return None
    tiff = exif[6:]
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        return None
    (ifd,) = struct.unpack(order + "I", tiff[4:8])
    if ifd + 2 > len(tiff):
        return None
    (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
    for i in range(count):
        entry = tiff[ifd + 2 + 12 * i : ifd + 14 + 12 * i]
        if len(entry) < 12:
            return None
        tag, kind, _n = struct.unpack(order + "HHI", entry[:8])
        if tag == 0x0112 and kind == 3:
            (value,) = struct.unpack(order + "H", entry[8:10])
            return value if 1 <= value <= 8 else None
    return None


def _orientation_segment(value: int) -> bytes:
    """An APP1 EXIF segment holding nothing but the orientation (big-endian TIFF, one IFD)."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, value, 0) + struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff" + bytes([_APP1]) + struct.pack(">H", len(payload) + 2) + payload


def _scan_end(data: bytes, at: int) -> int:
    """Where the entropy-coded data that starts at `at` ends: the next marker that is neither
    a stuffed 0xFF00, a restart marker nor fill bytes."""
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            raise UnreadableFileError("JPEG scan without an end")
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            at += 1
            continue
        return at


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, bytes) of every segment from SOI to EOI, each scan's coded data included in
    its SOS segment."""
    if not data.startswith(b"\xff\xd8"):
        raise UnreadableFileError("not a JPEG")
    segments: list[tuple[int, bytes]] = [(_SOI, b"\xff\xd8")]
    at = 2
    while True:
        if at + 2 > len(data) or data[at] != 0xFF:
            raise UnreadableFileError("JPEG segment expected")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker == _EOI:
            segments.append((_EOI, b"\xff\xd9"))
            return segments
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            segments.append((marker, data[at : at + 2]))
            at += 2
            continue
        if at + 4 > len(data):
            raise UnreadableFileError("JPEG segment cut short")
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        end = at + 2 + length
        if length < 2 or end > len(data):
            raise UnreadableFileError("JPEG segment cut short")
        if marker == _SOS:
            end = _scan_end(data, end)
        segments.append((marker, data[at:end]))
        at = end


def jpeg_strip(data: bytes) -> bytes:
    segments = jpeg_segments(data)
    orientation = next(
        (
            value
            for marker, segment in segments
            if marker == _APP1 and (value := _orientation(segment[4:])) is not None
        ),
        None,
    )
    kept = [
        (marker, segment)
        for marker, segment in segments
        if not (marker == _COM or (0xE0 <= marker <= 0xEF and marker not in _KEPT_APPS))
    ]
    if orientation is not None:
        # Right after SOI and JFIF, where viewers look for EXIF.
        place = 1 + sum(1 for marker, _ in kept[1:3] if marker == _APP0)
        kept.insert(place, (_APP1, _orientation_segment(orientation)))
    return b"".join(segment for _, segment in kept)


# PNG -------------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = {b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"tIME"}


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk up to IEND; each CRC is checked."""
    if not data.startswith(PNG_SIGNATURE):
        raise UnreadableFileError("not a PNG")
    chunks = []
    at = len(PNG_SIGNATURE)
    while True:
        if at + 12 > len(data):
            raise UnreadableFileError("PNG chunk cut short")
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        if len(body) != length or at + 12 + length > len(data):
            raise UnreadableFileError("PNG chunk cut short")
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise UnreadableFileError("PNG chunk with a wrong checksum")
        chunks.append((kind, body))
        at += 12 + length
        if kind == b"IEND":
            return chunks


def png_strip(data: bytes) -> bytes:
    out = bytearray(PNG_SIGNATURE)
    for kind, body in png_chunks(data):
        if kind in _PNG_DROPPED:
            continue
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body))
    return bytes(out)


# PDF -------------------------------------------------------------------------------------------


def _pdf_reader(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableFileError("encrypted PDF")
        _ = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableFileError("broken PDF") from exc
    return reader


def _pdf_objects(root: PdfObject) -> Iterator[PdfObject]:
    """Every dictionary, stream and string reachable from `root`, each indirect object once."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            resolved = item.get_object()
            if resolved is None:  # a reference to an object the file does not have
                continue
            item = resolved
        if isinstance(item, DictionaryObject):  # streams too
            yield item
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, TextStringObject | ByteStringObject):
            yield item


_PDF_DROPPED_KEYS = (NameObject("/Metadata"), NameObject("/PieceInfo"))


def pdf_strip(data: bytes) -> bytes:
    reader = _pdf_reader(data)
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None  # the document information: Author, Creator, Producer, Title…
    writer.xmp_metadata = None
    dictionaries = [
        obj for obj in _pdf_objects(writer.root_object) if isinstance(obj, DictionaryObject)
    ]
    for obj in dictionaries:
        for key in _PDF_DROPPED_KEYS:  # XMP of pages, images, fonts…; applications' private data
            if key in obj:
                del obj[key]
        # A markup annotation's /T is its author; a form field's (/Widget) is the field's name.
        if obj.get("/Subtype") != "/Widget" and "/Rect" in obj and "/T" in obj:
            del obj[NameObject("/T")]
    # What no longer hangs from the catalogue (the old XMP streams) is left out of the file.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_string(value: TextStringObject | ByteStringObject) -> str:
    if isinstance(value, TextStringObject):
        return str(value)
    raw = bytes(value)  # a byte string pypdf could not decode: UTF-8 or GB 18030 (old tools)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


def pdf_text(data: bytes) -> str:
    """The text of every page, then every string of the document: bookmarks, annotations and
    their authors, form fields, document information."""
    reader = _pdf_reader(data)
    try:
        pages = [page.extract_text() or "" for page in reader.pages]
        strings = [
            _pdf_string(obj)
            for root in (reader.trailer["/Root"], reader.trailer.get("/Info"))
            if root is not None
            for obj in _pdf_objects(root)
            if isinstance(obj, TextStringObject | ByteStringObject)
        ]
    except (ValueError, KeyError, TypeError, PdfReadError) as exc:
        raise UnreadableFileError("broken PDF") from exc
    return "\n".join(pages) + _APART + _APART.join(strings)


# DOCX ------------------------------------------------------------------------------------------

_DOCX_MAX_PART = 50 * 1024 * 1024  # a part larger than this unpacked is a zip bomb, not a case
_CORE_PEOPLE = re.compile(
    rb"(<(?P<tag>(?:dc:creator|cp:lastModifiedBy|dc:title|dc:subject|cp:keywords|"
    rb"dc:description|cp:category))(?:\s[^>]*)?>)(.*?)(</(?P=tag)>)",
    re.DOTALL,
)
_APP_PEOPLE = re.compile(
    rb"(<(?P<tag>(?:Company|Manager|HyperlinkBase|Template))(?:\s[^>]*)?>)(.*?)(</(?P=tag)>)",
    re.DOTALL,
)
# The titles of the parts (the document's title) and the headings that count them go together.
_APP_TITLES = re.compile(rb"<(TitlesOfParts|HeadingPairs)(?:\s[^>]*)?>.*?</\1>", re.DOTALL)
# Parts that are nothing but metadata: custom properties, the commenters' accounts, the picture
# of the first page.
_DOCX_DROPPED = re.compile(r"^(docProps/custom\.xml|docProps/thumbnail\.\w+|word/people\.xml)$")
# Comments and tracked changes carry their authors' names (w:author, w15:author, w:initials).
_WORD_AUTHOR = re.compile(rb'(\s[\w-]+:(?:author|initials)=")([^"]*)(")')
_RELATIONSHIP = re.compile(rb"<Relationship\s[^>]*?/>")
_OVERRIDE = re.compile(rb"<Override\s[^>]*?/>")
_ATTRIBUTE = re.compile(rb"""\s([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_XML_TEXT = re.compile(rb"<[^>]*>|[^<]+")


def _docx(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableFileError("broken DOCX") from exc
    if "word/document.xml" not in names:
        raise UnreadableFileError("a zip file that is not a DOCX")
    if any(info.file_size > _DOCX_MAX_PART for info in archive.infolist()):
        raise UnreadableFileError("DOCX part too large")
    return archive


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, ValueError, zlib.error) as exc:
        raise UnreadableFileError("broken DOCX") from exc


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def _target(rels_name: str, relationship: bytes) -> str:
    """The part a relationship of the `_rels/x.rels` part points at, as a name in the zip."""
    match = re.search(rb'\sTarget="([^"]*)"', relationship)
    target = unescape(match.group(1).decode("utf-8", "replace")) if match else ""
    if target.startswith("/"):
        return target[1:]
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    return posixpath.normpath(posixpath.join(folder, target))


def _without_dropped(name: str, part: bytes, dropped: set[str]) -> bytes:
    """The package's index of parts and its relationships, without the dropped parts."""
    if name == "[Content_Types].xml":
        return _OVERRIDE.sub(
            lambda m: b"" if _part_name(m.group(0)) in dropped else m.group(0), part
        )
    return _RELATIONSHIP.sub(
        lambda m: b"" if _target(name, m.group(0)) in dropped else m.group(0), part
    )


def _part_name(override: bytes) -> str:
    match = re.search(rb'\sPartName="/?([^"]*)"', override)
    return match.group(1).decode("utf-8", "replace") if match else ""


def _picture_strip(part: bytes) -> bytes:
    if part.startswith(b"\xff\xd8"):
        return jpeg_strip(part)
    if part.startswith(PNG_SIGNATURE):
        return png_strip(part)
    return part


def docx_strip(data: bytes) -> bytes:
    archive = _docx(data)
    dropped = {name for name in archive.namelist() if _DOCX_DROPPED.match(name)}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as clean:
        for info in archive.infolist():
            if info.filename in dropped:
                continue
            part = _read(archive, info.filename)
            if info.filename == "docProps/core.xml":
                part = _CORE_PEOPLE.sub(rb"\1\4", part)
            elif info.filename == "docProps/app.xml":
                part = _APP_TITLES.sub(b"", _APP_PEOPLE.sub(rb"\1\4", part))
            elif info.filename.startswith("word/") and info.filename.endswith(".xml"):
                part = _WORD_AUTHOR.sub(rb"\1\3", part)
            elif info.filename.startswith("word/media/"):
                part = _picture_strip(part)  # photos pasted in keep their EXIF otherwise
            if info.filename == "[Content_Types].xml" or info.filename.endswith(".rels"):
                part = _without_dropped(info.filename, part, dropped)
            clean.writestr(info.filename, part)
    return out.getvalue()


def _xml_text(part: bytes) -> str:
    """The text of an XML part, runs joined as a reader reads them, then each attribute value
    apart (alt text, field instructions, document variables, link targets…)."""
    runs: list[bytes] = []
    values: list[bytes] = []
    for match in _XML_TEXT.finditer(part):
        piece = match.group(0)
        if piece.startswith(b"<"):
            values.extend(m.group(2) or m.group(3) or b"" for m in _ATTRIBUTE.finditer(piece))
        else:
            runs.append(piece)
    decoded = [b"".join(runs), *values]
    return _APART.join(unescape(piece.decode("utf-8", "replace")) for piece in decoded)


def docx_text(data: bytes) -> str:
    """The text of every XML part of the package: body, headers, footers, notes, comments,
    text boxes, shapes, charts, SmartArt, properties and relationships."""
    archive = _docx(data)
    return _APART.join(
        _xml_text(_read(archive, name)) for name in archive.namelist() if _is_xml(name)
    )
