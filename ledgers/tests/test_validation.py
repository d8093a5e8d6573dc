"""clean_entry — the one validation of the form, the API and the import: each type, its rules, its messages."""
import datetime
from decimal import Decimal

import pytest

from ledgers import services
from ledgers.formula import compile_formula, evaluate
from ledgers.validation import clean_entry
from org.models import Unit

from .conftest import dispute_raw

pytestmark = pytest.mark.django_db


def test_a_valid_row_is_stored_in_its_typed_form(disputes, demo, town_a):
    cleaned, errors = clean_entry(disputes, dispute_raw(demo, amount="1,200.5", people=" 3 "), actor=town_a)
    assert errors == {}
    data = cleaned["data"]
    assert cleaned["lead_unit"] == demo.units["罗家镇"]
    assert (data["type"], data["mediator"], data["people"], data["amount"]) == ("neighbour", "town", 3, 1200.5)


@pytest.mark.parametrize("key, value, message", [
    ("people", "两人", "“涉及人数”须为数字。"),
    ("people", "2.5", "“涉及人数”须为整数。"),
    ("people", "0", "“涉及人数”不能小于1。"),
    ("amount", "-1", "“涉及金额”不能小于0。"),
    ("amount", "1.23456", "“涉及金额”最多保留4位小数。"),
    ("found_on", "2024/13/01", "“排查日期”须为日期（YYYY-MM-DD）。"),
    ("type", "打架", "“纠纷类型”没有“打架”这一项"),
    ("party_phone", "1381234567", "“联系电话”：手机号码应为11位，当前为10位。"),
    ("summary", "", "请填写“纠纷简况”。"),
    ("nonsense", "x", "没有这个字段。"),
])
def test_a_bad_value_gets_its_message_on_its_field(disputes, demo, town_a, key, value, message):
    _cleaned, errors = clean_entry(disputes, dispute_raw(demo, **{key: value}), actor=town_a)
    assert list(errors) == [key]
    assert errors[key][0].startswith(message)


def test_the_unit_must_be_one_the_user_may_write_for(disputes, demo, town_a):
    _c, errors = clean_entry(disputes, dispute_raw(demo, lead_unit="塘山镇"), actor=town_a)
    assert errors["lead_unit"] == ["您无权为“塘山镇人民政府”登记矛盾纠纷排查化解台账。"] or "塘山镇" in errors["lead_unit"][0]
    _c, errors = clean_entry(disputes, dispute_raw(demo, lead_unit="不存在的单位"), actor=town_a)
    assert errors["lead_unit"] == ["“调解组织”：没有“不存在的单位”。"]


def test_a_unit_is_found_by_id_name_or_short_name(disputes, demo, town_a):
    unit = demo.units["罗家镇"]
    for value in (unit.pk, str(unit.pk), unit.name, unit.short_name, unit):
        cleaned, errors = clean_entry(disputes, dispute_raw(demo, lead_unit=value), actor=town_a)
        assert errors == {} and cleaned["lead_unit"] == unit, value


def test_an_id_number_is_checked_by_its_check_digit(households, demo, town_a):
    raw = {"lead_unit": demo.units["罗家镇"].pk, "household_no": "LJ-001-0001", "head": "李四",
           "id_number": "110101199003071234", "status": "checked", "surveyed_on": "2024-05-01"}
    _c, errors = clean_entry(households, raw, actor=town_a)
    assert errors["id_number"] == ["“身份证号码”：身份证号码校验位错误，请核对后重新输入。"]
    cleaned, errors = clean_entry(households, {**raw, "id_number": "110101199003071233"}, actor=town_a)
    assert errors == {} and cleaned["data"]["id_number"] == "110101199003071233"


