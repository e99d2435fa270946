"""The correspondence tasks: thin, idempotent, and safe to run twice at once."""

from celery import shared_task

from apps.correspondences import sending


@shared_task(name="correspondences.publish_due", ignore_result=True)
def correspondences_publish_due():
    """Publish the scheduled messages whose time has come."""
    return sending.correspondences_publish_due()
