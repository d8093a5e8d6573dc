"""Reading spreadsheets — 读取: .xlsx (openpyxl, read-only, data_only), .xls (xlrd), .csv (UTF-8 with or without
BOM, GB18030/GBK), with every hostile file refused before a parser sees it, and the header of an office
workbook found (merged title rows, a 填报单位/单位：万元 line, two-row headers with merged cells).

    book = open_book(data, name)          # UnreadableFile(message) for anything that is not a clean sheet
    table = detect_table(book.sheet())    # header rows, columns (joined header, unit), data start
    for number, values in table.rows():   # 1-based sheet row numbers, tuples of cell values

A formula is never evaluated: openpyxl's data_only reads the value Excel cached when it saved the file;
xlrd reads the cached result of .xls formulas; a formula saved without a cached value is reported.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from .targets import FieldType

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

DEFAULT_LIMITS = {
    "max_bytes": 50 * 1024 * 1024,  # the upload itself
    "max_rows": 500_000,  # data rows of one sheet
    "max_columns": 500,
    "max_uncompressed_bytes": 1024 * 1024 * 1024,  # an .xlsx's members together, as declared
    "max_ratio": 200,  # declared uncompressed / compressed size of one member (zip bomb)
    "max_members": 10_000,
    "background_rows": 3_000,  # more rows than this: checked and committed as a background job
}


def limits():
    return {**DEFAULT_LIMITS, **getattr(settings, "TAIZHANG_IMPORT_LIMITS", {})}


class UnreadableFile(Exception):
    """A file the importer refuses, with a message for the user (Chinese in gettext)."""

    def __init__(self, message, code="unreadable"):
        super().__init__(str(message))
        self.message, self.code = message, code


# --- opening -----------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    name: str
    _rows: callable  # () → iterator of tuples
    merged: list = field(default_factory=list)  # (min_row, min_col, max_row, max_col), 1-based
    formats: callable = None  # () → iterator of tuples of number formats (xlsx only), parallel to rows
    uncalculated: list = field(default_factory=list)  # cell refs of formulas saved without a value
    formula_cells: int = 0
    size_hint: int = 0  # rows, as the file declares them (the choice of a background job)

    def rows(self) -> Iterator[tuple]:
        return self._rows()


@dataclass
class Book:
    format: str  # xlsx / xls / csv
    sheets: list
    encoding: str = ""

    def sheet(self, name=None) -> Sheet:
        if name:
            for sheet in self.sheets:
                if sheet.name == name:
                    return sheet
            raise UnreadableFile(_("工作簿中没有名为“%(name)s”的工作表。") % {"name": name}, "no_sheet")
        return self.sheets[0]


def open_book(data: bytes, name: str = "") -> Book:
    """The workbook in `data`, or UnreadableFile: not a spreadsheet, encrypted, with macros, with XML
    entities, a zip bomb, over the limits."""
    lim = limits()
    if len(data) > lim["max_bytes"]:
        raise UnreadableFile(_("文件过大（%(size)s MB），上限为 %(limit)s MB。") % {
            "size": round(len(data) / 1048576, 1), "limit": lim["max_bytes"] // 1048576}, "too_large")
    if not data.strip():
        raise UnreadableFile(_("文件是空的。"), "empty")
    lower = (name or "").lower()
    if data.startswith(ZIP_MAGIC):
        return _open_xlsx(data, lower)
    if data.startswith(OLE_MAGIC):
        return _open_ole(data)
    if lower.endswith((".xlsx", ".xlsm", ".xls")) or _looks_binary(data):
        raise UnreadableFile(_("这不是电子表格文件（请上传 .xlsx、.xls 或 .csv 文件）。"), "not_spreadsheet")
    return _open_csv(data)


def _looks_binary(data):
    head = data[:4096]
    return b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8", b"{\\rtf"))


def _open_xlsx(data, lower):
    lim = limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(_("文件已损坏，无法读取（不是有效的 .xlsx 文件）。"), "corrupt") from exc
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise UnreadableFile(_("这不是电子表格文件（请上传 .xlsx、.xls 或 .csv 文件）。"), "not_spreadsheet")
    if len(members) > lim["max_members"]:
        raise UnreadableFile(_("文件结构异常（包含 %(n)s 个部件），不予读取。") % {"n": len(members)}, "zip_bomb")
    total = 0
    for m in members:
        total += m.file_size
        if m.flag_bits & 0x1:
            raise UnreadableFile(_("文件已加密（设有打开密码），请取消密码后再导入。"), "encrypted")
        if m.compress_size and m.file_size / m.compress_size > lim["max_ratio"] and m.file_size > 1024 * 1024:
            raise UnreadableFile(_("文件压缩比异常（疑似压缩炸弹），不予读取。"), "zip_bomb")
    if total > lim["max_uncompressed_bytes"]:
        raise UnreadableFile(_("文件解压后过大（%(size)s MB），不予读取。") % {"size": total // 1048576}, "zip_bomb")
    if "xl/vbaProject.bin" in names or lower.endswith(".xlsm") or b"macroEnabled" in archive.read("[Content_Types].xml"):
        raise UnreadableFile(_("工作簿含有宏（VBA），不予导入：请另存为不含宏的 .xlsx 文件。"), "macro")
    for m in members:
        if m.filename.endswith((".xml", ".rels", ".vml")):
            _refuse_doctype(archive, m.filename)
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 — any parser failure is "cannot read", never a 500
        raise UnreadableFile(_("文件已损坏，无法读取（%(error)s）。") % {"error": type(exc).__name__}, "corrupt") from exc
    sheets = []
    for ws in book.worksheets:
        if getattr(ws, "sheet_state", "visible") != "visible":
            continue
        path = getattr(ws, "_worksheet_path", None) or ""
        # openpyxl's read-only max_row parses the whole sheet when the file declares no dimension: the rows
        # are counted in the raw scan instead
        merged, uncalculated, formulas, size_hint = _scan_sheet_xml(archive, path.lstrip("/"))
        sheets.append(Sheet(name=ws.title, _rows=_xlsx_rows(ws), merged=merged, formats=_xlsx_formats(ws),
                            uncalculated=uncalculated, formula_cells=formulas, size_hint=size_hint))
    if not sheets:
        raise UnreadableFile(_("工作簿中没有可见的工作表。"), "no_sheet")
    return Book("xlsx", sheets)


def _xlsx_rows(ws):
    def rows():
        yield from ws.iter_rows(values_only=True)
    return rows


def _xlsx_formats(ws):
    def formats():
        for row in ws.iter_rows():
            yield tuple(getattr(c, "number_format", "General") for c in row)
    return formats


class _Stop(Exception):
    pass


def _refuse_doctype(archive, member):
    """A document type declaration (the only place entities — XXE, billion laughs — are declared) must come
    before the root element: parse up to the root's start tag and refuse any DOCTYPE met on the way."""
    parser = expat.ParserCreate()

    def doctype(*args):
        raise UnreadableFile(_("文件含有 XML 实体声明（DOCTYPE/ENTITY，可能是 XXE 攻击），不予读取。"), "xxe")

    def start(*args):
        raise _Stop

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    with archive.open(member) as fh:
        try:
            while chunk := fh.read(4096):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Stop:
            return
        except expat.ExpatError as exc:
            raise UnreadableFile(_("文件已损坏，无法读取（XML 格式错误）。"), "corrupt") from exc


