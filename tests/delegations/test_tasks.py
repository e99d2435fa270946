"""Grants with an end date end on time (R8)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.delegations.models import Grant
from apps.delegations.services import delegation_grant
from apps.delegations.tasks import grants_expire
from apps.roles.models import Right
from tests.delegations.factories import main_administrator_of
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_expiry_task_ends_grants_whose_time_has_run_out():
    organization = OrganizationFactory()
    kari = main_administrator_of(organization)
    ola = PersonFactory(with_login=True)
    grant = delegation_grant(
        actor=kari.user,
        organization=organization,
        person=ola,
        right=Right.objects.get(code=Right.MAIL_CONFIDENTIAL),
        valid_until=timezone.now() + datetime.timedelta(days=1),
    )
    assert ola.user.groups.filter(pk=grant.access_group.group_id).exists()

    with time_machine.travel(datetime.timedelta(days=2)):
        grants_expire.delay()

    grant.refresh_from_db()
    assert grant.end_reason == Grant.EndReason.EXPIRED
    assert not ola.user.groups.filter(pk=grant.access_group.group_id).exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPIRE, subject=ola
    ).exists()
