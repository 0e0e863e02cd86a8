"""Uploaded files other than spreadsheets: photos, scans and PDFs kept as evidence.

A file is accepted by what it is, not by what it is called: its first bytes must be those of an
allowed type. The stored name is random, so a person's file name never becomes a path.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from mofan.core.errors import DomainError


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    signatures: tuple[bytes, ...]


JPEG = Kind("image/jpeg", ".jpg", (b"\xff\xd8\xff",))
PNG = Kind("image/png", ".png", (b"\x89PNG\r\n\x1a\n",))
PDF = Kind("application/pdf", ".pdf", (b"%PDF-",))
EVIDENCE = (JPEG, PNG, PDF)  # photos, scanned sign-in sheets, documents
# A zip file by its first bytes; that it holds a Word document is for the caller to check.
DOCX = Kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    (b"PK\x03\x04",),
)

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Checked:
    kind: Kind
    name: str  # the person's file name, cleaned, for display
    stored_name: str  # random, with the right extension
    size: int
    upload: UploadedFile


def check_upload(
    upload: UploadedFile | None, *, kinds: tuple[Kind, ...] = EVIDENCE, max_bytes: int = MAX_BYTES
) -> Checked:
    """Refuse, with a message a person understands, anything that is not one of `kinds` or is
    too large; otherwise say what it is."""
    if upload is None or not upload.size:
        raise DomainError({"file": _("Choose a file.")})
    if upload.size > max_bytes:
        raise DomainError(
            {
                "file": _("The file is %(size)s; at most %(limit)s is accepted.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for k in kinds if any(head.startswith(s) for s in k.signatures)), None)
    if kind is None:
        allowed = "、".join(k.extension.lstrip(".").upper() for k in kinds)
        raise DomainError(
            {
                "file": _("Only %(kinds)s files are accepted; this file is not one.")
                % {"kinds": allowed}
            }
        )
    raw_name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in raw_name if ch.isprintable()).strip()[:200] or kind.extension
    return Checked(kind, name, secrets.token_hex(12) + kind.extension, int(upload.size), upload)


def stored_file_response(stored: Any, content_type: str, name: str = "") -> FileResponse:
    """Serve an uploaded file after the view has checked who may see it: the type recorded at
    upload (never guessed from the name), opened in the browser, cached privately only; 404
    when the file is missing."""
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    if name:
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, max-age=3600"
    return response