_CACHED = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_FORMULA = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]+\d+)"[^>]*>\s*<(?:\w+:)?f[\s>/]((?:(?!</(?:\w+:)?c>).)*)</(?:\w+:)?c>', re.S)


def _scan_sheet_xml(archive, path):
    """Merged ranges (openpyxl's read-only sheets do not keep them), formula cells without a cached value and
    the number of rows, from the sheet's XML, streamed in 1 MB chunks."""
    if not path or path not in archive.namelist():
        return [], [], 0, 0
    merged, uncalculated, formulas, rows = [], [], 0, 0
    tail = b""
    with archive.open(path) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk and not tail:
                break
            text = tail + chunk
            cut = text.rfind(b"</c>") + 4 if chunk else len(text)
            if cut < 4:
                cut = max(len(text) - 65536, 0) if chunk else len(text)
            part, tail = text[:cut], text[cut:]
            rows += part.count(b"<row ") + part.count(b"<x:row ")
            if b"<f" in part:
                for ref, rest in _FORMULA.findall(part):
                    formulas += 1
                    if not _CACHED.search(rest) and len(uncalculated) < 50:
                        uncalculated.append(ref.decode())
            if b"mergeCell" in part:
                for c1, r1, c2, r2 in _MERGE.findall(part):
                    merged.append((int(r1), _col_index(c1.decode()), int(r2), _col_index(c2.decode())))
            if not chunk:
                break
    return merged, uncalculated, formulas, rows


