"""How an SMS is counted: encoding, length and segments."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.notifications.sms import (
    GSM_7,
    GSM_BASIC_CHARACTERS,
    GSM_EXTENSION_CHARACTERS,
    UCS_2,
    SmsSegments,
    sms_segments,
)

gsm_text = st.text(alphabet=GSM_BASIC_CHARACTERS + GSM_EXTENSION_CHARACTERS)


def test_basic_set_has_the_127_characters_of_the_table():
    assert len(GSM_BASIC_CHARACTERS) == len(set(GSM_BASIC_CHARACTERS)) == 127
    assert not set(GSM_BASIC_CHARACTERS) & set(GSM_EXTENSION_CHARACTERS)


def test_norwegian_letters_are_in_the_basic_set():
    assert sms_segments("Blåbærsyltetøy på Ærø og Åland") == SmsSegments(GSM_7, 30, 1)


@pytest.mark.parametrize(
    ("length", "segments"), [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3)]
)
def test_gsm_text_is_one_segment_up_to_160_and_153_a_part_after(length, segments):
    assert sms_segments("a" * length) == SmsSegments(GSM_7, length, segments)


@pytest.mark.parametrize("character", "^{}\\[~]|€")
def test_extension_characters_count_double(character):
    assert sms_segments(character * 80) == SmsSegments(GSM_7, 160, 1)
    assert sms_segments(character * 81) == SmsSegments(GSM_7, 162, 2)


def test_an_extension_character_is_not_split_between_two_parts():
    # 306 septets fill two parts of 153 exactly, but the euro sign's escape
    # cannot end the first part, which pushes one character into a third.
    text = "a" * 152 + "€" + "a" * 152

    assert sms_segments(text) == SmsSegments(GSM_7, 306, 3)


@pytest.mark.parametrize(
    "character", ["“", "\u00a0", "`", "–", "ä\u0308", "Ω\u0301", "é\u0301"]
)
def test_one_character_outside_the_alphabet_makes_the_whole_message_ucs2(character):
    text = "Hei " + character

    assert sms_segments(text).encoding == UCS_2


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_text_is_one_segment_up_to_70_and_67_a_part_after(length, segments):
    text = "“" + "a" * (length - 1)

    assert sms_segments(text) == SmsSegments(UCS_2, length, segments)


def test_a_character_outside_the_bmp_counts_as_two_units():
    assert sms_segments("😀" * 35) == SmsSegments(UCS_2, 70, 1)
    assert sms_segments("😀" * 36) == SmsSegments(UCS_2, 72, 2)


def test_an_empty_text_has_no_segment():
    assert sms_segments("") == SmsSegments(GSM_7, 0, 0)


@given(gsm_text)
def test_gsm_text_counts_extension_characters_twice(text):
    extended = sum(c in GSM_EXTENSION_CHARACTERS for c in text)

    result = sms_segments(text)

    assert result.encoding == GSM_7
    assert result.characters == len(text) + extended


@given(st.text())
def test_segments_are_enough_for_the_characters_and_at_most_one_more(text):
    encoding, characters, segments = sms_segments(text)
    single, per_part = (160, 153) if encoding == GSM_7 else (70, 67)

    if characters <= single:
        assert segments == (1 if characters else 0)
    else:
        fewest = math.ceil(characters / per_part)
        # Each part may end one unit short, never more.
        assert fewest <= segments <= math.ceil(characters / (per_part - 1))
