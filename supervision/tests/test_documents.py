"""The Word documents look like 公文 and open in LibreOffice (converted to PDF, text checked)."""
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from core.documents import document_number
from core.tests.office import docx_to_pdf, pdf_page1_png, pdf_text
from supervision.documents import (
    BulletinData,
    NoticeData,
    bulletin_docx,
    bulletin_xlsx,
    notice_docx,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sample_notice(**overrides):
    values = dict(number=document_number("青督办", 2023, 7), level="red", item_number="RW-2023-0012",
                  item_title="老旧小区改造65个小区", lead_unit="罗家镇", problem="3个小区未按期开工。",
                  measures="倒排工期，每周报送进度。\n落实专人负责。", deadline=date(2023, 12, 15),
                  issued_on=date(2023, 12, 1), reason="已逾期", responsible="张三")
    values.update(overrides)
    return NoticeData(**values)


def sample_bulletin(**overrides):
    values = dict(
        number=document_number("青督通", 2023, 11), title="关于2023年11月作风督查情况的通报",
        period_label="2023年11月1日至2023年11月30日", issued_on=date(2023, 12, 1),
        summary={"inspections": 4, "findings": 17, "rectified": 5, "struck_off": 9, "overdue": 3},
        by_unit=[{"unit": "罗家镇", "total": 10, "rectified": 3, "struck_off": 5, "overdue": 2},
                 {"unit": "塘山镇", "total": 7, "rectified": 2, "struck_off": 4, "overdue": 1}],
        by_category=[{"category": "进度滞后", "total": 11}, {"category": "作风问题", "total": 6}],
        cases=[{"number": "DC-2023-0031", "title": "工地夜间施工扰民未整改", "unit": "塘山镇",
                "category": "作风问题", "state": "办理中", "note": "已逾期5个工作日。"}],
        ranking=[{"rank": 1, "unit": "罗家镇", "score": 104.0,
                  "parts": {"report_on_time": 9, "overdue_items": 1, "findings": 10, "rectified_on_time": 3}},
                 {"rank": 2, "unit": "塘山镇", "score": 96.0,
                  "parts": {"report_on_time": 3, "overdue_items": 2, "findings": 7, "rectified_on_time": 2}}],
        formula_text="得分 = 100 + 1×旬报按时报送(次) − 2×逾期事项(个) − 1×督查问题(个) + 1×按期整改(个)",
    )
    values.update(overrides)
    return BulletinData(**values)


def test_notice_has_the_gongwen_page_setup_fonts_and_red_heading():
    document = docx.Document(BytesIO(notice_docx(sample_notice())))
    section = document.sections[0]
    mm = [round(v.mm) for v in (section.page_width, section.page_height, section.top_margin,
                                section.bottom_margin, section.left_margin, section.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]  # A4; 公文 margins (stored in twips, hence the rounding)
    heading = document.paragraphs[0].runs[0]
    assert heading.text == "青山湖区作风督查领导小组办公室"
    assert str(heading.font.color.rgb) == "E60012"
    assert heading.font.size == Pt(22)
    assert heading._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    number = document.paragraphs[1]
    assert number.text == "青督办〔2023〕7号"
    assert number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "E60012"
    body = next(p for p in document.paragraphs if "存在以下问题" in p.text)
    assert body.paragraph_format.line_spacing == Pt(28)
    assert body._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    run = body.runs[0]
    assert run.font.size == Pt(16) and run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"


def test_notice_opens_in_libreoffice_with_number_level_and_deadline(tmp_path):
    pdf = docx_to_pdf(notice_docx(sample_notice()), tmp_path, "notice")
    text = pdf_text(pdf)
    for expected in ("青山湖区作风督查领导小组办公室", "青督办〔2023〕7号", "督办单", "红色督办", "罗家镇：",
                     "老旧小区改造65个小区", "3个小区未按期开工", "倒排工期", "2023年12月15日前整改到位",
                     "2023年12月1日"):
        assert expected in text, expected


def test_bulletin_opens_in_libreoffice_with_figures_ranking_and_formula(tmp_path):
    pdf = docx_to_pdf(bulletin_docx(sample_bulletin()), tmp_path, "bulletin")
    text = pdf_text(pdf)
    for expected in ("青督通〔2023〕11号", "关于2023年11月作风督查情况的通报", "开展督查4次", "发现问题17个",
                     "核验销号9个", "逾期未整改3个", "罗家镇", "塘山镇", "进度滞后11个", "工地夜间施工扰民未整改",
                     "得分=100+1×旬报按时报送(次)−2×逾期事项(个)", "104.0", "96.0"):
        assert expected in text, expected
    png = pdf_page1_png(pdf, ARTIFACTS / "bulletin-sample-page1.png")
    assert png.stat().st_size > 10_000


def test_an_empty_period_gives_a_no_data_document_not_an_error(tmp_path):
    data = sample_bulletin(empty=True, summary={}, by_unit=[], by_category=[], cases=[], ranking=[])
    text = pdf_text(docx_to_pdf(bulletin_docx(data), tmp_path, "empty"))
    assert "本期无数据" in text and "青督通〔2023〕11号" in text
    wb = load_workbook(BytesIO(bulletin_xlsx(data)))
    assert wb["汇总"]["A4"].value == "本期无数据"


def test_bulletin_annex_has_one_sheet_per_table_and_neutralises_formulas():
    data = sample_bulletin(cases=[{"number": "DC-1", "title": "=HYPERLINK(\"x\")", "unit": "罗家镇",
                                   "category": "其他", "state": "办理中"}])
    wb = load_workbook(BytesIO(bulletin_xlsx(data)))
    assert wb.sheetnames == ["汇总", "按单位", "按类别", "问题清单", "单位排名"]
    assert wb["按单位"]["A2"].value == "罗家镇" and wb["按单位"]["B2"].value == 10
    assert wb["问题清单"]["B2"].value.startswith("'=")
    assert wb["单位排名"]["C2"].value == 104.0
