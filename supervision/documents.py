"""Word documents of supervision in 公文 layout (core.documents): 督办单 and 通报, plus the 通报's Excel annex.

The generators take plain data (dicts/dataclasses built by supervision.services / selectors), never
models, so a published bulletin's frozen snapshot renders the same document years later.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from core.documents import (
    BLACK,
    FANGSONG,
    HEI,
    RED,
    SIZE_3,
    SIZE_4,
    add_body,
    add_heading_block,
    add_level1,
    add_salutation,
    add_signature,
    add_table,
    add_title,
    chinese_date,
    format_paragraph,
    new_document,
    set_run_font,
    to_bytes,
)

LEVEL_LABELS = {"blue": "蓝色", "yellow": "黄色", "red": "红色"}
LEVEL_COLORS = {"blue": RGBColor(0x1F, 0x4E, 0xD8), "yellow": RGBColor(0xC9, 0x8A, 0x00), "red": RED}


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
    p = format_paragraph(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER)
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
        p = format_paragraph(doc.add_paragraph())
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
    p = format_paragraph(doc.add_paragraph())
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
