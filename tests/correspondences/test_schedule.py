import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.correspondences import tasks
from apps.correspondences.models import Correspondence, StatusEvent
from apps.correspondences.selectors import correspondences_for_user
from apps.correspondences.sending import (
    correspondence_cancel,
    correspondences_publish_due,
)
from apps.delegations.models import Grant
from apps.delegations.services import delegation_revoke
from apps.notifications.models import Delivery, NotificationOrder
from apps.organizations.models import RegisterRole
from tests.correspondences.sending_support import (
    caseworker_at,
    caseworker_client,
    send,
    sent_detail_url,
)
from tests.correspondences.support import act_for

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.correspondences.sending_fixtures"]

MONDAY_NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)
AT_THREE = MONDAY_NOON + datetime.timedelta(hours=3)


def _inbox_of(organization):
    manager = RegisterRole.objects.get(organization=organization).person
    return correspondences_for_user(manager.user, party=organization)


def _schedule(caseworker, service, recipient, *, at=AT_THREE):
    with time_machine.travel(MONDAY_NOON, tick=False):
        return send(caseworker, service, [recipient], publish_at=at).correspondences[0]


def test_a_scheduled_message_is_invisible_until_its_time_then_visible(
    caseworker, open_service, kindergarten
):
    message = _schedule(caseworker, open_service, kindergarten)
    assert message.status == Correspondence.Status.SCHEDULED

    with time_machine.travel(AT_THREE - datetime.timedelta(minutes=1), tick=False):
        assert correspondences_publish_due() == 0
        assert _inbox_of(kindergarten) == []

    with time_machine.travel(AT_THREE + datetime.timedelta(minutes=1), tick=False):
        assert correspondences_publish_due() == 1

    assert [c.pk for c in _inbox_of(kindergarten)] == [message.pk]
    message.refresh_from_db()
    assert message.status == Correspondence.Status.PUBLISHED


def test_publishing_what_is_due_twice_publishes_once(
    caseworker, open_service, kindergarten
):
    message = _schedule(caseworker, open_service, kindergarten)

    with time_machine.travel(AT_THREE, tick=False):
        correspondences_publish_due()
        assert correspondences_publish_due() == 0

    assert message.events.filter(kind=StatusEvent.Kind.PUBLISHED).count() == 1


def test_the_notification_of_a_scheduled_message_waits_for_its_publication(
    caseworker, secret_service, kindergarten
):
    message = _schedule(caseworker, secret_service, kindergarten)
    deliveries = Delivery.objects.filter(order__correspondence=message)
    assert [d.not_before for d in deliveries] == [None]

    with time_machine.travel(AT_THREE, tick=False):
        tasks.correspondences_publish_due()

    assert [d.not_before for d in deliveries.all()] == [AT_THREE]
    order = NotificationOrder.objects.get(correspondence=message)
    assert order.reminder_state == NotificationOrder.ReminderState.SCHEDULED


def test_author_cancels_a_scheduled_message_and_it_never_appears(
    caseworker, secret_service, kindergarten
):
    message = _schedule(caseworker, secret_service, kindergarten)

    with time_machine.travel(MONDAY_NOON, tick=False):
        correspondence_cancel(actor=caseworker.user, correspondence=message)
    with time_machine.travel(AT_THREE + datetime.timedelta(days=1), tick=False):
        assert correspondences_publish_due() == 0

    message.refresh_from_db()
    assert message.status == Correspondence.Status.CANCELLED
    assert _inbox_of(kindergarten) == []
    assert set(
        Delivery.objects.filter(order__correspondence=message).values_list(
            "status", flat=True
        )
    ) == {Delivery.Status.CANCELLED}


def test_a_colleague_cannot_cancel_the_authors_message(
    caseworker, agency, agency_admin, open_service, kindergarten
):
    message = _schedule(caseworker, open_service, kindergarten)
    colleague = caseworker_at(agency, agency_admin, open_service)

    with pytest.raises(PermissionDenied):
        correspondence_cancel(actor=colleague.user, correspondence=message)


def test_a_published_message_cannot_be_cancelled(
    caseworker, open_service, kindergarten
):
    message = send(caseworker, open_service, [kindergarten]).correspondences[0]

    with pytest.raises(ValidationError):
        correspondence_cancel(actor=caseworker.user, correspondence=message)


def test_author_cancels_on_the_status_page_after_confirming(
    client, caseworker, agency, open_service, kindergarten
):
    message = _schedule(
        caseworker,
        open_service,
        kindergarten,
        at=timezone.now() + datetime.timedelta(days=1),
    )
    caseworker_client(client, caseworker, agency)
    url = f"{sent_detail_url(message)}cancel/"

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    message.refresh_from_db()
    assert message.status == Correspondence.Status.SCHEDULED

    response = client.post(url)

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Correspondence.Status.CANCELLED


def test_cancel_page_answers_404_to_a_colleague(
    client, caseworker, agency, agency_admin, open_service, kindergarten
):
    message = _schedule(
        caseworker,
        open_service,
        kindergarten,
        at=timezone.now() + datetime.timedelta(days=1),
    )
    colleague = caseworker_at(agency, agency_admin, open_service)
    act_for(client, colleague.user, agency)

    response = client.post(f"{sent_detail_url(message)}cancel/")

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.status == Correspondence.Status.SCHEDULED


def test_revoked_caseworker_cannot_see_the_status_page_any_more(
    client, caseworker, agency, agency_admin, open_service, kindergarten
):
    message = send(caseworker, open_service, [kindergarten]).correspondences[0]
    caseworker_client(client, caseworker, agency)
    held = Grant.objects.get(person=caseworker, access_group__service=open_service)
    delegation_revoke(actor=agency_admin.user, grant=held)

    assert client.get(sent_detail_url(message)).status_code == 404
