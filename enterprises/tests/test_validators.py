import datetime

import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    credit_code_check_character,
    id_number_check_character,
    is_valid_credit_code,
    is_valid_id_number,
    is_valid_mobile,
    normalize_phone,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", " 91350100m000100y43 "])
def test_it_accepts_credit_codes_with_the_right_check_character(code):
    validate_credit_code(code)


def test_it_refuses_a_credit_code_with_a_wrong_check_character():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91350100M000100Y44")
    assert exc.value.code == "credit_code_check"
    assert "校验位" in exc.value.messages[0]


@pytest.mark.parametrize("code,error", [("9135010", "credit_code_length"), ("91350100M000100YI3", "credit_code_charset"),
                                        ("9135A100M000100Y43", "credit_code_charset")])
def test_it_refuses_malformed_credit_codes(code, error):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error


def test_every_single_character_change_of_a_credit_code_is_caught():
    code = "91350100M000100Y43"
    for i in range(17):
        for c in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if c == code[i]:
                continue
            changed = code[:i] + c + code[i + 1:]
            if credit_code_check_character(changed[:17]) == code[17]:
                pytest.fail(f"{changed} passes")


def test_it_accepts_an_id_number_with_the_right_check_digit():
    validate_id_number("11010519491231002X")
    assert id_number_check_character("11010519491231002") == "X"
    assert is_valid_id_number("110105194912310029") is False


def test_it_refuses_an_id_number_with_an_impossible_birth_date():
    body = "11010519990230001"  # 30 February
    with pytest.raises(ValidationError) as exc:
        validate_id_number(body + id_number_check_character(body))
    assert exc.value.code == "id_birth_date"


def test_it_refuses_an_id_number_born_in_the_future():
    body = "11010520990101001"
    with pytest.raises(ValidationError) as exc:
        validate_id_number(body + id_number_check_character(body), today=datetime.date(2026, 1, 1))
    assert exc.value.code == "id_birth_date"


@pytest.mark.parametrize("value,ok", [("13812345678", True), ("+86 138-1234-5678", True), ("1381234567", False),
                                      ("138123456789", False), ("12812345678", False), ("1381234567a", False)])
def test_mobile_numbers(value, ok):
    assert is_valid_mobile(value) is ok


def test_it_names_the_length_of_a_wrong_phone_number():
    with pytest.raises(ValidationError) as exc:
        validate_mobile("1381234567")
    assert "11位" in str(exc.value.messages[0]) and "10" in str(exc.value.messages[0])
    assert normalize_phone("+8613812345678") == "13812345678"


def test_it_answers_false_for_garbage():
    assert is_valid_credit_code(None) is False
    assert is_valid_id_number("") is False
