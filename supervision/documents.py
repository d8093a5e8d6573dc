"""Word documents in 公文 layout (GB/T 9704-2012, simplified): 督办单 and 通报, plus the 通报's Excel annex.

The generators take plain data (dicts/dataclasses built by supervision.services / selectors), never
models, so a published bulletin's frozen snapshot renders the same document years later.

Layout: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; 发文机关标志 in red 宋体 2号 (22 pt),
the 发文字号 〔2023〕N号 under it, a red separator line, the title in 宋体 2号, body in 仿宋 3号 (16 pt)
with a two-character first-line indent and a fixed 28 pt line spacing, first-level headings in 黑体,
落款 and date at the right, page numbers “— N —” in the footer.

Fonts: Word/LibreOffice pick the East Asian face from w:rFonts/@w:eastAsia; the Latin names are set
too. A machine without 宋体/仿宋 substitutes its CJK font (Noto Serif/Sans CJK on Debian).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from django.utils.translation import gettext as _
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

LEVEL_LABELS = {"blue": "蓝色", "yellow": "黄色", "red": "红色"}
LEVEL_COLORS = {"blue": RGBColor(0x1F, 0x4E, 0xD8), "yellow": RGBColor(0xC9, 0x8A, 0x00), "red": RED}


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


def _format(paragraph, *, align=None, first_line_chars=0, space_before=0, space_after=0, exact=True,
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
    p = _format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, exact=False, space_after=6)
    set_run_font(p.add_run(issuer), SONG, SIZE_2, bold=True, color=RED if red else BLACK)
    p = _format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, space_before=12)
    set_run_font(p.add_run(number), FANGSONG, SIZE_3)
    _bottom_border(p)
    return p


def add_title(doc, text):
    p = _format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, space_before=24, space_after=12,
                exact=True, line=Pt(35))
    set_run_font(p.add_run(text), SONG, SIZE_2, bold=True)
    return p


def add_body(doc, text, *, indent=True, bold_prefix=None):
    p = _format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2 if indent else 0)
    if bold_prefix:
        set_run_font(p.add_run(bold_prefix), KAI, SIZE_3, bold=True)
    set_run_font(p.add_run(text), FANGSONG, SIZE_3)
    return p


def add_level1(doc, text):
    """一级标题 “一、……” in 黑体 3号."""
    p = _format(doc.add_paragraph(), first_line_chars=2)
    set_run_font(p.add_run(text), HEI, SIZE_3)
    return p


def add_salutation(doc, text):
    p = _format(doc.add_paragraph(), first_line_chars=0)
    set_run_font(p.add_run(text), FANGSONG, SIZE_3)
    return p


def add_signature(doc, *, issuer, on: date):
    """落款: the issuing organ and the date, right-aligned with a 4-character right indent."""
    doc.add_paragraph()
    for text in (issuer, chinese_date(on)):
        p = _format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(16 * 4)
        set_run_font(p.add_run(text), FANGSONG, SIZE_3)


def add_table(doc, headers, rows, *, widths_mm=None, font_size=SIZE_SMALL_4, total=None):
    """A bordered table (表头 in 黑体), text 仿宋 小四; rows are lists of strings/numbers."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        p = _format(cell.paragraphs[0], align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
        set_run_font(p.add_run(str(header)), HEI, font_size)
    all_rows = list(rows) + ([total] if total else [])
    for row in all_rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            p = _format(cell.paragraphs[0], align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
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


# ------------------------------------------------------------------------------------------ 督办单

@dataclass
class NoticeData:
    """Everything a 督办单 says. `level`: blue/yellow/red (蓝/黄/红 by urgency)."""

    number: str
    level: str
    item_number: str
    item_title: str
    lead_unit: str
    problem: str
    measures: str
    deadline: date | None
    issued_on: date
    issuer: str = "青山湖区作风督查领导小组办公室"
    reason: str = ""  # why this level: near deadline / behind schedule / overdue
    responsible: str = ""
    reply_by: date | None = None
    copy_to: str = ""


def notice_docx(data: NoticeData) -> bytes:
    """督办单 in 公文 layout: red heading, number, level, the problem, required measures and deadline."""
    doc = new_document()
    add_heading_block(doc, issuer=data.issuer, number=data.number)
    add_title(doc, _("督办单"))
    level_label = LEVEL_LABELS.get(data.level, data.level)
    p = _format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER)
    set_run_font(p.add_run(_("督办等级：%(level)s督办") % {"level": level_label}), HEI, SIZE_3,
                 color=LEVEL_COLORS.get(data.level, BLACK))
    if data.reason:
        set_run_font(p.add_run(_("（%(reason)s）") % {"reason": data.reason}), FANGSONG, SIZE_3)
    add_salutation(doc, f"{data.lead_unit}：")
    add_body(doc, _("经督查，你单位承办的“%(title)s”（编号%(number)s）存在以下问题，现予督办。") % {
        "title": data.item_title, "number": data.item_number})
    add_level1(doc, _("一、存在问题"))
    for line in _lines(data.problem):
        add_body(doc, line)
    add_level1(doc, _("二、整改要求"))
    for line in _lines(data.measures):
        add_body(doc, line)
    add_level1(doc, _("三、办理时限"))
    if data.deadline:
        add_body(doc, _("请于%(date)s前整改到位，") % {"date": chinese_date(data.deadline)}
                 + (_("并于%(reply)s前将整改情况书面报送区作风督查领导小组办公室。") % {
                     "reply": chinese_date(data.reply_by or data.deadline)}))
    else:
        add_body(doc, _("请立即整改，并将整改情况书面报送区作风督查领导小组办公室。"))
    if data.responsible:
        add_body(doc, _("责任人：%(name)s") % {"name": data.responsible})
    add_body(doc, _("逾期未整改或整改不到位的，将按有关规定予以通报问责。"))
    add_signature(doc, issuer=data.issuer, on=data.issued_on)
    if data.copy_to:
        p = _format(doc.add_paragraph())
        set_run_font(p.add_run(_("抄送：%(to)s") % {"to": data.copy_to}), FANGSONG, SIZE_4)
    return to_bytes(doc)


