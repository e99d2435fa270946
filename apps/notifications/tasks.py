"""
The notification tasks. Each takes ids only, loads what it needs and calls
a service, and can run twice without sending twice.
"""

from celery import shared_task

from apps.notifications import reminders, sending
from apps.organizations.models import Organization


@shared_task(name="notifications.delivery_send", ignore_result=True)
def delivery_send(delivery_id):
    """Send the delivery if it is pending, due and not taken by another worker."""
    return sending.delivery_send(delivery_id=delivery_id)


@shared_task(name="notifications.deliveries_sweep", ignore_result=True)
def deliveries_sweep():
    """Queue again what stayed pending and release what dead workers held."""
    return sending.deliveries_sweep()


@shared_task(name="notifications.reminders_send_due", ignore_result=True)
def reminders_send_due():
    """Send the reminders whose day has come; update the R12 reminders."""
    return reminders.reminders_send_due()


@shared_task(name="notifications.organization_reminder_sync", ignore_result=True)
def organization_reminder_sync(organization_id):
    """Bring an organisation's R12 reminder up to date; safe to repeat."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is not None:
        reminders.organization_reminder_sync(organization=organization)
