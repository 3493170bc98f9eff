import pytest

from chalicelib.domain.validators import id_check_digit, normalize_id_number, normalize_mobile
from chalicelib.privacy.masking import mask_id_number, mask_name, mask_phone

VALID_ID = "11010519491231002X"


@pytest.mark.parametrize("raw", ["13800138000", "+8613800138000", "8613800138000", "138 0013 8000", "199-1234-5678"])
def test_mobile_numbers_people_type_are_accepted(raw):
    assert normalize_mobile(raw) in ("13800138000", "19912345678")


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "138001380001", "+8513800138000", "abc", ""])
def test_non_mobile_numbers_are_refused(raw):
    assert normalize_mobile(raw) is None


def test_the_reference_id_number_is_valid_in_either_case():
    assert normalize_id_number(VALID_ID) == VALID_ID
    assert normalize_id_number(VALID_ID.lower()) == VALID_ID


@pytest.mark.parametrize("position", range(17))
def test_changing_any_digit_breaks_the_check_digit(position):
    digit = VALID_ID[position]
    changed = VALID_ID[:position] + str((int(digit) + 1) % 10) + VALID_ID[position + 1 :]
    assert normalize_id_number(changed) is None


def test_changing_the_check_character_is_refused():
    assert normalize_id_number(VALID_ID[:17] + "1") is None


def test_check_digit_matches_the_standard_for_a_known_number():
    assert id_check_digit(VALID_ID[:17]) == "X"


def test_impossible_birth_date_is_refused_even_with_a_right_check_digit():
    first17 = "11010519490231002"  # 31 February
    assert normalize_id_number(first17 + id_check_digit(first17)) is None


def test_masks_keep_just_enough_to_recognise():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_id_number(VALID_ID) == "1101**********002X"
