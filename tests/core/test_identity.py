from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mofan.core import crypto
from mofan.core.errors import DomainError
from mofan.core.identity import (
    check_char,
    mask_id,
    mask_mobile,
    normalise_id,
    parse_id,
    validate_mobile,
)


def test_published_examples() -> None:
    # GB 11643-1999's own examples.
    assert check_char("11010519491231002") == "X"
    assert check_char("44052418800101001") == "4"
    facts = parse_id("11010519491231002X")
    assert facts.birth_date == date(1949, 12, 31)
    assert facts.gender == "female"


def test_normalisation() -> None:
    assert normalise_id(" １１０１０５ １９４９１２３１００２ｘ ") == "11010519491231002X"
    assert parse_id("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("11010519491231002", "17 位数字"),
        ("1101051949123100XX", "17 位数字"),
        ("110105194912310021", "校验码不正确"),
        ("110105194902300026", "出生日期不可能"),
    ],
)
def test_refusals(raw: str, message: str) -> None:
    if raw == "110105194902300026":
        raw = raw[:17] + check_char(raw[:17])  # right check digit, impossible 30 February
    with pytest.raises(DomainError) as exc:
        parse_id(raw)
    assert message in " ".join(exc.value.messages)


def test_masks() -> None:
    assert mask_id("620102199001011234") == "6201**********1234"
    assert mask_mobile("13912345678") == "139****5678"
    assert validate_mobile("+86 139-1234-5678") == "13912345678"
    with pytest.raises(DomainError):
        validate_mobile("1231234567")


def test_encryption_and_keyed_hash() -> None:
    token = crypto.encrypt("620102199001011234")
    assert "620102" not in token
    assert crypto.decrypt(token) == "620102199001011234"
    assert crypto.keyed_hash("620102199001011234") == crypto.keyed_hash("620102199001011234")
    assert crypto.keyed_hash("620102199001011234") != crypto.keyed_hash("620102199001011235")
    assert crypto.decrypt("not-a-token") == ""


regions = st.integers(min_value=100000, max_value=699999).map(str)  # [1-6][0-9]{5}, cheaply
births = st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


def build(region: str, born: date, sequence: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


@given(regions, births, sequences)
def test_any_valid_number_round_trips(region: str, born: date, sequence: int) -> None:
    number = build(region, born, sequence)
    facts = parse_id(number.lower())
    assert facts.number == number
    assert facts.birth_date == born
    assert facts.gender == ("male" if sequence % 2 else "female")


@given(
    regions,
    births,
    sequences,
    st.integers(min_value=0, max_value=17),
    st.integers(min_value=1, max_value=10),
)
def test_any_single_character_change_is_refused(
    region: str, born: date, sequence: int, position: int, shift: int
) -> None:
    number = build(region, born, sequence)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    current = alphabet.index(number[position])
    changed = alphabet[(current + shift) % len(alphabet)]
    if changed == number[position]:
        return
    tampered = number[:position] + changed + number[position + 1 :]
    with pytest.raises(DomainError):
        parse_id(tampered)
