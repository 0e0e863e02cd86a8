"""Reading the spreadsheets users really send: refusing hostile files, finding the header row
under title rows, matching header aliases, normalising full-width text. Imports build on this."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from mofan.core.errors import DomainError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
FOOTER_PREFIXES = ("备注", "注：", "注:", "说明", "填表人", "填报人", "审核人", "制表")
# The signature block under a roster (填表人：… 审核人：… 联系电话：…), over one or several
# cells, merged or not.
SIGNATURE_WORDS = (
    "填表人",
    "填报人",
    "审核人",
    "审批人",
    "制表人",
    "制表",
    "负责人",
    "联系人",
    "联系电话",
    "填表日期",
    "填报日期",
    "填报单位",
    "签字",
    "签名",
    "盖章",
)
SEAL_WORDS = ("盖章", "签章", "签字", "签名")
LONG_NUMBER = re.compile(r"\d{15}")
SIGNATURE_LABEL = re.compile("^(?:" + "|".join(SIGNATURE_WORDS) + r")\s*[:：]")


def normalise(value: Any) -> str:
    """NFKC (full-width digits and letters to half-width), spaces collapsed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return " ".join(text.split())


def _header_key(value: Any) -> str:
    return normalise(value).replace(" ", "").replace("*", "").strip("：:")


@dataclass(frozen=True)
class RowError:
    """One problem in one cell, as the import report shows it."""

    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number the user sees in their spreadsheet
    values: dict[str, str]  # column key → normalised text
    raw: dict[str, Any]  # column key → the cell's own value (dates, numbers)
    headers: dict[str, str]  # column key → its header as written in the file (one dict per file)


@dataclass
class SkippedRows:
    """Rows under the table that are not data: notes and signature blocks."""

    numbers: list[int]


def is_signature_row(filled: list[str]) -> bool:
    """填表人：张三 审核人：李四 联系电话：…: the row starts with a signature word, or one of its
    cells is a signature word and a colon; and no cell holds a number as long as an ID number.
    (A member's row starts with a number or a name; a job title 负责人 has no colon.)"""
    if not filled or any(LONG_NUMBER.search(text.replace(" ", "")) for text in filled):
        return False
    cells = [text.lstrip("([【") for text in filled]
    return (
        cells[0].startswith(SIGNATURE_WORDS)
        or any(word in cells[0] for word in SEAL_WORDS)  # (单位盖章), 党支部（签章）
        or any(SIGNATURE_LABEL.match(t) for t in cells)
    )


def open_rows(
    upload: IO[bytes],
    columns: Mapping[str, Iterable[str]],
    required: set[str],
    skipped: SkippedRows | None = None,
) -> Iterator[SheetRow]:
    """Yield the data rows of the first sheet, keyed by column.

    `columns` maps each column key to the header texts that mean it (aliases). The header row
    is the first of the top rows that names every required column. Blank rows are skipped;
    notes and signature rows under the table too, their numbers added to `skipped`.
    """
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is larger than 20 MB."))
    if not zipfile.is_zipfile(BytesIO(data)):
        raise DomainError(_("This is not an Excel (.xlsx) file. Save it as .xlsx and try again."))
    with zipfile.ZipFile(BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
            raise DomainError(_("The file unpacks to more than 200 MB and was refused."))
        if "xl/workbook.xml" not in archive.namelist():
            raise DomainError(
                _("This is not an Excel (.xlsx) file. Save it as .xlsx and try again.")
            )
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DomainError(_("The Excel file could not be read; it may be damaged.")) from exc
    try:
        sheet = book.worksheets[0]
        aliases = {_header_key(alias): key for key, names in columns.items() for alias in names}
        labels = {key: next(iter(names)) for key, names in columns.items()}
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}  # key → the header as the file writes it
        header_row = 0
        found: dict[str, int] = {}  # across consecutive header rows (merged two-row headers)
        found_names: dict[str, str] = {}
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not positions:
                row_found, row_names = {}, {}
                for index, cell in enumerate(row):
                    key = aliases.get(_header_key(cell))
                    if key and key not in row_found:
                        row_found[key] = index
                        row_names[key] = normalise(cell)
                if row_found:
                    found, found_names = {**found, **row_found}, {**found_names, **row_names}
                else:
                    found, found_names = {}, {}
                if required <= set(found):
                    positions = found
                    headers.update(found_names)
                    header_row = number
                elif number >= HEADER_SEARCH_ROWS:
                    break
                continue
            if number == header_row + 1:
                # The second row of a two-row header: more column names under merged cells,
                # nothing under the required columns.
                below, below_names = {}, {}
                for index, cell in enumerate(row):
                    key = aliases.get(_header_key(cell))
                    if key and key not in positions:
                        below[key] = index
                        below_names[key] = normalise(cell)
                required_cells = [
                    row[positions[k]] if positions[k] < len(row) else None for k in required
                ]
                if below and all(normalise(v) == "" for v in required_cells):
                    positions = {**positions, **below}
                    headers.update(below_names)
                    continue
            cells = {key: row[i] if i < len(row) else None for key, i in positions.items()}
            filled = [normalise(v) for v in row if normalise(v)]
            if not filled or all(normalise(v) == "" for v in cells.values()):
                continue
            if (len(filled) == 1 and filled[0].startswith(FOOTER_PREFIXES)) or is_signature_row(
                filled
            ):
                # A note under the table (备注：…) or its signature block (填表人：… 审核人：…).
                if skipped is not None:
                    skipped.numbers.append(number)
                continue
            for key, value in cells.items():
                if isinstance(value, str) and value.startswith("="):
                    raise DomainError(
                        _(
                            "Row %(row)d holds a formula in column %(column)s; enter "
                            "the value itself."
                        )
                        % {"row": number, "column": headers.get(key, labels[key])}
                    )
            yield SheetRow(number, {key: normalise(v) for key, v in cells.items()}, cells, headers)
        if not positions:
            raise DomainError(_("No header row was found; use the template's column names."))
    finally:
        book.close()
