"""通报: figures compiled from the rows, ranking formula validation, freezing on publish, empty periods."""
import datetime
import zoneinfo
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone

from core.errors import PermissionDenied, ValidationError
from core.tests.office import docx_to_pdf, pdf_page1_png, pdf_text
from items.services import perform
from supervision import services
from supervision.bulletins import compile_bulletin, figure_rows, figures_only, month_of
from supervision.models import RankingFormula

from .factories import finding, inspection, rectified

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def formula(**weights):
    values = {"w_report_on_time": 1, "w_overdue_items": 2, "w_findings": 1, "w_rectified_on_time": 1}
    values.update(weights)
    return RankingFormula(name="测试公式", **values)


@pytest.mark.parametrize("weights, message", [
    ({"w_findings": Decimal("-1")}, "权重不能为负数"),
    ({"w_report_on_time": 0, "w_overdue_items": 0, "w_findings": 0, "w_rectified_on_time": 0}, "不能全部为零"),
])
def test_it_refuses_ranking_weights_that_do_not_validate(supervisor, weights, message):
    values = {"w_report_on_time": 1, "w_overdue_items": 1, "w_findings": 1, "w_rectified_on_time": 1, **weights}
    with pytest.raises(ValidationError) as exc:
        services.ranking_formula_save(actor=supervisor, name="坏公式", **values)
    assert message in str(exc.value)
    assert not RankingFormula.objects.filter(name="坏公式").exists()


def test_the_formula_reads_as_one_line_beside_the_ranking():
    text = formula(w_overdue_items=Decimal("2.5")).text()
    assert text == "得分 = 100 + 1×旬报按时报送(次) − 2.5×逾期事项(个) − 1×督查问题(个) + 1×按期整改(个)"
    assert "督查问题" not in formula(w_findings=0).text()


def test_only_supervisors_change_the_formula(town_a):
    with pytest.raises(PermissionDenied):
        services.ranking_formula_save(actor=town_a, name="x", w_findings=1)


def _setup_period(supervisor, town_a, demo):
    """Three findings this month: one struck off, one rectified, one open."""
    insp = inspection(supervisor, [demo.units["罗家镇"]])
    f1 = rectified(finding(supervisor, demo.units["罗家镇"], insp=insp, title="问题一"), town_a)
    perform(f1, "verify", supervisor, f1.version)
    f2 = rectified(finding(supervisor, demo.units["罗家镇"], insp=insp, title="问题二", severity="grave"), town_a)
    f3 = finding(supervisor, demo.units["塘山镇"], insp=insp, title="问题三", category="conduct")
    return insp, f1, f2, f3


def test_figures_are_counted_from_the_rows_with_ids_behind_each(supervisor, town_a, demo):
    insp, f1, f2, f3 = _setup_period(supervisor, town_a, demo)
    start, end = month_of(timezone.localdate())
    snap = compile_bulletin(start=start, end=end, formula=formula())
    assert snap["summary"] == {"inspections": 1, "findings": 3, "rectified": 2, "struck_off": 1, "overdue": 0}
    assert figure_rows(snap, "summary.struck_off") == ("finding", [f1.pk])
    luojia = next(r for r in snap["by_unit"] if r["unit"] == "罗家镇")
    assert (luojia["total"], luojia["rectified"], luojia["struck_off"]) == (2, 2, 1)
    assert figure_rows(snap, f"unit.{demo.units['塘山镇'].pk}.total") == ("finding", [f3.pk])
    assert {r["category"]: r["total"] for r in snap["by_category"]} == {"质量安全": 2, "作风问题": 1}
    assert [c["number"] for c in snap["cases"]] == [f2.number]  # the grave one is named
    ranked = {r["unit"]: r for r in snap["ranking"]}
    # 罗家镇: 100 − 1×2 findings + 1×2 rectified on time = 100; 塘山镇: 100 − 1 = 99
    assert ranked["罗家镇"]["score"] == 100.0 and ranked["塘山镇"]["score"] == 99.0
    assert ranked["罗家镇"]["rank"] == 1 and ranked["塘山镇"]["rank"] == 2
    assert figure_rows(snap, "nonsense.key") is None


