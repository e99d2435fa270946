"""Email and SMS through real protocols: SMTP and HTTP on 127.0.0.1."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.notifications.models import DeliveryAttempt
from apps.notifications.sending import deliveries_sweep
from tests.notifications.servers import SmsGateway, SmtpServer
from tests.notifications.support import deliveries, send, sms_lines

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def sent(confidential_service, recipient, django_capture_on_commit_callbacks):
    def sent(channel):
        with django_capture_on_commit_callbacks(execute=True):
            correspondence = send(confidential_service, recipient, channel=channel)
        (delivery,) = deliveries(correspondence)
        return delivery

    return sent


@pytest.fixture
def in_the_window():
    with time_machine.travel(datetime.datetime(2026, 3, 3, 11, tzinfo=OSLO)):
        yield


def _outcomes(delivery):
    return list(
        DeliveryAttempt.objects.filter(delivery=delivery).values_list(
            "outcome", flat=True
        )
    )


@pytest.fixture
def gateway(settings):
    def gateway(*answers):
        server = SmsGateway(answers)
        settings.SMS_TRANSPORT = "http"
        settings.SMS_GATEWAY_URL = server.url
        settings.SMS_GATEWAY_TOKEN = "secret-token"
        settings.SMS_GATEWAY_TIMEOUT = 2
        return server

    return gateway


def test_gateway_errors_are_retried_until_the_sms_is_sent(sent, gateway, in_the_window):
    server = gateway((500, {"error": "busy"}), (500, {}), (200, {"id": "gw-77"}))

    with server:
        delivery = sent("sms")

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert delivery.provider_reference == "gw-77"
    assert delivery.attempts == 3
    assert _outcomes(delivery) == ["transient", "transient", "sent"]
    assert len(server.requests) == 3
    request = server.requests[-1]
    assert request["json"]["to"] == "+4791234567"
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    assert request["headers"]["Idempotency-Key"] == f"delivery-{delivery.pk}"


def test_gateway_refusal_fails_at_once_with_its_reason(sent, gateway, in_the_window):
    with gateway((400, {"reason": "Unknown subscriber"})) as server:
        delivery = sent("sms")

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error == "400 Unknown subscriber"
    assert _outcomes(delivery) == ["permanent"]
    assert len(server.requests) == 1


def test_gateway_that_never_recovers_fails_after_the_last_attempt(
    sent, gateway, settings, in_the_window
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    with gateway((503, {"error": "down"})):
        delivery = sent("sms")

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error == "503 down"
    assert _outcomes(delivery) == ["transient"] * 3


def test_unreachable_gateway_is_retried_after_a_backoff(
    sent, settings, in_the_window, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_RETRY_DELAY_SECONDS = 30
    settings.SMS_TRANSPORT = "http"
    with SmsGateway([(200, {})]) as server:
        url = server.url
    settings.SMS_GATEWAY_URL = url

    delivery = sent("sms")

    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert "Connection refused" in delivery.last_error
    wait = delivery.not_before - delivery.updated_at
    assert datetime.timedelta(seconds=15) <= wait <= datetime.timedelta(seconds=30)


def test_email_arrives_at_the_smtp_server(sent, settings):
    with SmtpServer() as server:
        settings.MAILERS = server.mailers()
        delivery = sent("email")

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    (envelope,) = server.received
    assert envelope.rcpt_tos == ["post@solsikken.no"]
    assert "taushetsbelagt" in envelope.content.decode()
    assert delivery.provider_reference in envelope.content.decode()


def test_email_temporarily_refused_is_retried(sent, settings):
    with SmtpServer(["451 4.3.0 Try again later", "250 OK"]) as server:
        settings.MAILERS = server.mailers()
        delivery = sent("email")

    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert _outcomes(delivery) == ["transient", "sent"]
    assert len(server.received) == 1


def test_email_refused_for_good_fails_with_the_reason(sent, settings):
    with SmtpServer(["550 5.1.1 Mailbox unavailable"]) as server:
        settings.MAILERS = server.mailers()
        delivery = sent("email")

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error == "550 5.1.1 Mailbox unavailable"
    assert _outcomes(delivery) == ["permanent"]
    assert server.received == []


def test_sms_in_the_evening_waits_for_the_morning_and_email_goes_at_once(
    confidential_service, recipient, django_capture_on_commit_callbacks
):
    evening = datetime.datetime(2026, 3, 3, 20, tzinfo=OSLO)
    with (
        time_machine.travel(evening, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        correspondence = send(confidential_service, recipient, channel="both")

    (email,) = deliveries(correspondence, channel="email")
    (sms,) = deliveries(correspondence, channel="sms")
    assert email.status == "sent"
    assert sms.status == "pending"
    assert sms.not_before == datetime.datetime(2026, 3, 4, 9, tzinfo=OSLO)
    assert sms_lines() == []

    with time_machine.travel(datetime.datetime(2026, 3, 4, 8, 59, tzinfo=OSLO)):
        deliveries_sweep()
    assert sms_lines() == []

    with time_machine.travel(datetime.datetime(2026, 3, 4, 9, 1, tzinfo=OSLO)):
        deliveries_sweep()
    assert [line["to"] for line in sms_lines()] == ["+4791234567"]
    sms.refresh_from_db()
    assert sms.status == "sent"
