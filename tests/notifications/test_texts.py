"""Notification tokens, standard texts (R9) and the personal-data check (R10)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from apps.notifications.sms import GSM_7, sms_segments
from apps.notifications.texts import (
    LANGUAGES,
    SEPARATORS,
    TOKENS,
    check_notification_text,
    default_texts,
    reminder_correspondence_texts,
    render_tokens,
    validate_notification_text,
)
from apps.organizations.validators import national_identity_number_complete

FIELD = "SMS text"
VALUES = {
    "recipientName": "Solsikken barnehage AS",
    "recipientNumber": "310000003",
    "sendersName": "Bufetat region øst",
    "messageTitle": "Sak 2025/1234, saksbehandler Åse Ødegård",
    "serviceName": "Barnevern – bekymringsmelding",
}
NUMBER = national_identity_number_complete("010170123")  # "01017012343"
D_NUMBER = national_identity_number_complete("410170123")
ALL_TEXTS = [
    (confidential, language, reminder)
    for confidential in (True, False)
    for language in LANGUAGES
    for reminder in (False, True)
]


def _codes(problems):
    return [p.code for p in problems]


def _national_id_positions(text):
    return [
        p.params["position"]
        for p in check_notification_text(text, field=FIELD)
        if p.code == "national_id"
    ]


@st.composite
def national_identity_numbers(draw):
    date = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2039, 12, 31)))
    day = date.day + draw(st.sampled_from([0, 40]))  # D-numbers add 40
    individual = draw(st.integers(0, 999))
    number = national_identity_number_complete(
        f"{day:02d}{date.month:02d}{date.year % 100:02d}{individual:03d}"
    )
    assume(number is not None)
    return number


@st.composite
def written_with_separators(draw, number):
    """Split `number` into groups joined by 1–3 separator characters."""
    cuts = sorted(draw(st.sets(st.integers(1, 10), max_size=5)))
    groups = [number[a:b] for a, b in zip([0, *cuts], [*cuts, 11], strict=True)]
    joints = [
        draw(st.text(alphabet=SEPARATORS, min_size=1, max_size=3)) for _ in groups[1:]
    ]
    return groups[0] + "".join(j + g for j, g in zip(joints, groups[1:], strict=True))


# Text around a number: letters, punctuation and line breaks, but neither
# digits nor separators, which would join it to the number.
surrounding = st.text(
    alphabet=st.characters(
        exclude_categories=["Nd", "Cs"], exclude_characters=SEPARATORS + "$"
    ),
    max_size=40,
)


def test_render_tokens_fills_in_every_token_for_the_recipient():
    text = " ".join(TOKENS)

    rendered = render_tokens(text, values=VALUES)

    assert rendered == " ".join(VALUES.values())


def test_render_tokens_refuses_a_token_without_a_value():
    values = {k: v for k, v in VALUES.items() if k != "serviceName"}

    with pytest.raises(ValueError, match="serviceName"):
        render_tokens("Gi tilgang til $serviceName$", values=values)


def test_render_tokens_refuses_an_unknown_token():
    with pytest.raises(ValueError, match="recipentName"):
        render_tokens("Til $recipentName$", values={**VALUES, "recipentName": "x"})


def test_render_tokens_inserts_a_value_that_looks_like_a_token_as_it_is():
    values = {**VALUES, "recipientName": "$serviceName$ AS"}

    rendered = render_tokens("$recipientName$ / $serviceName$", values=values)

    assert rendered == "$serviceName$ AS / Barnevern – bekymringsmelding"


@pytest.mark.parametrize("language", LANGUAGES)
def test_confidential_standard_text_names_recipient_title_sender_and_service(
    language,
):
    texts = default_texts(confidential=True, language=language)

    for token in TOKENS:
        assert token in texts.body
        assert token in texts.sms
    assert "$recipientName$" in texts.subject


def test_confidential_standard_text_says_the_message_is_confidential():
    assert "taushetsbelagt" in default_texts(confidential=True, language="nb").body
    assert "confidential" in default_texts(confidential=True, language="en").body
    assert "confidential" not in default_texts(confidential=False, language="en").body


@pytest.mark.parametrize(("confidential", "language", "reminder"), ALL_TEXTS)
def test_every_standard_text_passes_the_notification_check(
    confidential, language, reminder
):
    texts = default_texts(
        confidential=confidential, language=language, reminder=reminder
    )

    for text in (texts.subject, texts.body, texts.sms):
        assert check_notification_text(text, field=FIELD) == []
        assert "$" not in render_tokens(text, values=VALUES)


@pytest.mark.parametrize(("confidential", "language", "reminder"), ALL_TEXTS)
def test_every_standard_sms_stays_in_the_gsm_alphabet(confidential, language, reminder):
    texts = default_texts(
        confidential=confidential, language=language, reminder=reminder
    )
    # Norwegian letters are in the GSM alphabet; the dash in the service
    # name is not, so it is left out here.
    values = {**VALUES, "serviceName": "Barnevern"}

    assert sms_segments(render_tokens(texts.sms, values=values)).encoding == GSM_7


def test_reminder_texts_differ_from_the_first_notification():
    for language in LANGUAGES:
        first = default_texts(confidential=True, language=language)
        again = default_texts(confidential=True, language=language, reminder=True)
        assert again.subject != first.subject
        assert "$serviceName$" in again.body


def test_default_texts_take_a_regional_language_code():
    assert default_texts(confidential=True, language="en-GB") == default_texts(
        confidential=True, language="en"
    )


def test_default_texts_refuse_a_language_without_texts():
    with pytest.raises(ValueError, match="sv"):
        default_texts(confidential=True, language="sv")


def test_reminder_correspondence_lists_sender_date_and_service_of_each_message():
    items = [
        (
            "Bufetat",
            datetime.datetime(2025, 9, 19, 23, 30, tzinfo=datetime.UTC),
            "Barnevern",
        ),
        ("Politiet", datetime.date(2025, 9, 1), "Politiattest"),
    ]

    texts = reminder_correspondence_texts(
        language="nb", recipient_name="Solsikken AS", items=items
    )

    assert texts.title == "Uåpnede taushetsbelagte meldinger"
    # 23:30 UTC is past midnight in Oslo.
    assert "- Fra Bufetat, sendt 20. september 2025" in texts.body
    assert "**Barnevern**" in texts.body
    assert "- Fra Politiet, sendt 1. september 2025" in texts.body
    assert "Solsikken AS" in texts.body


def test_reminder_correspondence_in_english_escapes_markdown_in_names():
    texts = reminder_correspondence_texts(
        language="en",
        recipient_name="*Sol* AS",
        items=[("[Link](javascript:x)", datetime.date(2025, 9, 1), "A_b")],
    )

    assert texts.title == "Unopened confidential messages"
    assert r"\*Sol\* AS has confidential messages" in texts.body
    assert r"From \[Link\]\(javascript\:x\)" in texts.body
    assert r"**A\_b**" in texts.body


@pytest.mark.parametrize(
    "written",
    [
        NUMBER,
        f"{NUMBER[:6]} {NUMBER[6:]}",
        f"{NUMBER[:6]}-{NUMBER[6:]}",
        f"{NUMBER[:2]}.{NUMBER[2:4]}.{NUMBER[4:6]}.{NUMBER[6:]}",
        f"{NUMBER[:2]} {NUMBER[2:4]} {NUMBER[4:6]} {NUMBER[6:9]} {NUMBER[9:]}",
        f"{NUMBER[:6]} - {NUMBER[6:]}",
        f"{NUMBER[:6]}\u00a0{NUMBER[6:]}",
        D_NUMBER,
    ],
)
def test_check_finds_a_national_identity_number_however_it_is_written(written):
    problems = check_notification_text(f"Gjelder {written}.", field=FIELD)

    assert _codes(problems) == ["national_id"]
    assert problems[0].params["position"] == 9


def test_check_names_the_field_and_the_position_but_not_the_number():
    text = f"Hei!\nGjelder barn med fnr {NUMBER}"

    (problem,) = check_notification_text(text, field="Email body")

    message = problem.messages[0]
    assert message.startswith("Email body:")
    assert "position 27 (line 2, column 22)" in message
    assert NUMBER not in message


def test_check_lets_an_eleven_digit_number_that_fails_mod11_through():
    order_number = NUMBER[:10] + str((int(NUMBER[10]) + 1) % 10)

    assert check_notification_text(f"Ordre {order_number}", field=FIELD) == []


@pytest.mark.parametrize(
    "text",
    [f"9{NUMBER}", f"{NUMBER}0", f"KID 12{NUMBER}345", f"{NUMBER}{NUMBER}"],
)
def test_check_does_not_look_for_a_number_inside_a_longer_digit_run(text):
    assert check_notification_text(text, field=FIELD) == []


def test_check_finds_two_numbers_written_one_after_the_other():
    text = f"{NUMBER} {D_NUMBER}"

    assert _national_id_positions(text) == [1, 13]


def test_check_finds_a_number_after_a_short_number_in_the_same_chain():
    assert _national_id_positions(f"nr 5 {NUMBER}") == [6]


def test_check_reads_fullwidth_digits_as_digits():
    fullwidth = "".join(chr(0xFF10 + int(d)) for d in NUMBER)

    assert _national_id_positions(f"fnr {fullwidth}") == [5]


def test_check_refuses_an_unknown_token_and_names_it():
    (problem,) = check_notification_text("Til $recipientname$", field=FIELD)

    assert problem.code == "unknown_token"
    assert "unknown token $recipientname$ at position 5" in problem.messages[0]
    assert "$recipientName$" in problem.messages[0]


def test_check_lists_problems_in_the_order_they_occur():
    text = f"$x$ {NUMBER} $recipientName$ $y$"

    problems = check_notification_text(text, field=FIELD)

    assert _codes(problems) == ["unknown_token", "national_id", "unknown_token"]
    assert [p.params["position"] for p in problems] == [1, 5, 33]


def test_validate_raises_one_error_with_every_problem():
    with pytest.raises(ValidationError) as error:
        validate_notification_text(f"$x$ {NUMBER}", field=FIELD)

    assert len(error.value.messages) == 2


def test_validate_accepts_a_text_with_known_tokens_and_harmless_numbers():
    text = "Sak 2025/1234 til $recipientName$, tlf 22 33 44 55, beløp $5 og $10."

    validate_notification_text(text, field=FIELD)


@given(
    number=national_identity_numbers(),
    data=st.data(),
    before=surrounding,
    after=surrounding,
)
def test_check_finds_any_valid_number_written_any_way_in_any_text(
    number, data, before, after
):
    written = data.draw(written_with_separators(number))

    positions = _national_id_positions(f"{before}{written}{after}")

    assert positions == [len(before) + 1]


@given(
    st.lists(
        st.one_of(surrounding, st.text(alphabet="0123456789", max_size=10)),
        max_size=12,
    )
)
def test_check_never_refuses_text_without_eleven_digits_in_a_row(pieces):
    # Short numbers are separated by at least a comma, never by a separator.
    text = ",".join(pieces)

    assert _national_id_positions(text) == []


@given(
    before=surrounding,
    run=st.text(alphabet="0123456789", min_size=12, max_size=40),
    after=surrounding,
)
def test_check_never_refuses_a_run_of_twelve_or_more_digits(before, run, after):
    assert _national_id_positions(f"{before}{run}{after}") == []


@given(st.text(alphabet=st.characters(exclude_characters="$")))
def test_check_finds_no_token_problem_in_text_without_dollar_signs(text):
    problems = check_notification_text(text, field=FIELD)

    assert "unknown_token" not in _codes(problems)
