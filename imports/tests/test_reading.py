"""Reading real files built here: the formats (.xlsx, .xls, .csv in UTF-8, UTF-8 with BOM and GBK), the header
of an office workbook, and every hostile or broken file — each refused with its message before any parser
reads it (nothing written: open_book only reads)."""
import datetime
import io
import zipfile

import pytest
from django.test import override_settings
from openpyxl import Workbook

from imports.reading import UnreadableFile, classify_row, detect_table, open_book

from .workbooks import csv_bytes, office_xlsx, rezip, save, simple_xlsx, xls_bytes

HEADERS = ["序号", "单位", "金额（万元）", "日期", "是否完成"]
ROWS = [[1, "罗家镇", 12.5, datetime.date(2023, 5, 1), "是"], [2, "塘山镇", 8, datetime.date(2023, 6, 2), "否"]]


def refused(data, name="file.xlsx"):
    with pytest.raises(UnreadableFile) as info:
        book = open_book(data, name)
        detect_table(book.sheet())
    return info.value


# --- formats ---------------------------------------------------------------------------------------------

def test_xlsx_header_types_and_rows():
    table = detect_table(open_book(simple_xlsx(HEADERS, ROWS, title="2023年工作台账"), "a.xlsx").sheet())
    assert table.title == "2023年工作台账" and table.header_rows == (2,)
    assert [c.header for c in table.columns] == HEADERS
    assert table.columns[2].unit == "万元" and table.columns[2].label == "金额"
    assert [str(c.guessed_type) for c in table.columns] == ["integer", "text", "decimal", "date", "boolean"]
    assert [row[1] for _n, row in table.rows()] == ["罗家镇", "塘山镇"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_offices_save(encoding):
    rows = [[1, "罗家镇", "12.5", "2023.5.1", "是"]]
    book = open_book(csv_bytes(HEADERS, rows, encoding=encoding), "a.csv")
    table = detect_table(book.sheet())
    assert book.format == "csv"
    assert [c.header for c in table.columns] == HEADERS  # the BOM is not part of the first header
    assert next(table.rows())[1][1] == "罗家镇"


def test_xls_with_merged_title_and_dates():
    book = open_book(xls_bytes(HEADERS, ROWS, title="2023年工作台账"), "a.xls")
    table = detect_table(book.sheet())
    assert book.format == "xls" and table.title == "2023年工作台账"
    first = next(table.rows())[1]
    assert first[1] == "罗家镇" and first[3].date() == datetime.date(2023, 5, 1)


def test_two_row_header_merged_title_unit_line_total_and_notes():
    data = office_xlsx("2023年矛盾纠纷排查化解台账", [("序号", 1), ("纠纷情况", 2), ("调处情况", 2)],
                       ["登记日期", "纠纷类型", "调处结果", "调解金额（万元）"],
                       [(1, "2023-05-01", "邻里纠纷", "调解成功", 1.5)],
                       total=("合计", None, None, None, 1.5))
    table = detect_table(open_book(data, "a.xlsx").sheet())
    assert table.header_rows == (3, 4) and table.data_start == 5
    assert table.meta["填报单位"].startswith("罗家镇") and table.sheet_unit == "万元"
    assert [c.header for c in table.columns] == ["序号", "纠纷情况·登记日期", "纠纷情况·纠纷类型", "调处情况·调处结果",
                                                 "调处情况·调解金额（万元）"]
    kinds = [classify_row(row) for _n, row in table.rows()]
    assert kinds == ["data", "total", "note"]


def test_formula_cells_read_their_cached_value_never_evaluated():
    wb = Workbook()
    ws = wb.active
    ws.append(["项目", "金额"])
    ws.append(["甲", 1])
    ws.append(["乙", "=A1+1"])  # openpyxl saves a formula without a cached value
    sheet = open_book(save(wb), "a.xlsx").sheet()
    table = detect_table(sheet)
    assert sheet.formula_cells == 1 and sheet.uncalculated == ["B3"]
    assert [row[1] for _n, row in table.rows()] == [1, None]  # no value invented, nothing evaluated


def test_a_formula_with_a_cached_value_gives_that_value():
    wb = Workbook()
    ws = wb.active
    ws.append(["项目", "金额"])
    ws.append(["甲", 41])
    data = save(wb)
    # the way Excel saves a computed cell: <f>A1+1</f><v>42</v>
    data = rezip(data, replace={"xl/worksheets/sheet1.xml": lambda xml: xml.replace(
        b'<c r="B2" t="n"><v>41</v></c>', b'<c r="B2"><f>SUM(1,40)+1</f><v>42</v></c>')})
    sheet = open_book(data, "a.xlsx").sheet()
    assert sheet.formula_cells == 1 and not sheet.uncalculated
    assert [row[1] for _n, row in detect_table(sheet).rows()] == [42]


# --- hostile and broken files ----------------------------------------------------------------------------

def test_not_a_spreadsheet():
    assert refused(b"%PDF-1.7 ...binary...", "a.xlsx").code == "not_spreadsheet"
    assert refused(b"\x89PNG\r\n\x1a\n\x00\x00", "a.csv").code == "not_spreadsheet"
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    assert refused(docx.getvalue(), "a.xlsx").code == "not_spreadsheet"
    assert refused(b"PK\x03\x04broken zip", "a.xlsx").code == "corrupt"
    assert refused(b"", "a.csv").code == "empty"


def test_password_protected_workbook():
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = simple_xlsx(HEADERS, ROWS)
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("Secret123", out)
    error = refused(out.getvalue(), "a.xlsx")
    assert error.code == "encrypted" and "密码" in str(error.message)


def test_macro_workbook():
    data = rezip(simple_xlsx(HEADERS, ROWS), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"})
    assert refused(data, "a.xlsx").code == "macro"
    assert refused(simple_xlsx(HEADERS, ROWS), "a.xlsm").code == "macro"


@pytest.mark.parametrize("member", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_xxe_external_entity(member):
    evil = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')

    def inject(xml):
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return evil + body.replace(b"<t>", b"<t>&xxe;", 1)

    plain = simple_xlsx(HEADERS, ROWS)
    shared = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>'
    data = rezip(plain, replace={member: inject}) if member != "xl/sharedStrings.xml" else \
        rezip(plain, add={member: inject(shared)})
    error = refused(data, "a.xlsx")
    assert error.code == "xxe" and "XXE" in str(error.message)


def test_billion_laughs():
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    data = rezip(simple_xlsx(HEADERS, ROWS), add={"xl/sharedStrings.xml": laughs + b"<sst><si><t>&lol2;</t></si></sst>"})
    assert refused(data, "a.xlsx").code == "xxe"


def test_zip_bomb_by_ratio_and_by_declared_size():
    bomb = rezip(simple_xlsx(HEADERS, ROWS), add={"xl/media/bomb.bin": b"\0" * (20 * 1024 * 1024)})
    assert refused(bomb, "a.xlsx").code == "zip_bomb"
    with override_settings(TAIZHANG_IMPORT_LIMITS={"max_uncompressed_bytes": 1024 * 1024}):
        big = rezip(simple_xlsx(HEADERS, ROWS), add={"xl/media/photo.bin": bytes(range(256)) * 8192})
        assert refused(big, "a.xlsx").code == "zip_bomb"


def test_too_many_columns():
    wide = simple_xlsx([f"列{i}" for i in range(1001)], [[1] * 1001])
    error = refused(wide, "a.xlsx")
    assert error.code == "too_many_columns" and "1001" in str(error.message)


def test_a_million_rows_are_over_the_limit():
    lines = ["序号,事项"] + [f"{i},事项{i}" for i in range(1, 1_000_001)]
    error = refused("\n".join(lines).encode(), "a.csv")
    assert error.code == "too_many_rows" and "500000" in str(error.message)
    with override_settings(TAIZHANG_IMPORT_LIMITS={"max_rows": 5}):
        assert refused(simple_xlsx(HEADERS, ROWS * 5), "a.xlsx").code == "too_many_rows"


def test_no_header():
    assert refused(csv_bytes(["只有一列"], [["a"], ["b"]]), "a.csv").code == "no_header"


def test_a_sheet_that_does_not_exist():
    with pytest.raises(UnreadableFile):
        open_book(simple_xlsx(HEADERS, ROWS), "a.xlsx").sheet("没有这张表")