def _col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(index):
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _open_ole(data):
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = {"/".join(s) for s in ole.listdir(streams=True, storages=True)}
    except OSError as exc:
        raise UnreadableFile(_("文件已损坏，无法读取。"), "corrupt") from exc
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        raise UnreadableFile(_("文件已加密（设有打开密码），请取消密码后再导入。"), "encrypted")
    if any(s.startswith(("_VBA_PROJECT_CUR", "Macros")) for s in streams):
        raise UnreadableFile(_("工作簿含有宏（VBA），不予导入：请另存为不含宏的 .xlsx 文件。"), "macro")
    if "Workbook" not in streams and "Book" not in streams:
        raise UnreadableFile(_("这不是电子表格文件（请上传 .xlsx、.xls 或 .csv 文件）。"), "not_spreadsheet")
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise UnreadableFile(_("文件已加密（设有打开密码），请取消密码后再导入。"), "encrypted") from exc
        raise UnreadableFile(_("文件已损坏，无法读取（%(error)s）。") % {"error": exc}, "corrupt") from exc
    except Exception as exc:  # noqa: BLE001
        raise UnreadableFile(_("文件已损坏，无法读取（%(error)s）。") % {"error": type(exc).__name__}, "corrupt") from exc
    sheets = []
    for index in range(book.nsheets):
        sh = book.sheet_by_index(index)
        if getattr(sh, "visibility", 0):
            continue
        merged = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in sh.merged_cells]
        sheets.append(Sheet(name=sh.name, _rows=_xls_rows(book, sh), merged=merged, size_hint=sh.nrows))
    if not sheets:
        raise UnreadableFile(_("工作簿中没有可见的工作表。"), "no_sheet")
    return Book("xls", sheets)


def _xls_rows(book, sh):
    import xlrd

    def value(cell):
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            except (ValueError, OverflowError):
                return cell.value
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return None
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        if cell.ctype == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(cell.value, "#ERR")
        if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
            return int(cell.value)
        return cell.value

    def rows():
        for r in range(sh.nrows):
            yield tuple(value(c) for c in sh.row(r))
    return rows


def _open_csv(data):
    text, encoding = None, ""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise UnreadableFile(_("无法识别文件编码（支持 UTF-8 和 GBK/GB18030）。"), "encoding")
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","

    def rows():
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            yield tuple(v if v != "" else None for v in row)
    return Book("csv", [Sheet(name="CSV", _rows=rows, size_hint=text.count("\n"))],
                encoding=encoding.replace("-sig", ""))


# --- the header ----------------------------------------------------------------------------------------------

META_PATTERN = re.compile(r"^\s*(填报单位|填表单位|报送单位|制表单位|单位[:：]|金额单位|计量单位|填报日期|填表日期|制表日期|"
                          r"截至|截止|统计时间|报送时间)")
