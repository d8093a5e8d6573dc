"""Workbooks laid out the way district offices lay them out — a merged title row, a 填报单位/单位 line, a
two-row header whose group headers are merged across and whose single headers are merged down, the rows, a
合计 row and notes — for the demo's workbooks and the tests. `to_bytes` saves them byte-for-byte the same
every time (fixed document dates and zip timestamps), so a committed workbook only changes when its data does.
"""
import datetime
import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

FIXED = datetime.datetime(2024, 1, 5, 9, 0, 0)
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def office_workbook(title, header_top, header_bottom, rows, *, unit_line="", total=None, notes=(), sheet="Sheet1",
                    widths=None):
    """header_top: [(text, span)] — a span > 1 is a group header merged across, whose parts come from
    header_bottom in order; a span of 1 is merged down over both header rows. `total`: the 合计 row's values."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    width = sum(span for _text, span in header_top)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    if unit_line:
        ws.append([unit_line])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    top_row = ws.max_row + 1
    top_values, bottom_values, parts = [], [], iter(header_bottom)
    for text, span in header_top:
        top_values += [text] + [None] * (span - 1)
        bottom_values += [next(parts) for _ in range(span)] if span > 1 else [None]
    two_rows = any(span > 1 for _text, span in header_top)
    ws.append(top_values)
    if two_rows:
        ws.append(bottom_values)
    col = 1
    for _text, span in header_top:
        if span > 1:
            ws.merge_cells(start_row=top_row, start_column=col, end_row=top_row, end_column=col + span - 1)
        elif two_rows:
            ws.merge_cells(start_row=top_row, start_column=col, end_row=top_row + 1, end_column=col)
        col += span
    for r in range(top_row, ws.max_row + 1):
        for c in range(1, width + 1):
            cell = ws.cell(row=r, column=c)
            cell.font, cell.border = Font(bold=True), BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(list(row))
    if total is not None:
        ws.append(list(total))
        for c in range(1, width + 1):
            ws.cell(row=ws.max_row, column=c).font = Font(bold=True)
    for note in notes:
        ws.append([note])
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = (widths or {}).get(c, 14)
    ws.freeze_panes = ws.cell(row=top_row + (2 if two_rows else 1), column=1)
    return wb


def to_bytes(wb) -> bytes:
    """The workbook as .xlsx bytes, the same bytes for the same content."""
    wb.properties.created = wb.properties.modified = FIXED
    wb.properties.creator = wb.properties.lastModifiedBy = "Taizhang"
    raw = io.BytesIO()
    wb.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl writes the save time as dcterms:modified
                content = _fixed_dates(content)
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def _fixed_dates(xml):
    import re

    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", xml)
