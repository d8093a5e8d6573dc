"""Real files built in the tests: office-style workbooks (merged title, 填报单位 line, two-row header,
合计 row), CSV in several encodings, .xls, and the hostile ones (encrypted, macros, XXE, zip bomb)."""
import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Font


def office_xlsx(title, header_top, header_bottom, rows, *, unit_line="填报单位：罗家镇人民政府        单位：万元",
                total=None, notes=("注：本表由各镇街于每月5日前报送。",), sheet="Sheet1"):
    """An office workbook: a merged title row, a 填报单位/单位 line, a two-row header (header_top entries are
    (text, span) — a span > 1 merges across, a span of 1 with no bottom part merges down), the rows, a 合计
    row and notes."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    width = sum(span for _text, span in header_top)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=16)
    if unit_line:
        ws.append([unit_line])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    top_row = ws.max_row + 1
    col = 1
    top_values, bottom_values = [], []
    bottom = iter(header_bottom)
    for text, span in header_top:
        top_values += [text] + [None] * (span - 1)
        if span > 1:
            for _ in range(span):
                bottom_values.append(next(bottom))
        else:
            bottom_values.append(None)
        col += span
    ws.append(top_values)
    ws.append(bottom_values)
    col = 1
    for _text, span in header_top:
        if span > 1:
            ws.merge_cells(start_row=top_row, start_column=col, end_row=top_row, end_column=col + span - 1)
        else:
            ws.merge_cells(start_row=top_row, start_column=col, end_row=top_row + 1, end_column=col)
        col += span
    for row in rows:
        ws.append(list(row))
    if total is not None:
        ws.append(list(total))
    for note in notes:
        ws.append([note])
    return save(wb)


def simple_xlsx(headers, rows, *, title=None):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    return save(wb)


def save(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers, rows, encoding="utf-8"):
    import csv

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row)
    data = text.getvalue()
    if encoding == "utf-8-sig":
        return "\ufeff".encode() + data.encode("utf-8")
    return data.encode(encoding)


def xls_bytes(headers, rows, *, title=None):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    r = 0
    if title:
        sheet.write_merge(0, 0, 0, len(headers) - 1, title)
        r = 1
    for c, h in enumerate(headers):
        sheet.write(r, c, h)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for i, row in enumerate(rows, start=r + 1):
        for c, v in enumerate(row):
            if hasattr(v, "isoformat"):
                sheet.write(i, c, v, date_style)
            else:
                sheet.write(i, c, v)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(data, replace=None, add=None):
    """The .xlsx `data` with some members replaced or added (hostile variants of a clean file)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if replace and item.filename in replace:
                content = replace[item.filename](content)
            target.writestr(item, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()
