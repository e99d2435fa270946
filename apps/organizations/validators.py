"""
Validators for the numbers of the Norwegian registers.

Both kinds of number end in MOD11 check digits: an organisation number has
one, a national identity number (or D-number) has two.
"""

import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORGANIZATION_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
FIRST_CHECK_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
SECOND_CHECK_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def mod11_check_digit(digits, weights):
    """Return the MOD11 check digit of `digits`, or None where there is none."""
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def is_valid_organization_number(value):
    value = str(value)
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    return mod11_check_digit(value[:8], ORGANIZATION_NUMBER_WEIGHTS) == int(value[8])


def validate_organization_number(value):
    value = str(value)
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("An organisation number has exactly 9 digits."), code="format"
        )
    if not is_valid_organization_number(value):
        raise ValidationError(
            _("The organisation number fails its MOD11 check digit."), code="checksum"
        )


def _birth_date_is_possible(value):
    # D-numbers add 40 to the day; synthetic test numbers add 40 or 80 to
    # the month. The century is not checked: February 29 is allowed.
    day, month = int(value[0:2]), int(value[2:4])
    if day > 40:
        day -= 40
    if month > 80:
        month -= 80
    elif month > 40:
        month -= 40
    try:
        datetime.date(2000, month, day)
    except ValueError:
        return False
    return True


def _check_digits_match(value):
    first = mod11_check_digit(value[:9], FIRST_CHECK_WEIGHTS)
    second = mod11_check_digit(value[:10], SECOND_CHECK_WEIGHTS)
    return first == int(value[9]) and second == int(value[10])


def is_valid_national_identity_number(value):
    value = str(value)
    if len(value) != 11 or not value.isascii() or not value.isdigit():
        return False
    return _birth_date_is_possible(value) and _check_digits_match(value)


def validate_national_identity_number(value):
    value = str(value)
    if len(value) != 11 or not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("A national identity number has exactly 11 digits."), code="format"
        )
    if not _birth_date_is_possible(value):
        raise ValidationError(
            _("The first six digits of a national identity number are a date."),
            code="date",
        )
    if not _check_digits_match(value):
        raise ValidationError(
            _("The national identity number fails its two MOD11 check digits."),
            code="checksum",
        )


def normalize_mobile_number(value):
    """Return `value` in E.164 form, or raise ValidationError.

    Numbers without a country code are read as Norwegian.
    """
    try:
        number = phonenumbers.parse(str(value), "NO")
    except phonenumbers.NumberParseException:
        number = None
    mobile_types = {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in mobile_types
    ):
        raise ValidationError(
            _("Enter a valid mobile number, such as +47 912 34 567."), code="mobile"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_mobile_number(value):
    normalize_mobile_number(value)


def organization_number_complete(first_eight):
    """Return `first_eight` with its check digit, or None if it has none."""
    check = mod11_check_digit(first_eight, ORGANIZATION_NUMBER_WEIGHTS)
    return None if check is None else f"{first_eight}{check}"


def national_identity_number_complete(first_nine):
    """Return `first_nine` with both check digits, or None if it has none."""
    first = mod11_check_digit(first_nine, FIRST_CHECK_WEIGHTS)
    if first is None:
        return None
    second = mod11_check_digit(f"{first_nine}{first}", SECOND_CHECK_WEIGHTS)
    return None if second is None else f"{first_nine}{first}{second}"