def _lines(text):
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines or ["—"]


# ------------------------------------------------------------------------------------------ 通报

@dataclass
class BulletinData:
    """A bulletin's content, exactly the frozen snapshot (see supervision.bulletins.compile_bulletin)."""

    number: str
    title: str
    period_label: str
    issued_on: date
    summary: dict = field(default_factory=dict)  # inspections, findings, rectified, struck_off, overdue
    by_unit: list = field(default_factory=list)  # [{unit, total, rectified, struck_off, overdue}]
    by_category: list = field(default_factory=list)  # [{category, total}]
    cases: list = field(default_factory=list)  # [{number, title, unit, category, state, note}]
    ranking: list = field(default_factory=list)  # [{rank, unit, score, parts: {…}}]
    formula_text: str = ""
    issuer: str = "青山湖区作风督查领导小组办公室"
    empty: bool = False
    copy_to: str = "区委、区政府主要领导，各镇（街道、园区），区直各单位"


def bulletin_docx(data: BulletinData) -> bytes:
    doc = new_document()
    add_heading_block(doc, issuer=data.issuer, number=data.number)
    add_title(doc, data.title)
    add_salutation(doc, _("各镇（街道、园区），区直各单位："))
    if data.empty:
        add_body(doc, _("%(period)s本期无数据：未开展督查，也没有新发现或整改的督查问题。特此通报。") % {
            "period": data.period_label})
        add_level1(doc, _("本期无数据"))
        add_body(doc, _("本期无督查记录、无督查问题，排名不予计算。"))
        add_signature(doc, issuer=data.issuer, on=data.issued_on)
        return to_bytes(doc)

    s = data.summary
    add_body(doc, _("%(period)s，区作风督查领导小组按照“问题不整改不放过、效果不明显不放过、作风不转变不放过”"
                    "的要求，开展督查%(inspections)s次，发现问题%(findings)s个，完成整改%(rectified)s个，"
                    "核验销号%(struck)s个，逾期未整改%(overdue)s个。现将有关情况通报如下。") % {
        "period": data.period_label, "inspections": s.get("inspections", 0), "findings": s.get("findings", 0),
        "rectified": s.get("rectified", 0), "struck": s.get("struck_off", 0), "overdue": s.get("overdue", 0)})

    add_level1(doc, _("一、督查问题分布"))
    add_body(doc, _("按单位统计如下表："))
    add_table(doc, [_("单位"), _("问题数"), _("完成整改"), _("已销号"), _("逾期")],
              [[r["unit"], r["total"], r["rectified"], r["struck_off"], r["overdue"]] for r in data.by_unit],
              widths_mm=[56, 25, 25, 25, 25],
              total=[_("合计"), s.get("findings", 0), s.get("rectified", 0), s.get("struck_off", 0),
                     s.get("overdue", 0)])
    add_body(doc, _("按类别统计：") + "；".join(f"{r['category']}{r['total']}个" for r in data.by_category) + "。")

    add_level1(doc, _("二、典型问题"))
    if data.cases:
        for i, case in enumerate(data.cases, 1):
            add_body(doc, f"{case['title']}（{case['number']}，{case['category']}，{case['state']}）。"
                     + (case.get("note") or ""), bold_prefix=f"{i}. {case['unit']}：")
    else:
        add_body(doc, _("本期无点名通报的典型问题。"))

    add_level1(doc, _("三、单位排名"))
    add_body(doc, _("排名计分公式：%(formula)s") % {"formula": data.formula_text})
    if data.ranking:
        part_names = list(data.ranking[0].get("parts", {}).keys())
        add_table(doc, [_("名次"), _("单位"), _("得分"), *[PART_LABELS.get(k, k) for k in part_names]],
                  [[r["rank"], r["unit"], r["score"], *[r["parts"].get(k, 0) for k in part_names]]
                   for r in data.ranking], font_size=Pt(10.5),
                  widths_mm=[12, 32, 16, *([round(96 / max(1, len(part_names)))] * len(part_names))])
    else:
        add_body(doc, _("本期无参与排名的单位。"))

    add_level1(doc, _("四、工作要求"))
    add_body(doc, _("各责任单位要对照问题清单逐项整改，按期报送整改佐证材料；逾期未整改的问题将纳入下期通报，"
                    "并按规定追责问责。"))
    add_body(doc, _("附件：%(title)s问题清单（见Excel附件）") % {"title": data.title}, indent=True)
    add_signature(doc, issuer=data.issuer, on=data.issued_on)
    p = _format(doc.add_paragraph())
    set_run_font(p.add_run(_("抄送：%(to)s") % {"to": data.copy_to}), FANGSONG, SIZE_4)
    return to_bytes(doc)


