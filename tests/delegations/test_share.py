"""Sharing one message with one named person (R5, R14)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from apps.audit.models import AuditEntry
from apps.delegations.forms import NO_SUCH_PERSON
from apps.delegations.selectors import correspondence_readable_by
from apps.delegations.services import (
    correspondence_share,
    correspondence_unshare,
    delegation_grant,
)
from tests.delegations.factories import (
    access_manager_of,
    act_for,
    confidential_service,
    published,
)
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    return confidential_service()


@pytest.fixture
def message(service, organization):
    return published(service=service, recipient=organization, title="Sak 2026/7")[0]


@pytest.fixture
def reader(organization, kari, service):
    """Kari, once she has given herself the service (R5)."""
    delegation_grant(
        actor=kari.user, organization=organization, person=kari, service=service
    )
    return kari


@pytest.fixture
def reader_client(client, organization, reader):
    return act_for(client, reader, organization)


def _share_url(message):
    return reverse("correspondence_share", args=[message.public_id])


def test_main_administrator_shares_a_message_with_one_person(
    reader_client, organization, message
):
    ola = PersonFactory(with_login=True, first_name="Ola", last_name="Hansen")

    response = reader_client.post(
        _share_url(message), {"national_id": ola.national_id, "last_name": "hansen"}
    )

    assert response.status_code == 302
    assert correspondence_readable_by(
        ola.user, correspondence=message, organization=organization
    )
    page = reader_client.get(_share_url(message)).content.decode()
    assert "Ola Hansen" in page
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SHARE)
    assert entry.subject == ola
    assert entry.target_id == str(message.public_id)
    assert entry.ip_address == "127.0.0.1"
    assert "Sak 2026/7" not in entry.target


def test_main_administrator_stops_sharing_a_message(
    reader_client, organization, message, reader
):
    ola = PersonFactory(with_login=True)
    correspondence_share(actor=reader.user, correspondence=message, person=ola)

    response = reader_client.post(
        reverse("correspondence_unshare", args=[message.public_id, ola.pk])
    )

    assert response.status_code == 302
    assert not correspondence_readable_by(
        ola.user, correspondence=message, organization=organization
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNSHARE)
    assert entry.subject == ola


def test_share_gives_one_message_for_unknown_number_or_wrong_name(
    reader_client, message
):
    ola = PersonFactory(with_login=True, last_name="Hansen")

    wrong_name = reader_client.post(
        _share_url(message), {"national_id": ola.national_id, "last_name": "Olsen"}
    )
    unknown = reader_client.post(
        _share_url(message),
        {"national_id": PersonFactory.build().national_id, "last_name": "Hansen"},
    )

    assert wrong_name.context["form"].non_field_errors() == [NO_SUCH_PERSON]
    assert unknown.context["form"].non_field_errors() == [NO_SUCH_PERSON]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SHARE).exists()


def test_person_without_a_login_cannot_be_given_a_share(reader_client, message):
    ola = PersonFactory(user=None)

    response = reader_client.post(
        _share_url(message),
        {"national_id": ola.national_id, "last_name": ola.last_name},
    )

    assert response.status_code == 200
    assert "has never logged in to Taushet" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SHARE).exists()


def test_main_administrator_without_access_finds_no_share_page(
    client, organization, kari, message
):
    act_for(client, kari, organization)

    response = client.get(_share_url(message))
    posted = client.post(
        _share_url(message),
        {"national_id": kari.national_id, "last_name": kari.last_name},
    )

    assert response.status_code == posted.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SHARE).exists()


def test_main_administrator_cannot_share_by_calling_the_service_unread(kari, message):
    with pytest.raises(PermissionDenied):
        correspondence_share(
            actor=kari.user, correspondence=message, person=PersonFactory()
        )


def test_reader_who_manages_nothing_finds_no_share_page(
    client, organization, kari, service, message
):
    ola = PersonFactory(with_login=True)
    delegation_grant(
        actor=kari.user, organization=organization, person=ola, service=service
    )
    act_for(client, ola, organization)

    response = client.get(_share_url(message))

    assert response.status_code == 404


def test_message_of_another_organization_is_not_found(reader_client, service):
    elsewhere = published(service=service, recipient=OrganizationFactory())[0]

    response = reader_client.get(_share_url(elsewhere))

    assert response.status_code == 404


def test_access_manager_who_reads_the_message_may_share_it(
    client, organization, kari, service, message
):
    manager = access_manager_of(organization, granted_by=kari, services=[service])
    ola = PersonFactory(with_login=True)

    correspondence_share(actor=manager.user, correspondence=message, person=ola)

    assert correspondence_readable_by(
        ola.user, correspondence=message, organization=organization
    )


def test_sharing_twice_records_it_once(reader, message):
    ola = PersonFactory(with_login=True)

    correspondence_share(actor=reader.user, correspondence=message, person=ola)
    correspondence_share(actor=reader.user, correspondence=message, person=ola)

    assert AuditEntry.objects.filter(action=AuditEntry.Action.SHARE).count() == 1


def test_unsharing_a_person_without_a_share_is_not_found(reader_client, message):
    ola = PersonFactory(with_login=True)

    response = reader_client.post(
        reverse("correspondence_unshare", args=[message.public_id, ola.pk])
    )

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UNSHARE).exists()


def test_outsider_cannot_unshare_through_the_service(reader, message):
    ola = PersonFactory(with_login=True)
    correspondence_share(actor=reader.user, correspondence=message, person=ola)

    with pytest.raises(PermissionDenied):
        correspondence_unshare(
            actor=PersonFactory(with_login=True).user,
            correspondence=message,
            person=ola,
        )

    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UNSHARE).exists()
