"""Real files built byte by byte for the blind-review tests, each carrying a name where the
program that made it would record one: a JPEG with EXIF, IPTC and a comment, a PNG with text
chunks, a PDF with document information, XMP and Chinese page text, a DOCX with core and
application properties."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx

# The draft case of the blind-review tests (tests/campaigns/conftest.py, `draft`).
AUTHOR = "张晓明"
ORG = "甲机关党委"
CLEAN_TEXT = "案例材料：建立清单制度，每月通报，群众满意度明显提升。"


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _exif(artist: str, orientation: int) -> bytes:
    """APP1 EXIF payload, little-endian TIFF, IFD0 with Orientation and Artist."""
    value = artist.encode("utf-8") + b"\x00"
    entries = 2
    data_at = 8 + 2 + 12 * entries + 4
    ifd = struct.pack("<H", entries)
    ifd += struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0)
    ifd += struct.pack("<HHII", 0x013B, 2, len(value), data_at)
    ifd += struct.pack("<I", 0)
    return b"Exif\x00\x00" + b"II\x2a\x00" + struct.pack("<I", 8) + ifd + value


def jpeg_bytes(author: str = "", orientation: int = 6) -> bytes:
    """An 8×8 grey baseline JPEG (one block: DC difference 0, end of block), with the author
    in EXIF (Artist), IPTC (By-line) and a comment when given."""
    soi = b"\xff\xd8"
    jfif = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    meta = b""
    if author:
        name = author.encode("utf-8")
        meta += _segment(0xE1, _exif(author, orientation))
        meta += _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + name + b"</x>")
        iptc = b"\x1c\x02\x50" + struct.pack(">H", len(name)) + name
        meta += _segment(
            0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
        )
        meta += _segment(0xFE, "拍摄：".encode() + name)
    dqt = _segment(0xDB, b"\x00" + b"\x01" * 64)
    sof = _segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
    one_code = b"\x01" + b"\x00" * 15  # one symbol, code length 1 ("0")
    dht = _segment(0xC4, b"\x00" + one_code + b"\x00" + b"\x10" + one_code + b"\x00")
    sos = _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    scan = b"\x3f"  # "0" DC category 0, "0" end of block, padded with ones
    return soi + jfif + meta + dqt + sof + dht + sos + scan + b"\xff\xd9"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(author: str = "", width: int = 4, height: int = 3) -> bytes:
    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))
    meta = b""
    if author:
        name = author.encode("utf-8")
        meta += _chunk(b"tEXt", b"Author\x00" + author.encode("latin-1", "replace"))
        meta += _chunk(b"iTXt", b"Author\x00\x00\x00zh\x00\x00" + name)
        meta += _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(name))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + meta
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def _pdf_string(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def pdf_bytes(body: str, author: str = "") -> bytes:
    """A one-page PDF whose page says `body` (a Type0 font, Identity-H, with a ToUnicode map so
    the text can be extracted), with `author` in the document information and the XMP."""
    codes = "".join(f"{ord(ch):04X}" for ch in body)
    content = f"BT /F1 14 Tf 36 760 Td <{codes}> Tj ET".encode()
    bfchar = "\n".join(f"<{ord(ch):04X}> <{ord(ch):04X}>" for ch in sorted(set(body)))
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(set(body))} beginbfchar\n{bfchar}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
        f"{author}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()

    def stream(data: bytes, extra: bytes = b"") -> bytes:
        return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R" + (b" /Metadata 9 0 R" if author else b"") + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo"
        b" << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R"
        b" /DW 1000 >>",
        stream(cmap),
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -120 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 >>",
        stream(xmp, b" /Type /Metadata /Subtype /XML"),
        b"<< /Author "
        + _pdf_string(author)
        + b" /Creator "
        + _pdf_string(f"{author}的WPS")
        + b" /Producer "
        + _pdf_string(f"{author}的电脑")
        + b" /Title "
        + _pdf_string(f"{author}的案例")
        + b" /Subject "
        + _pdf_string(author)
        + b" /Keywords "
        + _pdf_string(author)
        + b" >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body_bytes in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body_bytes + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 10 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def docx_bytes(body: str, author: str = "", company: str = "") -> bytes:
    """A Word document made with python-docx, the author in its core properties and the
    company in its application properties."""
    document = docx.Document()
    document.add_paragraph(body)
    document.core_properties.author = author
    document.core_properties.last_modified_by = author
    buffer = io.BytesIO()
    document.save(buffer)
    if not company:
        return buffer.getvalue()

    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "docProps/app.xml":
                part = part.replace(b"<Company/>", f"<Company>{company}</Company>".encode())
            target.writestr(info.filename, part)
    return out.getvalue()
