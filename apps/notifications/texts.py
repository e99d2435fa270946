"""
Notification texts: the tokens, the standard texts, and the check that keeps
personal data out of them (R9, R10).

The standard texts are data in both languages, not gettext messages: a
notification is written in the recipient's language, which need not be the
language of the caseworker's request.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.organizations.validators import is_valid_national_identity_number

RECIPIENT_NAME = "recipientName"
RECIPIENT_NUMBER = "recipientNumber"
SENDERS_NAME = "sendersName"
MESSAGE_TITLE = "messageTitle"
SERVICE_NAME = "serviceName"
TOKEN_NAMES = (
    RECIPIENT_NAME,
    RECIPIENT_NUMBER,
    SENDERS_NAME,
    MESSAGE_TITLE,
    SERVICE_NAME,
)
TOKENS = tuple(f"${name}$" for name in TOKEN_NAMES)

LANGUAGES = ("nb", "en")

# Anything that looks like a token, known or not, so that a misspelt one is
# refused instead of reaching the recipient as "$recipentName$".
TOKEN_PATTERN = re.compile(r"\$([A-Za-z][A-Za-z0-9_]*)\$")


@dataclass(frozen=True)
class NotificationTexts:
    subject: str
    body: str
    sms: str


@dataclass(frozen=True)
class ReminderCorrespondenceTexts:
    title: str
    body: str


def render_tokens(text, *, values):
    """Return `text` with every token replaced by its entry in `values`,
    keyed by the token's name ("recipientName"). Raise ValueError for a
    token without a value or an unknown token: none is ever left in place.
    """
    wanted = {m.group(1) for m in TOKEN_PATTERN.finditer(text)}
    missing = sorted(wanted - (set(TOKEN_NAMES) & set(values)))
    if missing:
        raise ValueError(f"No value for the tokens {', '.join(missing)}")

    # One pass over the template: a value that itself contains "$...$" (an
    # organisation called "$serviceName$ AS") is inserted as it is, never
    # expanded in turn.
    return TOKEN_PATTERN.sub(lambda m: str(values[m.group(1)]), text)


def default_texts(*, confidential, language, reminder=False):
    """Return the standard subject, email body and SMS text, with tokens."""
    kind = ("confidential" if confidential else "ordinary") + (
        "_reminder" if reminder else ""
    )
    return STANDARD_TEXTS[_language(language)][kind]


def reminder_correspondence_texts(*, language, recipient_name, items):
    """Return the title and Markdown body of the R12 reminder to the
    organisation's inbox. `items` are (sender name, published at, service
    name) of each unopened confidential message; no content is listed.
    """
    language = _language(language)
    parts = REMINDER_CORRESPONDENCE[language]
    with translation.override(language):
        lines = [
            parts["item"]
            % {
                "sender": _markdown_escape(sender),
                "date": formats.date_format(_local_date(published_at)),
                "service": _markdown_escape(service),
            }
            for sender, published_at, service in items
        ]
    intro = parts["intro"] % {"recipient": _markdown_escape(recipient_name)}
    body = "\n\n".join([intro, "\n".join(lines), parts["closing"]])
    return ReminderCorrespondenceTexts(title=parts["title"], body=body)


def _local_date(moment):
    if isinstance(moment, datetime.datetime):
        return timezone.localdate(moment)
    return moment


def _language(language):
    code = str(language).lower().split("-")[0]
    if code not in LANGUAGES:
        raise ValueError(f"No notification texts in {language!r}")
    return code


def _markdown_escape(value):
    # CommonMark lets a backslash escape any ASCII punctuation, so a name
    # such as "*Viktig* AS" is shown as written.
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", str(value))


# R10: a national identity number or D-number is 11 digits, often written
# in groups ("010170 12345", "01.01.70-123.45"). A candidate is searched for
# in two steps. First the regular expression takes a whole chain of digit
# groups joined by short runs of separators, from a digit that follows no
# digit to a digit that is followed by none. Then, inside the chain, only
# consecutive whole groups that add up to exactly 11 digits are tried.
# A group is never cut, so an unbroken run of 12 or more digits (an account
# number, a KID, a long order number) yields no candidate at all. Sliding an
# 11-digit window over it instead would refuse innocent texts: one window of
# random digits in about 525 passes both checks, so a 25-digit KID would be
# refused about once in 35. Two numbers in one chain ("01017012345
# 02017012345") are still both found, since each is a group of its own.
# A newline is no separator: numbers on different lines are separate.
# `\d` also matches other scripts' digits (fullwidth "０１"), which are
# read as the digits they are.
SEPARATORS = " .\u00a0\u2009\u202f\u2010\u2011\u2012\u2013-"
DIGIT_CHAIN_PATTERN = re.compile(rf"\d+(?:[{re.escape(SEPARATORS)}]{{1,3}}\d+)*")
DIGIT_GROUP_PATTERN = re.compile(r"\d+")
NATIONAL_ID_LENGTH = 11


PROBLEM_MESSAGES = {
    "national_id": _(
        "%(field)s: there is a national identity number or D-number at "
        "position %(position)s (line %(line)s, column %(column)s). "
        "Notifications must not contain personal data."
    ),
    "unknown_token": _(
        "%(field)s: unknown token %(token)s at position %(position)s "
        "(line %(line)s, column %(column)s). The tokens are %(tokens)s."
    ),
}


def check_notification_text(text, *, field):
    """Return the R10 problems of `text` as ValidationErrors, in the order
    they occur; an empty list means the text may be sent. Each names the
    field and the 1-based position, line and column where the problem
    starts, and never repeats the number it found.
    """
    found = [(offset, "national_id", "") for offset in _national_id_offsets(text)]
    found += [
        (m.start(), "unknown_token", m.group())
        for m in TOKEN_PATTERN.finditer(text)
        if m.group(1) not in TOKEN_NAMES
    ]
    return [
        ValidationError(
            PROBLEM_MESSAGES[code],
            code=code,
            params={
                "field": field,
                "token": token,
                "tokens": ", ".join(TOKENS),
                **_position(text, offset),
            },
        )
        for offset, code, token in sorted(found)
    ]


def validate_notification_text(text, *, field):
    """Raise one ValidationError holding every problem of `text`."""
    problems = check_notification_text(text, field=field)
    if problems:
        raise ValidationError(problems)


def _national_id_offsets(text):
    for chain in DIGIT_CHAIN_PATTERN.finditer(text):
        groups = list(DIGIT_GROUP_PATTERN.finditer(chain.group()))
        for first in range(len(groups)):
            digits = ""
            for group in groups[first:]:
                digits += group.group()
                if len(digits) >= NATIONAL_ID_LENGTH:
                    break
            if len(digits) == NATIONAL_ID_LENGTH and is_valid_national_identity_number(
                _ascii_digits(digits)
            ):
                yield chain.start() + groups[first].start()


def _ascii_digits(digits):
    return "".join(str(unicodedata.decimal(d)) for d in digits)


def _position(text, offset):
    line_start = text.rfind("\n", 0, offset) + 1
    return {
        "position": offset + 1,
        "line": text.count("\n", 0, offset) + 1,
        "column": offset - line_start + 1,
    }


STANDARD_TEXTS = {
    "nb": {
        "confidential": NotificationTexts(
            subject="Taushetsbelagt melding til $recipientName$",
            body=(
                "$recipientName$ ($recipientNumber$) har mottatt en "
                "taushetsbelagt melding fra $sendersName$ med tittelen "
                "«$messageTitle$».\n\n"
                "For at meldingen skal kunne leses, må noen i $recipientName$ "
                "få tilgang til tjenesten «$serviceName$» i Taushet. Meldingen "
                "er ikke synlig for noen før noen har fått denne tilgangen.\n\n"
                "Hovedadministratoren i virksomheten kan gi tilgangen, også "
                "til seg selv."
            ),
            sms=(
                "$recipientName$ ($recipientNumber$) har mottatt en "
                'taushetsbelagt melding fra $sendersName$: "$messageTitle$". '
                "Noen i virksomheten må få tilgang til $serviceName$ i Taushet "
                "før meldingen kan leses."
            ),
        ),
        "confidential_reminder": NotificationTexts(
            subject="Påminnelse: uåpnet taushetsbelagt melding til $recipientName$",
            body=(
                "$recipientName$ ($recipientNumber$) har fortsatt en uåpnet "
                "taushetsbelagt melding fra $sendersName$ med tittelen "
                "«$messageTitle$».\n\n"
                "Meldingen er ikke synlig før noen i $recipientName$ har fått "
                "tilgang til tjenesten «$serviceName$» i Taushet. "
                "Hovedadministratoren i virksomheten kan gi tilgangen, også "
                "til seg selv."
            ),
            sms=(
                "Påminnelse: $recipientName$ har fortsatt en uåpnet "
                'taushetsbelagt melding fra $sendersName$: "$messageTitle$". '
                "Gi noen tilgang til $serviceName$ i Taushet."
            ),
        ),
        "ordinary": NotificationTexts(
            subject="Ny melding fra $sendersName$",
            body=(
                "$recipientName$ ($recipientNumber$) har mottatt en ny melding "
                "fra $sendersName$: «$messageTitle$».\n\n"
                "Logg inn i Taushet for å lese den."
            ),
            sms=(
                "$recipientName$ har mottatt en ny melding fra $sendersName$ "
                'i Taushet: "$messageTitle$".'
            ),
        ),
        "ordinary_reminder": NotificationTexts(
            subject="Påminnelse: ulest melding fra $sendersName$",
            body=(
                "$recipientName$ ($recipientNumber$) har fortsatt en ulest "
                "melding fra $sendersName$: «$messageTitle$».\n\n"
                "Logg inn i Taushet for å lese den."
            ),
            sms=(
                "Påminnelse: $recipientName$ har en ulest melding fra "
                '$sendersName$ i Taushet: "$messageTitle$".'
            ),
        ),
    },
    "en": {
        "confidential": NotificationTexts(
            subject="Confidential message for $recipientName$",
            body=(
                "$recipientName$ ($recipientNumber$) has received a "
                "confidential message from $sendersName$ titled "
                "“$messageTitle$”.\n\n"
                "Before it can be read, someone in $recipientName$ must be "
                "given access to the service “$serviceName$” in Taushet. "
                "Until then the message is not visible to anyone.\n\n"
                "The organisation's Main Administrator can grant this access, "
                "also to themself."
            ),
            sms=(
                "$recipientName$ ($recipientNumber$) has received a "
                'confidential message from $sendersName$: "$messageTitle$". '
                "Someone in the organisation must be given access to "
                "$serviceName$ in Taushet before it can be read."
            ),
        ),
        "confidential_reminder": NotificationTexts(
            subject="Reminder: unopened confidential message for $recipientName$",
            body=(
                "$recipientName$ ($recipientNumber$) still has an unopened "
                "confidential message from $sendersName$ titled "
                "“$messageTitle$”.\n\n"
                "It stays invisible until someone in $recipientName$ is given "
                "access to the service “$serviceName$” in Taushet. The "
                "organisation's Main Administrator can grant this access, also "
                "to themself."
            ),
            sms=(
                "Reminder: $recipientName$ still has an unopened confidential "
                'message from $sendersName$: "$messageTitle$". Give someone '
                "access to $serviceName$ in Taushet."
            ),
        ),
        "ordinary": NotificationTexts(
            subject="New message from $sendersName$",
            body=(
                "$recipientName$ ($recipientNumber$) has received a new "
                "message from $sendersName$: “$messageTitle$”.\n\n"
                "Log in to Taushet to read it."
            ),
            sms=(
                "$recipientName$ has received a new message from $sendersName$ "
                'in Taushet: "$messageTitle$".'
            ),
        ),
        "ordinary_reminder": NotificationTexts(
            subject="Reminder: unread message from $sendersName$",
            body=(
                "$recipientName$ ($recipientNumber$) still has an unread "
                "message from $sendersName$: “$messageTitle$”.\n\n"
                "Log in to Taushet to read it."
            ),
            sms=(
                "Reminder: $recipientName$ has an unread message from "
                '$sendersName$ in Taushet: "$messageTitle$".'
            ),
        ),
    },
}

# System text, never edited by a caseworker, so it is filled in with
# %-style fields rather than tokens. R12 lists sender, date and service of
# each message, not its title or content.
REMINDER_CORRESPONDENCE = {
    "nb": {
        "title": "Uåpnede taushetsbelagte meldinger",
        "intro": (
            "%(recipient)s har taushetsbelagte meldinger som ingen har åpnet "
            "på sju dager:"
        ),
        "item": "- Fra %(sender)s, sendt %(date)s: gi tilgang til tjenesten "
        "**%(service)s**.",
        "closing": (
            "Meldingene er ikke synlige for noen før noen har fått tilgang "
            "til tjenesten. Hovedadministratoren kan gi tilgangen, også til "
            "seg selv. Denne påminnelsen forsvinner når meldingene er åpnet."
        ),
    },
    "en": {
        "title": "Unopened confidential messages",
        "intro": (
            "%(recipient)s has confidential messages that nobody has opened "
            "for seven days:"
        ),
        "item": "- From %(sender)s, sent %(date)s: give access to the service "
        "**%(service)s**.",
        "closing": (
            "The messages are not visible to anyone until someone is given "
            "access to the service. The Main Administrator can grant this "
            "access, also to themself. This reminder goes away once the "
            "messages have been opened."
        ),
    },
}
