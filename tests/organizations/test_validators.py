import datetime
from collections.abc import Callable
from typing import NamedTuple

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from apps.organizations.validators import (
    is_valid_national_identity_number,
    is_valid_organization_number,
    national_identity_number_complete,
    organization_number_complete,
    validate_national_identity_number,
    validate_organization_number,
)

digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
dates = st.dates(
    min_value=datetime.date(1854, 1, 1), max_value=datetime.date(2039, 12, 31)
)
individual_numbers = st.integers(min_value=0, max_value=999)
changes = st.integers(min_value=1, max_value=9)
# The ordinary number, the D-number (day + 40), and the synthetic test
# numbers (month + 40 at NAV, month + 80 at the Tax Administration), also
# combined with a D-number.
offsets = st.sampled_from([(0, 0), (40, 0), (0, 40), (0, 80), (40, 40), (40, 80)])


@st.composite
def organization_numbers(draw):
    number = organization_number_complete(draw(digits))
    assume(number is not None)
    return number


@st.composite
def national_identity_numbers(draw, offsets=offsets):
    date, individual = draw(dates), draw(individual_numbers)
    day_offset, month_offset = draw(offsets)
    first_nine = (
        f"{date.day + day_offset:02d}{date.month + month_offset:02d}"
        f"{date.year % 100:02d}{individual:03d}"
    )
    number = national_identity_number_complete(first_nine)
    assume(number is not None)
    return number


def _with_digit_changed(number, position, change):
    digit = (int(number[position]) + change) % 10
    return f"{number[:position]}{digit}{number[position + 1 :]}"


def _error_message(validator, value):
    with pytest.raises(ValidationError) as error:
        validator(value)
    return " ".join(error.value.messages)


class Kind(NamedTuple):
    numbers: st.SearchStrategy
    is_valid: Callable
    validate: Callable
    length: int
    # Where the digits after the birth date begin: a change there can only
    # break the check digits.
    check_from: int


KINDS = {
    "organization-number": Kind(
        organization_numbers(),
        is_valid_organization_number,
        validate_organization_number,
        9,
        0,
    ),
    "national-identity-number": Kind(
        national_identity_numbers(),
        is_valid_national_identity_number,
        validate_national_identity_number,
        11,
        4,
    ),
}
by_kind = pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())


@by_kind
@given(data=st.data())
def test_completed_number_is_valid(kind, data):
    number = data.draw(kind.numbers)

    kind.validate(number)
    assert kind.is_valid(number)


@by_kind
@given(data=st.data())
def test_number_with_one_digit_changed_is_invalid(kind, data):
    number = data.draw(kind.numbers)
    position = data.draw(st.integers(min_value=0, max_value=kind.length - 1))
    changed = _with_digit_changed(number, position, data.draw(changes))

    assert not kind.is_valid(changed)
    with pytest.raises(ValidationError):
        kind.validate(changed)


@by_kind
@given(data=st.data())
def test_number_with_one_digit_changed_after_the_date_fails_mod11(kind, data):
    number = data.draw(kind.numbers)
    position = data.draw(st.integers(kind.check_from, kind.length - 1))
    changed = _with_digit_changed(number, position, data.draw(changes))

    assert "MOD11" in _error_message(kind.validate, changed)


@given(national_identity_numbers(offsets=st.just((40, 0))))
def test_d_number_is_accepted(number):
    assert 41 <= int(number[:2]) <= 71
    assert is_valid_national_identity_number(number)


@given(national_identity_numbers(offsets=st.sampled_from([(0, 40), (0, 80)])))
def test_synthetic_number_is_accepted(number):
    assert int(number[2:4]) > 40
    assert is_valid_national_identity_number(number)


@by_kind
@given(data=st.data())
def test_number_of_wrong_length_is_refused_naming_its_length(kind, data):
    value = data.draw(
        st.text(alphabet="0123456789", max_size=20).filter(
            lambda s: len(s) != kind.length
        )
    )

    assert not kind.is_valid(value)
    assert f"{kind.length} digits" in _error_message(kind.validate, value)


@by_kind
@given(data=st.data())
def test_number_with_a_non_digit_is_refused_naming_its_length(kind, data):
    number = data.draw(kind.numbers)
    position = data.draw(st.integers(min_value=0, max_value=kind.length - 1))
    character = data.draw(
        st.characters(exclude_categories=["Nd"]) | st.sampled_from("١٢³")
    )
    value = f"{number[:position]}{character}{number[position + 1 :]}"

    assert not kind.is_valid(value)
    assert f"{kind.length} digits" in _error_message(kind.validate, value)


@pytest.mark.parametrize(
    "first_six", ["320190", "001390", "311390", "720190", "010090"]
)
def test_national_identity_number_without_a_possible_date_is_refused_as_a_date(
    first_six,
):
    number = next(
        n
        for i in range(100, 200)
        if (n := national_identity_number_complete(f"{first_six}{i}"))
    )

    assert not is_valid_national_identity_number(number)
    assert "date" in _error_message(validate_national_identity_number, number)


def test_number_without_a_possible_check_digit_has_no_completion():
    # 8 digits whose weighted sum leaves remainder 1 have no check digit.
    eight = next(
        f"{n:08d}"
        for n in range(10_000_000, 10_001_000)
        if organization_number_complete(f"{n:08d}") is None
    )

    assert not any(is_valid_organization_number(f"{eight}{d}") for d in range(10))
