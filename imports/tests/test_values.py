"""Values as offices write them, converted to the engine's types."""
import datetime
from decimal import Decimal

import pytest

from imports.targets import FieldType, TargetField
from imports.values import CellError, Converter, is_masked_of, personal_pattern, text_of


def convert(kind, raw, fmt=None, **kw):
    header_unit = kw.pop("header_unit", "")
    return Converter(TargetField("f", "字段", kind, **kw), header_unit=header_unit).convert(raw, fmt)


@pytest.mark.parametrize("raw", ["2023.5.1", "2023年5月1日", "2023/05/01", "2023-5-1", "20230501", "2023．5．1",
                                 45047, 45047.0, datetime.datetime(2023, 5, 1, 0, 0), "2023-05-01 00:00:00"])
def test_dates(raw):
    assert convert(FieldType.DATE, raw) == datetime.date(2023, 5, 1)


@pytest.mark.parametrize("raw", ["2023.13.1", "去年五月", "2023-02-30"])
def test_bad_dates(raw):
    with pytest.raises(CellError):
        convert(FieldType.DATE, raw)


def test_datetimes_are_aware():
    value = convert(FieldType.DATETIME, "2023年5月1日 14:30")
    assert (value.hour, value.minute) == (14, 30) and value.tzinfo is not None


@pytest.mark.parametrize("raw, header_unit, expected", [
    (12.5, "万元", Decimal("12.5")), ("1,234.5", "", Decimal("1234.5")), (1.25, "亿元", Decimal("12500")),
    ("3000元", "", Decimal("0.3")), ("1.5亿元", "万元", Decimal("15000")), (120000, "元", Decimal("12")),
    ("—", "万元", None)])
def test_amounts_in_the_fields_unit(raw, header_unit, expected):
    assert convert(FieldType.DECIMAL, raw, header_unit=header_unit, unit="万元") == expected


@pytest.mark.parametrize("raw, fmt, expected", [("85%", None, 85), ("85", None, 85), (0.85, None, 85),
                                                (0.85, "0%", 85), (85, None, 85), (1, None, 100), ("12.5％", None, 12.5)])
def test_percentages(raw, fmt, expected):
    assert convert(FieldType.PERCENT, raw, fmt) == Decimal(str(expected))


@pytest.mark.parametrize("raw, expected", [("是", True), ("否", False), ("√", True), ("×", False), ("Y", True),
                                           ("有", True), ("无", False), (True, True), (1, True), (0, False)])
def test_yes_no(raw, expected):
    assert convert(FieldType.BOOLEAN, raw) is expected


def test_choices_by_label_or_value_and_the_allowed_ones_named():
    choices = (("above", "规上"), ("below", "规下"))
    assert convert(FieldType.CHOICE, "规上", choices=choices) == "above"
    assert convert(FieldType.CHOICE, " below ", choices=choices) == "below"
    assert convert(FieldType.MULTI_CHOICE, "规上、规下", choices=choices) == ["above", "below"]
    with pytest.raises(CellError, match="规上、规下"):
        convert(FieldType.CHOICE, "特大", choices=choices)


@pytest.mark.django_db
def test_units_by_name_or_short_name_and_the_nearest_names(demo):
    luojia = demo.units["罗家镇"]
    assert convert(FieldType.UNIT, luojia.name) == luojia
    assert convert(FieldType.UNIT, f" {luojia.short_name} ") == luojia
    with pytest.raises(CellError, match="罗家镇"):
        convert(FieldType.UNIT, "罗家真")


@pytest.mark.django_db
def test_people_with_the_same_name_need_their_unit(demo):
    from org.models import Person

    first = demo.people["王晓燕"]
    Person.objects.create(name="王晓燕", unit=demo.units["塘山镇"])
    with pytest.raises(CellError, match="同名"):
        convert(FieldType.PERSON, "王晓燕")
    assert convert(FieldType.PERSON, f"王晓燕（{first.unit.short_name or first.unit.name}）") == first


def test_phones_and_id_numbers_normalised_and_checked():
    assert convert(FieldType.PHONE, "138 1234 5678") == "13812345678"
    assert convert(FieldType.PHONE, "0791-88888888") == "0791-88888888"
    with pytest.raises(CellError):
        convert(FieldType.PHONE, "12345")
    assert convert(FieldType.ID_NUMBER, "11010519491231002x") == "11010519491231002X"
    with pytest.raises(CellError):
        convert(FieldType.ID_NUMBER, "110105194912310021")


def test_personal_patterns_in_plain_text():
    assert personal_pattern("联系人张三13812345678") == "phone"
    assert personal_pattern("身份证11010519491231002X") == "id_number"
    assert personal_pattern("合同编号 2023051200123") == ""


def test_an_exported_formula_text_comes_back_as_it_was():
    from core.excel import safe_cell

    for text in ("=HYPERLINK(\"http://x\")", "+86 转 3", "-5", "@SUM(A1)"):
        assert text_of(safe_cell(text)) == text


def test_a_masked_value_is_recognised_as_unchanged():
    assert is_masked_of("138****5678", "13812345678", "phone")
    assert not is_masked_of("138****0000", "13812345678", "phone")
