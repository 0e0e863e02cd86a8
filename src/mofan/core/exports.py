"""Excel export shared by every list: a header row, then the rows, streamed into one sheet."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@")


def _safe(value: Any) -> Any:
    # A cell starting like a formula would run in the reader's spreadsheet program.
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def wants_xlsx(request: HttpRequest) -> bool:
    """A list page asked for its Excel (`?export=xlsx`, with the page's own filters)."""
    return request.GET.get("export") == "xlsx"


def local_minutes(moment: datetime | None) -> str:
    """A moment as Beijing wall-clock text (Excel cells hold no time zone)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_file_response(content: bytes, *, filename: str) -> HttpResponse:
    """A ready-made workbook (a template) as a download."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(
    title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str
) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    buffer = BytesIO()
    book.save(buffer)
    return xlsx_file_response(buffer.getvalue(), filename=filename)