PART_LABELS = {
    "report_on_time": "旬报按时(次)",
    "overdue_items": "逾期事项(个)",
    "findings": "督查问题(个)",
    "rectified_on_time": "按期整改(个)",
}


def bulletin_xlsx(data: BulletinData) -> bytes:
    """The bulletin's Excel annex: summary, by unit, by category, cases, ranking — one sheet each."""
    from core.excel import safe_cell, workbook

    s = data.summary
    wb = workbook(data.title, [_("指标"), _("数值")], [
        [_("统计期间"), data.period_label],
        [_("督查次数"), s.get("inspections", 0)],
        [_("发现问题"), s.get("findings", 0)],
        [_("完成整改"), s.get("rectified", 0)],
        [_("已销号"), s.get("struck_off", 0)],
        [_("逾期未整改"), s.get("overdue", 0)],
        [_("排名公式"), data.formula_text or "—"],
    ] if not data.empty else [[_("统计期间"), data.period_label], [_("本期无数据"), 0]], sheet_title=_("汇总"))

    def sheet(title, headers, rows):
        ws = wb.create_sheet(title)
        ws.append([safe_cell(str(h)) for h in headers])
        for row in rows:
            ws.append([safe_cell(v) for v in row])

    sheet(_("按单位"), [_("单位"), _("问题数"), _("完成整改"), _("已销号"), _("逾期")],
          [[r["unit"], r["total"], r["rectified"], r["struck_off"], r["overdue"]] for r in data.by_unit])
    sheet(_("按类别"), [_("类别"), _("问题数")], [[r["category"], r["total"]] for r in data.by_category])
    sheet(_("问题清单"), [_("编号"), _("问题"), _("单位"), _("类别"), _("状态")],
          [[c["number"], c["title"], c["unit"], c["category"], c["state"]] for c in data.cases])
    part_names = list(data.ranking[0].get("parts", {}).keys()) if data.ranking else []
    sheet(_("单位排名"), [_("名次"), _("单位"), _("得分"), *[PART_LABELS.get(k, k) for k in part_names]],
          [[r["rank"], r["unit"], r["score"], *[r["parts"].get(k, 0) for k in part_names]] for r in data.ranking])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