UNIT_IN_TEXT = re.compile(r"(?:单位|金额单位)\s*[:：]\s*(亿元|万元|千元|元|%)")
HEADER_UNIT = re.compile(r"[（(【\[]\s*(亿元|万元|千元|元|%|％)\s*[）)】\]]\s*$|[/／]\s*(亿元|万元|千元|元)\s*$")
TOTAL_WORDS = {"合计", "总计", "小计", "全区合计", "合计数"}
NOTE_PATTERN = re.compile(r"^\s*(注\s*[:：\d]|说明\s*[:：]|备注\s*[:：]|填表说明|填报说明|填表人|填报人|审核人|制表人|"
                          r"负责人\s*[:：]|联系人\s*[:：]|联系电话\s*[:：])")
SERIAL_HEADERS = {"序号", "编号序号", "No", "No.", "序"}
HEADER_SCAN_ROWS = 30


def norm(text) -> str:
    """A header or name as compared: NFKC (full-width → half-width), no spaces or line breaks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def known_names():
    """{"unit": normalised unit names and short names, "area": area names} — for guessing column types."""
    from org.models import Area, Unit

    units = set()
    for name, short in Unit.objects.filter(is_active=True).values_list("name", "short_name"):
        units.add(norm(name))
        if short:
            units.add(norm(short))
    return {"unit": units, "area": {norm(n) for n in Area.objects.values_list("name", flat=True)}}


def detect_workbook(data: bytes, name: str = "", sheet_name=None) -> Table:
    """Open `data` and find its table, unit and area columns recognised by the organisation's names — the
    "create a ledger from a workbook" step's one call (UnreadableFile for a refused file)."""
    return detect_table(open_book(data, name).sheet(sheet_name), known=known_names())


@dataclass
class Column:
    index: int  # 0-based position in the row
    header: str  # the joined header ("投资情况·年度计划")
    parts: tuple  # the header rows' parts, top first
    unit: str = ""  # 万元 / 亿元 / 元 / % from the header or the sheet's 单位 line
    guessed_type: str = FieldType.TEXT
    samples: list = field(default_factory=list)
    choices: list = field(default_factory=list)  # distinct values when the guess is a choice

    @property
    def letter(self):
        return column_letter(self.index + 1)

    @property
    def label(self):
        """The header without its unit: the label a field made from this column gets."""
        return HEADER_UNIT.sub("", self.header).strip() or self.header


