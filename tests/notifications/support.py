"""Steps the notification tests take through the real services."""

import json
from dataclasses import replace

from django.conf import settings
from django.db import transaction

from apps.correspondences.services import correspondence_publish
from apps.notifications.models import Delivery
from apps.notifications.services import (
    notification_orders_create,
    notification_spec_default,
    notifications_release,
)
from tests.factories import CorrespondenceFactory


def send(service, recipient, *, channel="both", reminder=None, **fields):
    """Write, notify and publish one message, as the send service will."""
    with transaction.atomic():
        correspondence = CorrespondenceFactory(
            service=service, recipient=recipient, **fields
        )
        spec = notification_spec_default(
            confidential=correspondence.is_confidential,
            language=correspondence.language,
            channel=channel,
        )
        if reminder is not None:
            spec = replace(spec, reminder_enabled=reminder)
        notification_orders_create(correspondences=[correspondence], spec=spec)
        correspondence_publish(correspondence=correspondence)
        notifications_release(correspondence_ids=[correspondence.pk])
    return correspondence


def deliveries(correspondence, **filters):
    return list(
        Delivery.objects.filter(order__correspondence=correspondence, **filters)
    )


def sms_lines():
    path = settings.SMS_FILE_PATH
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]
