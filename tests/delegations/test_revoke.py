"""Revoking access: asked first, in force at once (R5, R8)."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEntry
from apps.delegations.models import Grant
from apps.delegations.services import delegation_grant
from apps.roles.models import Right
from tests.delegations.factories import act_for, main_administrator_of
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_grant(organization, kari):
    return delegation_grant(
        actor=kari.user,
        organization=organization,
        person=PersonFactory(with_login=True, first_name="Ola", last_name="Hansen"),
        right=Right.objects.get(code=Right.ACCESS_MANAGER),
    )


def test_main_administrator_is_asked_before_revoking(kari_client, manager_grant):
    response = kari_client.get(reverse("access_revoke", args=[manager_grant.pk]))

    assert response.status_code == 200
    assert "Revoke the access of Ola Hansen to Access manager?" in (
        response.content.decode()
    )
    manager_grant.refresh_from_db()
    assert manager_grant.ended_at is None


def test_revoked_access_manager_loses_the_page_on_the_next_request(
    kari_client, client_factory, organization, manager_grant
):
    manager = act_for(client_factory(), manager_grant.person, organization)
    assert manager.get(reverse("access")).status_code == 200

    response = kari_client.post(reverse("access_revoke", args=[manager_grant.pk]))

    assert response.status_code == 302
    manager_grant.refresh_from_db()
    assert manager_grant.end_reason == Grant.EndReason.REVOKED
    assert manager.get(reverse("access")).status_code == 404
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVOKE)
    assert entry.subject == manager_grant.person
    assert entry.ip_address == "127.0.0.1"


def test_main_administrator_cannot_revoke_access_from_the_register(kari_client, kari):
    grant = kari.grants.get(access_group__right__code=Right.MAIN_ADMINISTRATOR)

    asked = kari_client.get(reverse("access_revoke", args=[grant.pk]))
    posted = kari_client.post(reverse("access_revoke", args=[grant.pk]))

    assert asked.status_code == posted.status_code == 403
    grant.refresh_from_db()
    assert grant.ended_at is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVOKE).exists()


def test_grant_of_another_organization_is_not_found(kari_client):
    elsewhere = main_administrator_of()
    grant = elsewhere.grants.first()

    response = kari_client.post(reverse("access_revoke", args=[grant.pk]))

    assert response.status_code == 404


def test_revoking_asks_for_a_post(kari_client, manager_grant):
    kari_client.get(reverse("access_revoke", args=[manager_grant.pk]))
    kari_client.put(reverse("access_revoke", args=[manager_grant.pk]))

    manager_grant.refresh_from_db()
    assert manager_grant.ended_at is None
