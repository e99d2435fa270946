"""Ordering a notification: texts per recipient, R9, R10, the outbox."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apps.correspondences.models import Correspondence
from apps.correspondences.services import correspondence_publish
from apps.notifications.models import Delivery, NotificationOrder
from apps.notifications.selectors import deliveries_for_correspondence
from apps.notifications.services import (
    NotificationSpec,
    notification_order_create,
    notification_orders_create,
    notification_required,
    notification_spec_default,
    notifications_release,
)
from apps.organizations.models import NotificationAddress
from apps.organizations.validators import national_identity_number_complete
from tests.factories import CorrespondenceFactory, OrganizationFactory
from tests.notifications.support import deliveries, send

NATIONAL_ID = national_identity_number_complete("010170123")
TOKENS_TEXT = "$recipientName$ ($recipientNumber$) from $sendersName$ on $serviceName$"


def _custom(**fields):
    return {
        "channel": "email",
        "template": "custom",
        "email_subject": "Confidential message for $recipientName$",
        "email_body": TOKENS_TEXT,
        "sms_text": "",
        "reminder_enabled": False,
        **fields,
    }


def test_sender_gets_tokens_replaced_for_each_recipient(confidential_service):
    first = OrganizationFactory(name="Solsikken barnehage AS")
    second = OrganizationFactory(name="Blåklokka skole")
    messages = [
        CorrespondenceFactory(service=confidential_service, recipient=first),
        CorrespondenceFactory(service=confidential_service, recipient=second),
    ]
    spec = NotificationSpec(**_custom(email_body=TOKENS_TEXT + ": $messageTitle$"))

    results = notification_orders_create(correspondences=messages, spec=spec)

    bodies = [result.order.email_body for result in results]
    assert bodies == [
        f"Solsikken barnehage AS ({first.number}) from Bufetat region øst on "
        f"Barnevern – bekymringsmelding: {messages[0].title}",
        f"Blåklokka skole ({second.number}) from Bufetat region øst on "
        f"Barnevern – bekymringsmelding: {messages[1].title}",
    ]
    assert results[0].order.email_subject == (
        "Confidential message for Solsikken barnehage AS"
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [("nb", "taushetsbelagt melding"), ("en", "confidential message")],
)
def test_sender_gets_the_standard_text_in_the_message_language(
    confidential_service, recipient, language, words
):
    correspondence = CorrespondenceFactory(
        service=confidential_service, recipient=recipient, language=language
    )

    result = notification_order_create(
        correspondence=correspondence,
        channel="both",
        template="confidential",
        email_subject="",
        email_body="",
        sms_text="",
        reminder_enabled=True,
    )

    order = result.order
    service_name = (
        confidential_service.name_en
        if language == "en"
        else confidential_service.name_nb
    )
    for text in (order.email_body, order.sms_text, order.reminder_email_body):
        assert words in text
        assert "Solsikken barnehage AS" in text
        assert "$" not in text
    assert service_name in order.email_body


@pytest.mark.parametrize(
    ("fields", "label", "code"),
    [
        (
            {"email_body": f"About the child {NATIONAL_ID}."},
            "Email text",
            "national_id",
        ),
        ({"email_subject": "Hello $recipentName$"}, "Email subject", "unknown_token"),
    ],
)
def test_sender_is_refused_personal_data_with_field_and_position(
    confidential_service, recipient, fields, label, code
):
    correspondence = CorrespondenceFactory(
        service=confidential_service, recipient=recipient
    )

    with pytest.raises(ValidationError) as refused:
        notification_order_create(correspondence=correspondence, **_custom(**fields))

    field = next(iter(fields))
    (problem,) = refused.value.error_dict[field]
    text = fields[field]
    position = text.index(NATIONAL_ID if code == "national_id" else "$recipentName$")
    assert problem.code == code
    assert problem.params["field"] == label
    assert problem.params["position"] == position + 1
    assert not NotificationOrder.objects.exists()


def test_sender_is_refused_a_title_that_carries_a_national_id(
    confidential_service, recipient
):
    correspondence = CorrespondenceFactory(
        service=confidential_service, recipient=recipient, title=f"Barn {NATIONAL_ID}"
    )

    with pytest.raises(ValidationError) as refused:
        notification_order_create(
            correspondence=correspondence,
            **_custom(email_body="About $messageTitle$"),
        )

    assert "email_body" in refused.value.error_dict
    assert NATIONAL_ID not in str(refused.value)


def test_confidential_message_without_notification_is_refused(
    confidential_service, recipient
):
    correspondence = CorrespondenceFactory(
        service=confidential_service, recipient=recipient
    )

    with pytest.raises(ValidationError) as refused:
        notification_required(correspondence=correspondence)

    assert refused.value.code == "notification_required"


def test_confidential_message_with_notification_passes(confidential_service, recipient):
    correspondence = CorrespondenceFactory(
        service=confidential_service, recipient=recipient
    )
    notification_order_create(correspondence=correspondence, **_custom())

    notification_required(correspondence=correspondence)


def test_ordinary_message_needs_no_notification(ordinary_service, recipient):
    correspondence = CorrespondenceFactory(
        service=ordinary_service, recipient=recipient
    )

    notification_required(correspondence=correspondence)


def test_sender_is_refused_an_empty_text_for_a_chosen_channel(
    confidential_service, recipient
):
    correspondence = CorrespondenceFactory(
        service=confidential_service, recipient=recipient
    )

    with pytest.raises(ValidationError) as refused:
        notification_order_create(
            correspondence=correspondence, **_custom(channel="sms", sms_text=" ")
        )

    assert refused.value.error_dict["sms_text"][0].code == "required"


@pytest.mark.parametrize(
    ("channel", "has_sms", "expected"),
    [
        ("email", True, ["email"]),
        ("sms", True, ["sms"]),
        ("both", True, ["email", "sms"]),
        ("sms-preferred", True, ["sms"]),
        ("sms-preferred", False, ["email"]),
        ("email-preferred", True, ["email"]),
    ],
)
def test_order_reaches_the_addresses_its_channel_names(
    confidential_service, recipient, channel, has_sms, expected
):
    if not has_sms:
        recipient.notification_addresses.filter(channel="sms").delete()
    correspondence = CorrespondenceFactory(
        service=confidential_service, recipient=recipient
    )
    spec = notification_spec_default(confidential=True, language="nb", channel=channel)

    notification_orders_create(correspondences=[correspondence], spec=spec)

    assert sorted(d.channel for d in deliveries(correspondence)) == expected


def test_sms_address_is_stored_in_international_form(confidential_service, recipient):
    correspondence = CorrespondenceFactory(
        service=confidential_service, recipient=recipient
    )
    spec = notification_spec_default(confidential=True, language="nb", channel="sms")

    notification_orders_create(correspondences=[correspondence], spec=spec)

    assert [d.address for d in deliveries(correspondence)] == ["+4791234567"]


def test_sender_is_warned_when_the_organisation_has_no_address(confidential_service):
    correspondence = CorrespondenceFactory(service=confidential_service)

    result = notification_order_create(correspondence=correspondence, **_custom())

    assert result.deliveries == 0
    assert "no address" in result.warning
    assert NotificationOrder.objects.filter(correspondence=correspondence).exists()


def test_bulk_order_costs_the_same_queries_for_three_or_thirty_recipients(
    confidential_service, django_assert_max_num_queries
):
    spec = notification_spec_default(confidential=True, language="nb")

    def messages(count):
        found = []
        for _ in range(count):
            organization = OrganizationFactory()
            NotificationAddress.objects.create(
                organization=organization, channel="email", address="a@example.no"
            )
            found.append(
                CorrespondenceFactory(
                    service=confidential_service, recipient=organization
                )
            )
        return found

    few, many = messages(3), messages(30)
    # The correspondences with their parties, the addresses, the orders,
    # the deliveries, and the savepoint around them.
    with django_assert_max_num_queries(6) as few_queries:
        notification_orders_create(correspondences=few, spec=spec)
    with django_assert_max_num_queries(len(few_queries)):
        notification_orders_create(correspondences=many, spec=spec)
    assert Delivery.objects.count() == 33


def test_deliveries_wait_for_publication(
    confidential_service, recipient, django_capture_on_commit_callbacks
):
    correspondence = CorrespondenceFactory(
        service=confidential_service,
        recipient=recipient,
        status=Correspondence.Status.SCHEDULED,
    )
    spec = notification_spec_default(confidential=True, language="nb")
    with django_capture_on_commit_callbacks(execute=True):
        notification_orders_create(correspondences=[correspondence], spec=spec)
        notifications_release(correspondence_ids=[correspondence.pk])

    assert [d.not_before for d in deliveries(correspondence)] == [None, None]
    assert mail.outbox == []


def test_published_message_sends_its_email_on_commit(
    confidential_service, recipient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correspondence = send(confidential_service, recipient, channel="email")

    (email,) = mail.outbox
    assert email.to == ["post@solsikken.no"]
    assert "taushetsbelagt" in email.body
    (delivery,) = deliveries(correspondence)
    assert delivery.status == "sent"
    assert delivery.sent_at is not None
    assert delivery.provider_reference.startswith("<")


def test_nothing_is_queued_before_the_sender_commits(
    confidential_service, recipient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(confidential_service, recipient, channel="email")

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_sender_sees_masked_addresses_and_outcomes(
    confidential_service, recipient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correspondence = send(
            confidential_service, recipient, channel="both", reminder=True
        )

    status = deliveries_for_correspondence(correspondence=correspondence)

    rows = {row.channel: row for row in status.deliveries}
    assert rows["email"].address == "p***@solsikken.no"
    assert rows["sms"].address == "+47 *** ** 567"
    assert rows["email"].status == "sent"
    assert status.reminder_state == "scheduled"
    assert status.reminder_due_at == correspondence.published_at + datetime.timedelta(
        days=7
    )


def test_publishing_twice_releases_once(
    confidential_service, recipient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correspondence = send(confidential_service, recipient, channel="email")
        correspondence_publish(correspondence=correspondence)
        notifications_release(correspondence_ids=[correspondence.pk])

    assert len(mail.outbox) == 1
