"""Excel export: every user-supplied string goes through `safe_cell` so "=", "+", "-", "@" can never be
read as a formula (CSV/formula injection), and a list is exported exactly as filtered on its page."""
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """A value safe to put in a cell: text starting like a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, (int, float)) or hasattr(value, "quantize"):
        return value
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if hasattr(value, "isoformat"):
        return value
    return safe_cell(str(value))


def workbook(title, headers, rows, *, sheet_title=None):
    """An .xlsx with a title row, a bold header and the rows (each value through safe_cell)."""
    wb = Workbook()
    ws = wb.active
    ws.title = (sheet_title or str(title))[:31]
    ws.append([safe_cell(str(title))])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append([safe_cell(str(h)) for h in headers])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row=2, column=col)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = max(10, min(40, len(str(headers[col - 1])) * 2 + 4))
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    ws.freeze_panes = "A3"
    return wb


def xlsx_response(wb, filename):
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
