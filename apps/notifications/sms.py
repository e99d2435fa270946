"""
How the mobile network counts an SMS: its encoding, length and segments.

A message is sent in the GSM 7-bit alphabet (GSM 03.38) when every character
is in its basic set or its extension table, and in UCS-2 otherwise. One
character outside the alphabet, a typographic quote or a non-breaking space
pasted from a word processor, turns the whole message into UCS-2 and more
than doubles the number of segments it costs.
"""

from typing import NamedTuple

GSM_7 = "GSM-7"
UCS_2 = "UCS-2"

# The basic set in the order of its code table, 0x00 to 0x7F, without 0x1B,
# which is the escape to the extension table rather than a character. Note
# the places where it differs from ASCII: "@" is 0x00, "$" is 0x02, 0x24 is
# the currency sign "¤", and there is no backtick.
GSM_BASIC_CHARACTERS = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ"  # 0x1B, the escape, falls here
    "ÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)

# Each of these is sent as the escape plus one septet, so it counts twice.
# The form feed belongs to the table too, although no one types it.
GSM_EXTENSION_CHARACTERS = "\f^{}\\[~]|€"

GSM_7_SINGLE = 160
GSM_7_PER_PART = 153
UCS_2_SINGLE = 70
UCS_2_PER_PART = 67

_BASIC = frozenset(GSM_BASIC_CHARACTERS)
_EXTENSION = frozenset(GSM_EXTENSION_CHARACTERS)


class SmsSegments(NamedTuple):
    encoding: str
    characters: int
    segments: int


def sms_segments(text):
    """Return the encoding, the length as the network counts it, and the
    number of segments of `text`; an empty text has no segment.
    """
    if all(c in _BASIC or c in _EXTENSION for c in text):
        costs = [2 if c in _EXTENSION else 1 for c in text]
        return SmsSegments(
            GSM_7, sum(costs), _segments(costs, GSM_7_SINGLE, GSM_7_PER_PART)
        )

    # UCS-2 is in practice UTF-16: a character outside the Basic
    # Multilingual Plane, an emoji, is a surrogate pair of two units.
    costs = [2 if ord(c) > 0xFFFF else 1 for c in text]
    return SmsSegments(
        UCS_2, sum(costs), _segments(costs, UCS_2_SINGLE, UCS_2_PER_PART)
    )


def _segments(costs, single, per_part):
    total = sum(costs)
    if total <= single:
        return 1 if total else 0

    # A phone does not split an escape sequence or a surrogate pair between
    # two parts, so a part may end one unit short of `per_part`.
    parts, used = 1, 0
    for cost in costs:
        if used + cost > per_part:
            parts, used = parts + 1, 0
        used += cost
    return parts