def test_overdue_counts_only_deadlines_passed_when_the_bulletin_is_compiled(supervisor, demo, time_machine):
    """逾期未整改 is judged at the period's end or when the bulletin is compiled, whichever comes first: a
    通报 for December compiled on the 1st does not call a finding due on the 10th overdue (it did)."""
    def at(day, hour=10):
        return datetime.datetime(2026, 12, day, hour, tzinfo=SHANGHAI)

    start, end = datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)

    def overdue(as_of=None):
        snap = compile_bulletin(start=start, end=end, formula=formula(), as_of=as_of)
        return snap["rows"]["overdue"]

    time_machine.move_to(at(1))
    early = finding(supervisor, demo.units["塘山镇"], title="月初发现", rectify_workdays=7)
    assert early.due_date == datetime.date(2026, 12, 10)
    assert overdue() == []  # the live preview on the 1st
    time_machine.move_to(at(22))
    late = finding(supervisor, demo.units["塘山镇"], title="月末到期", rectify_workdays=7)
    assert late.due_date == datetime.date(2026, 12, 31)
    assert overdue(as_of=at(10, 18)) == []  # due that day: not overdue yet
    assert overdue(as_of=at(11, 9)) == [early.pk]
    time_machine.move_to(at(31, 18))
    assert overdue() == [early.pk]  # the live preview, on the last day
    time_machine.move_to(datetime.datetime(2027, 1, 4, 10, tzinfo=SHANGHAI))
    assert overdue() == [early.pk, late.pk]  # after the period: due on its last day and still open
    snap = compile_bulletin(start=start, end=end, formula=formula())
    assert snap["summary"]["overdue"] == 2
    assert [c["number"] for c in snap["cases"]] == [early.number, late.number]  # serious and overdue: named


def test_a_published_bulletin_is_frozen_and_reproducible_as_of_its_date(supervisor, town_a, demo):
    insp, f1, f2, f3 = _setup_period(supervisor, town_a, demo)
    start, end = month_of(timezone.localdate())
    draft = services.bulletin_create(actor=supervisor, start=start, end=end, period_kind="month")
    published = services.bulletin_publish(actor=supervisor, bulletin=draft, expected_version=draft.version)
    assert published.number.startswith("青督通〔") and published.docx and published.xlsx
    frozen = dict(published.snapshot)
    # later: another finding in the period, and f2 struck off
    finding(supervisor, demo.units["塘山镇"], insp=insp, title="发布后发现")
    perform(f2, "verify", supervisor, f2.specific.version)
    published.refresh_from_db()
    assert published.snapshot == frozen
    assert services.bulletin_preview(published)["summary"] == frozen["summary"]
    again = compile_bulletin(start=start, end=end, formula=published.formula, as_of=published.published_at)
    assert figures_only(again) == figures_only(frozen)
    live = compile_bulletin(start=start, end=end, formula=published.formula)
    assert live["summary"]["findings"] == 4 and live["summary"]["struck_off"] == 2
    with pytest.raises(ValidationError):
        services.bulletin_publish(actor=supervisor, bulletin=published)


def test_the_published_documents_open_in_libreoffice_with_the_frozen_figures(supervisor, town_a, demo, tmp_path):
    import docx as python_docx

    _setup_period(supervisor, town_a, demo)
    start, end = month_of(timezone.localdate())
    draft = services.bulletin_create(actor=supervisor, start=start, end=end, period_kind="month")
    b = services.bulletin_publish(actor=supervisor, bulletin=draft)
    with b.docx.open("rb") as fh:
        content = fh.read()
    assert python_docx.Document(BytesIO(content)).paragraphs[0].text == "青山湖区作风督查领导小组办公室"
    pdf = docx_to_pdf(content, tmp_path, "bulletin")
    text = pdf_text(pdf)
    for expected in (b.number, "开展督查1次", "发现问题3个", "完成整改2个", "核验销号1个", "罗家镇", "塘山镇",
                     "排名计分公式", "问题二"):
        assert expected in text, expected
    png = pdf_page1_png(pdf, ARTIFACTS / "bulletin-page1.png")
    assert png.stat().st_size > 10_000


def test_an_empty_period_publishes_a_no_data_bulletin(supervisor, tmp_path):
    draft = services.bulletin_create(actor=supervisor, start=datetime.date(2001, 1, 1),
                                     end=datetime.date(2001, 1, 31), period_kind="month")
    b = services.bulletin_publish(actor=supervisor, bulletin=draft)
    assert b.snapshot["empty"] is True
    with b.docx.open("rb") as fh:
        text = pdf_text(docx_to_pdf(fh.read(), tmp_path, "empty"))
    assert "本期无数据" in text and "2001年1月" in text


def test_it_refuses_a_period_that_ends_before_it_starts(supervisor):
    with pytest.raises(ValidationError):
        services.bulletin_create(actor=supervisor, start=datetime.date(2023, 5, 2), end=datetime.date(2023, 5, 1))
