"""Word documents in 公文 layout (GB/T 9704-2012, simplified): the page, fonts and blocks every 公文 uses.

Ledger apps build their documents from these (supervision: 督办单 and 通报; reports, 民生实事 公告 …).
Generators take plain data, never models, so a frozen snapshot renders the same document years later.

Layout: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; 发文机关标志 in red 宋体 2号 (22 pt),
the 发文字号 〔2023〕N号 under it, a red separator line, the title in 宋体 2号, body in 仿宋 3号 (16 pt)
with a two-character first-line indent and a fixed 28 pt line spacing, first-level headings in 黑体,
落款 and date at the right, page numbers “— N —” in the footer.

Fonts: Word/LibreOffice pick the East Asian face from w:rFonts/@w:eastAsia; the Latin names are set
too. A machine without 宋体/仿宋 substitutes its CJK font (Noto Serif/Sans CJK on Debian).
"""
from __future__ import annotations

from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

RED = RGBColor(0xE6, 0x00, 0x12)  # 公文 red
BLACK = RGBColor(0, 0, 0)

# (Latin name, East Asian name)
SONG = ("SimSun", "宋体")
FANGSONG = ("FangSong", "仿宋")
HEI = ("SimHei", "黑体")
KAI = ("KaiTi", "楷体")

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四
LINE_SPACING = Pt(28)



# ------------------------------------------------------------------------------------------ helpers

def set_run_font(run, font=FANGSONG, size=SIZE_3, bold=False, color=None):
    latin, east_asian = font
    run.font.name = latin
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    r_pr = run._element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        r_fonts.set(qn(attr), latin)
    r_fonts.set(qn("w:eastAsia"), east_asian)
    return run


def format_paragraph(paragraph, *, align=None, first_line_chars=0, space_before=0, space_after=0, exact=True,
            line=LINE_SPACING):
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    if first_line_chars:
        # firstLineChars (hundredths of a character) keeps "two characters" whatever the font size
        fmt.first_line_indent = Pt(16 * first_line_chars)
        ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
        if ind is not None:
            ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
    return paragraph


def _bottom_border(paragraph, color="E60012", size=12):
    """The red separator line (版头中的分隔线) as the paragraph's bottom border."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size))  # eighths of a point: 12 → 1.5 pt
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    p_pr.append(borders)


def _page_number_footer(section):
    """Footer “— N —” centred (宋体 4号), a PAGE field so every page counts itself."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(paragraph.add_run("— "), SONG, SIZE_4)
    run = set_run_font(paragraph.add_run(), SONG, SIZE_4)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    set_run_font(paragraph.add_run(" —"), SONG, SIZE_4)


def new_document(*, landscape=False):
    """An empty A4 document with the 公文 margins and 仿宋 3号 as the default text."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)
    section.footer_distance = Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name = FANGSONG[0]
    normal.font.size = SIZE_3
    r_pr = normal.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    r_fonts.set(qn("w:eastAsia"), FANGSONG[1])
    _page_number_footer(section)
    return doc


def add_heading_block(doc, *, issuer, number, red=True):
    """版头: the issuing organ's mark in red, the document number, the red separator line."""
    p = format_paragraph(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, exact=False, space_after=6)
    set_run_font(p.add_run(issuer), SONG, SIZE_2, bold=True, color=RED if red else BLACK)
    p = format_paragraph(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, space_before=12)
    set_run_font(p.add_run(number), FANGSONG, SIZE_3)
    _bottom_border(p)
    return p


def add_title(doc, text):
    p = format_paragraph(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, space_before=24, space_after=12,
                exact=True, line=Pt(35))
    set_run_font(p.add_run(text), SONG, SIZE_2, bold=True)
    return p


def add_body(doc, text, *, indent=True, bold_prefix=None):
    p = format_paragraph(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2 if indent else 0)
    if bold_prefix:
        set_run_font(p.add_run(bold_prefix), KAI, SIZE_3, bold=True)
    set_run_font(p.add_run(text), FANGSONG, SIZE_3)
    return p


def add_level1(doc, text):
    """一级标题 “一、……” in 黑体 3号."""
    p = format_paragraph(doc.add_paragraph(), first_line_chars=2)
    set_run_font(p.add_run(text), HEI, SIZE_3)
    return p


def add_salutation(doc, text):
    p = format_paragraph(doc.add_paragraph(), first_line_chars=0)
    set_run_font(p.add_run(text), FANGSONG, SIZE_3)
    return p


def add_signature(doc, *, issuer, on: date):
    """落款: the issuing organ and the date, right-aligned with a 4-character right indent."""
    doc.add_paragraph()
    for text in (issuer, chinese_date(on)):
        p = format_paragraph(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(16 * 4)
        set_run_font(p.add_run(text), FANGSONG, SIZE_3)


def add_table(doc, headers, rows, *, widths_mm=None, font_size=SIZE_SMALL_4, total=None):
    """A bordered table (表头 in 黑体), text 仿宋 小四; rows are lists of strings/numbers."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        p = format_paragraph(cell.paragraphs[0], align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
        set_run_font(p.add_run(str(header)), HEI, font_size)
    all_rows = list(rows) + ([total] if total else [])
    for row in all_rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            p = format_paragraph(cell.paragraphs[0], align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
            set_run_font(p.add_run("" if value is None else str(value)), FANGSONG, font_size)
    if widths_mm:
        table.autofit = False
        for column, width in zip(table.columns, widths_mm, strict=False):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=False):
                cell.width = Mm(width)
    doc.add_paragraph()
    return table


def chinese_date(on: date) -> str:
    """成文日期 in Arabic numerals (GB/T 9704-2012): 2023年11月22日."""
    return f"{on.year}年{on.month}月{on.day}日"


def document_number(prefix, year, seq) -> str:
    """发文字号: 青督办〔2023〕12号 (year in 六角括号, no leading zeros)."""
    return f"{prefix}〔{year}〕{seq}号"


def to_bytes(doc) -> bytes:
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