@dataclass
class Table:
    sheet: Sheet
    header_rows: tuple  # 1-based row numbers of the header (one or two)
    columns: list
    data_start: int  # 1-based row number of the first data row
    title: str = ""
    meta: dict = field(default_factory=dict)  # {"填报单位": "罗家镇", "单位": "万元"}
    sheet_unit: str = ""

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(sheet row number, values) of every row from data_start on."""
        for number, row in enumerate(self.sheet.rows(), start=1):
            if number >= self.data_start:
                yield number, row

    def formats(self) -> Iterator[tuple]:
        if self.sheet.formats is None:
            return iter(())
        return (f for number, f in enumerate(self.sheet.formats(), start=1) if number >= self.data_start)

    def as_dict(self):
        return {"header_rows": list(self.header_rows), "data_start": self.data_start, "title": self.title,
                "meta": self.meta, "sheet_unit": self.sheet_unit, "sheet": self.sheet.name,
                "size_hint": self.sheet.size_hint,
                "columns": [{"index": c.index, "letter": c.letter, "header": c.header, "label": c.label,
                             "unit": c.unit, "type": str(c.guessed_type), "samples": [str(s) for s in c.samples],
                             "choices": c.choices} for c in self.columns]}


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def detect_table(sheet: Sheet, *, guess_rows=200, known=None) -> Table:
    """Find the header of `sheet` and guess each column's type from the first `guess_rows` data rows.

    Title rows (one text cell, or a cell merged across most of the width), 填报单位/单位：万元 lines and blank
    rows above the header are skipped; a header merged down or across two rows is joined ("投资情况·计划");
    a unit in a header ("（万元）") or the sheet's 单位 line is kept per column."""
    lim = limits()
    head = []
    for number, row in enumerate(sheet.rows(), start=1):
        head.append(row)
        if number >= HEADER_SCAN_ROWS:
            break
    width = max((len(r) for r in head), default=0)
    if width > lim["max_columns"]:
        raise UnreadableFile(_("工作表有 %(n)s 列，超过上限 %(limit)s 列。") % {"n": width, "limit": lim["max_columns"]},
                             "too_many_columns")
    merged = [m for m in sheet.merged if m[0] <= HEADER_SCAN_ROWS]
    title, meta, sheet_unit = "", {}, ""
    header_row = None
    for i, row in enumerate(head, start=1):
        texts = [_cell_text(v) for v in row]
        filled = [t for t in texts if t]
        if not filled:
            continue
        joined = " ".join(filled)
        wide_merge = any(m[0] == i and m[2] == i and (m[3] - m[1] + 1) >= max(2, width * 0.6) for m in merged)
        if META_PATTERN.match(filled[0]) or UNIT_IN_TEXT.search(joined):
            for t in filled:
                for part in re.split(r"\s{2,}|\t", t):  # "填报单位：罗家镇      单位：万元" in one cell
                    key, _sep, value = re.split(r"([:：])", part, maxsplit=1) if re.search("[:：]", part) else (part, "", "")
                    if value.strip():
                        meta[norm(key)] = value.strip()
            unit = UNIT_IN_TEXT.search(joined)
            if unit:
                sheet_unit = unit.group(1)
            continue
        if len(filled) == 1 or (wide_merge and len(filled) <= 2):
            title = title or filled[0]
            continue
        header_row = i
        break
    if header_row is None:
        raise UnreadableFile(_("没有找到表头：前 %(n)s 行中没有一行含两个以上的列名。") % {"n": HEADER_SCAN_ROWS}, "no_header")
    top = list(head[header_row - 1]) + [None] * (width - len(head[header_row - 1]))
    rows_used = (header_row,)
    second = None
    if header_row < len(head):
        nxt = list(head[header_row]) + [None] * (width - len(head[header_row]))
        spans = [m for m in merged if m[0] == header_row and (m[2] > header_row or m[3] > m[1])]
        texty = [v for v in nxt if v not in (None, "")]
        if spans and texty and all(isinstance(v, str) for v in texty):
            second = nxt
            rows_used = (header_row, header_row + 1)
    # fill merged header cells across their span (a merged cell holds its value in its top-left cell only)
    grid = [top] + ([second] if second else [])
    for r1, c1, r2, c2 in merged:
        source = head[r1 - 1]
        value = source[c1 - 1] if c1 - 1 < len(source) else None
        for offset, row_number in enumerate(rows_used):
            if r1 <= row_number <= r2:
                for c in range(c1, min(c2, width) + 1):
                    grid[offset][c - 1] = value
    columns = []
    for index in range(width):
        parts = []
        for row in grid:
            text = _cell_text(row[index])
            if text and text not in parts:
                parts.append(re.sub(r"\s+", "", text))
        if not parts:
            continue
        header = "·".join(parts)
        unit_match = HEADER_UNIT.search(parts[-1]) or (HEADER_UNIT.search(parts[0]) if len(parts) > 1 else None)
        unit = next((g for g in unit_match.groups() if g), "") if unit_match else ""
        unit = "%" if unit == "％" else unit
        columns.append(Column(index=index, header=header, parts=tuple(parts), unit=unit))
    table = Table(sheet=sheet, header_rows=rows_used, columns=columns, data_start=rows_used[-1] + 1, title=title,
                  meta=meta, sheet_unit=sheet_unit)
    if sheet.size_hint and sheet.size_hint - table.data_start + 1 > lim["max_rows"]:
        raise UnreadableFile(_("工作表约有 %(n)s 行数据，超过上限 %(limit)s 行，请分成几个文件导入。") % {
            "n": sheet.size_hint - table.data_start + 1, "limit": lim["max_rows"]}, "too_many_rows")
    _guess_types(table, guess_rows, known or {})
    return table