def test_a_unique_value_taken_by_another_entry_is_refused(households, demo, town_a):
    raw = {"lead_unit": demo.units["罗家镇"].pk, "household_no": "LJ-001-0001", "head": "李四",
           "id_number": "110101199003071233", "status": "checked", "surveyed_on": "2024-05-01"}
    first = services.entry_create(actor=town_a, definition=households, raw=raw)
    _c, errors = clean_entry(households, {**raw, "id_number": "11010119900307125X"}, actor=town_a)
    assert errors == {"household_no": [f"“户编号”为“LJ-001-0001”的记录已有（{first.number}）。"]}
    # the entry itself may keep its own value
    _c, errors = clean_entry(households, {"household_no": "LJ-001-0001"}, actor=town_a, entry=first)
    assert errors == {}


def test_the_pattern_of_a_text_field(households, demo, town_a):
    _c, errors = clean_entry(households, {"household_no": "lj 1"}, actor=town_a, entry=None)
    assert errors["household_no"][0].startswith("“户编号”的格式不正确。")


def test_multi_choice_takes_labels_separated_as_offices_write_them(households, demo, town_a):
    raw = {"lead_unit": demo.units["罗家镇"].pk, "household_no": "LJ-001-0002", "head": "王五",
           "id_number": "110101199003071233", "status": "边缘易致贫户", "risks": "因病、因学,因病",
           "surveyed_on": datetime.date(2024, 5, 1)}
    cleaned, errors = clean_entry(households, raw, actor=town_a)
    assert errors == {} and cleaned["data"]["risks"] == ["illness", "education"]
    assert cleaned["data"]["status"] == "edge" and cleaned["data"]["surveyed_on"] == "2024-05-01"


def test_a_computed_field_is_its_formula_over_the_row(demo, admin_user, town_a):
    definition = services.definition_save(
        actor=admin_user, code="invest", attrs={"name": "投资台账", "prefix": "TZ", "owning_body": demo.bodies["抓大引大专班"],
                                                "workflow": "register"},
        fields=[{"key": "plan", "label": "计划投资", "type": "decimal", "unit": "万元"},
                {"key": "done", "label": "完成投资", "type": "decimal", "unit": "万元"},
                {"key": "rate", "label": "完成率", "type": "computed", "unit": "%",
                 "formula": "{完成投资} / {计划投资} * 100"}])
    assert definition.fields.get(key="rate").formula == "done / plan * 100"
    cleaned, errors = clean_entry(definition, {"lead_unit": demo.units["罗家镇"].pk, "plan": "300", "done": "100"},
                                  actor=town_a)
    assert errors == {} and cleaned["data"]["rate"] == 33.3333
    cleaned, _e = clean_entry(definition, {"lead_unit": demo.units["罗家镇"].pk, "plan": "0", "done": "1"}, actor=town_a)
    assert cleaned["data"]["rate"] is None  # no rate of nothing planned


@pytest.mark.parametrize("formula", ["__import__('os')", "a.b", "open('x')", "[1]", "1 if 1 else 2", "'a' * 3",
                                     "{完成投资} ** 2", "lambda: 1", "{完成投资} < 3", "True + {完成投资}"])
def test_a_formula_is_arithmetic_only(formula):
    names = {"完成投资": "done", "done": "done", "a": "a"}
    with pytest.raises(Exception) as exc:
        compile_formula(formula, names)
    assert "公式" in str(exc.value)


def test_the_formula_evaluator_never_sees_anything_but_numbers():
    assert evaluate("done / plan * 100", {"done": 1, "plan": 4}) == Decimal("25")
    assert evaluate("-(done - plan)", {"done": 1, "plan": 4}) == Decimal("3")
    assert evaluate("done / plan", {"done": 1}) is None


def test_an_inactive_unit_is_refused(disputes, demo, town_a):
    unit = Unit.objects.get(pk=demo.units["罗家镇"].pk)
    Unit.objects.filter(pk=unit.pk).update(is_active=False)
    _c, errors = clean_entry(disputes, dispute_raw(demo), actor=town_a)
    assert "lead_unit" in errors
