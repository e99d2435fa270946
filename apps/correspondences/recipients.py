"""
The recipients of a message: organisation numbers as a caseworker pastes
them, checked one by one against the register.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization, RegisterRole
from apps.organizations.validators import is_valid_organization_number

MAX_RECIPIENTS = 500

# What people put between numbers pasted from a spreadsheet or a letter.
SEPARATORS = re.compile(r"[\s,;]+")

# A pasted value is shown back in an error, so a long one is cut short.
SHOWN_LENGTH = 20

MESSAGES = {
    "empty": _("Give at least one organisation number."),
    "too_many": _(
        "There are %(count)s recipients; one message can go to at most "
        "%(limit)s organisations."
    ),
    "invalid": _(
        "Recipient %(position)s, “%(number)s”, is not a valid organisation "
        "number: it must be 9 digits with a correct check digit."
    ),
    "duplicate": _(
        "Recipient %(position)s, %(number)s, is already in the list as "
        "recipient %(first)s."
    ),
    "unknown": _(
        "Recipient %(position)s, %(number)s, is not in the Register of "
        "Business Enterprises."
    ),
    "deleted": _(
        "Recipient %(position)s, %(number)s (%(name)s), has been deleted from "
        "the Register of Business Enterprises."
    ),
}


def recipients_parse(text):
    """Return the numbers in `text`, split at commas, spaces and new lines."""
    return [part for part in SEPARATORS.split(text or "") if part]


def _error(code, **params):
    return ValidationError(MESSAGES[code], code=code, params=params)


def recipients_resolve(numbers):
    """Return the organisations of `numbers`, in the order given, or raise
    one ValidationError naming every number that cannot be used and why.

    One query, whatever the number of recipients.
    """
    numbers = [str(number).strip() for number in numbers]
    if not numbers:
        raise _error("empty")
    if len(numbers) > MAX_RECIPIENTS:
        raise _error("too_many", count=len(numbers), limit=MAX_RECIPIENTS)

    errors, first_seen = [], {}
    for position, number in enumerate(numbers, start=1):
        if not is_valid_organization_number(number):
            errors.append(
                _error("invalid", position=position, number=number[:SHOWN_LENGTH])
            )
        elif number in first_seen:
            errors.append(
                _error(
                    "duplicate",
                    position=position,
                    number=number,
                    first=first_seen[number],
                )
            )
        else:
            first_seen[number] = position

    found = Organization.objects.filter(number__in=first_seen).in_bulk(
        field_name="number"
    )
    for number, position in first_seen.items():
        organization = found.get(number)
        if organization is None:
            errors.append(_error("unknown", position=position, number=number))
        elif not organization.can_receive:
            errors.append(
                _error(
                    "deleted",
                    position=position,
                    number=number,
                    name=organization.name,
                )
            )
    if errors:
        raise ValidationError(errors)
    return [found[number] for number in first_seen]


def organizations_without_key_role(organizations):
    """Return those of `organizations` where no identified person holds a
    key role in force: nobody there can become Main Administrator (R13).

    One query for any number of organisations.
    """
    with_holder = set(
        RegisterRole.objects.filter(
            organization__in=organizations,
            holder_kind=RegisterRole.HolderKind.PERSON,
            person__isnull=False,
            role_type__is_key_role=True,
            is_deregistered=False,
            ended_at__isnull=True,
        )
        .values_list("organization_id", flat=True)
        .distinct()
    )
    return [o for o in organizations if o.pk not in with_holder]
