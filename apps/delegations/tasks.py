from celery import shared_task

from apps.delegations.services import grants_expire_due


@shared_task(name="delegations.grants_expire")
def grants_expire():
    """End the grants whose time has run out (R8); safe to run at any time."""
    return grants_expire_due()