def classify_row(values) -> str:
    """"data", "blank", "total" (合计/总计/小计 in one of the first three cells) or "note" (注：…, 填表人 …)."""
    texts = [_cell_text(v) for v in values]
    filled = [t for t in texts if t]
    if not filled:
        return "blank"
    if any(norm(t) in TOTAL_WORDS for t in texts[:3]):
        return "total"
    if NOTE_PATTERN.match(filled[0]) and len(filled) <= 3:
        return "note"
    return "data"


# --- type guessing -------------------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^\d{4}\s*[./\-年]\s*\d{1,2}\s*[./\-月]\s*\d{1,2}\s*日?$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_IDNO = re.compile(r"^\d{17}[\dXx]$")
AREA_HINT = re.compile(r"区划|村|社区|镇街|乡镇|街道|属地|地点|区域")
_BOOL_WORDS = {"是", "否", "有", "无", "√", "×", "✓", "✗"}


def _guess_types(table, guess_rows, known):
    samples = {c.index: [] for c in table.columns}
    for count, (_number, row) in enumerate(table.rows()):
        if count >= guess_rows:
            break
        if classify_row(row) != "data":
            continue
        for c in table.columns:
            value = row[c.index] if c.index < len(row) else None
            if value not in (None, ""):
                samples[c.index].append(value)
    for c in table.columns:
        values = samples[c.index]
        c.samples = [_cell_text(v) for v in values[:5]]
        c.guessed_type = _guess(c, values, known)
        if c.guessed_type == FieldType.CHOICE:
            c.choices = sorted({_cell_text(v) for v in values})


def _guess(column, values, known):
    header = column.header
    if not values:
        return FieldType.TEXT
    texts = [_cell_text(v) for v in values]
    matches = [type_ for kind, type_ in (("unit", FieldType.UNIT), ("area", FieldType.AREA))
               if known.get(kind) and all(norm(t) in known[kind] for t in texts)]
    if len(matches) == 2:  # a village is an area and its committee's short name: the header decides
        return FieldType.UNIT if "单位" in header or not AREA_HINT.search(header) else FieldType.AREA
    if matches:
        return matches[0]
    if all(isinstance(v, (datetime.date, datetime.datetime)) or _DATE_TEXT.match(t) for v, t in zip(values, texts, strict=True)):
        has_time = any(isinstance(v, datetime.datetime) and (v.hour or v.minute) for v in values)
        return FieldType.DATETIME if has_time else FieldType.DATE
    if all(t in _BOOL_WORDS for t in texts):
        return FieldType.BOOLEAN
    if all(_MOBILE.match(t) for t in texts):
        return FieldType.PHONE
    if all(_IDNO.match(t) for t in texts):
        return FieldType.ID_NUMBER
    numeric = [_number(v) for v in values]
    if all(n is not None for n in numeric):
        if column.unit == "%" or "率" in header or any(isinstance(v, str) and v.strip().endswith("%") for v in values):
            return FieldType.PERCENT
        if column.unit or any(n != int(n) for n in numeric):
            return FieldType.DECIMAL
        return FieldType.INTEGER
    distinct = set(texts)
    if len(values) >= 5 and len(distinct) <= min(12, max(2, len(values) // 3)) and max(len(t) for t in texts) <= 12:
        return FieldType.CHOICE
    if sum(len(t) for t in texts) / len(texts) > 40:
        return FieldType.LONG_TEXT
    return FieldType.TEXT


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "").rstrip("%％")
    try:
        return Decimal(text)
    except ArithmeticError:
        return None

