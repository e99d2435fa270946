import pytest
from django.urls import reverse

from apps.audit.models import AuditEntry
from apps.organizations.models import NotificationAddress
from apps.roles.services import register_rights_sync
from tests.factories import PersonFactory, RegisterRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def main_administrator_client(client):
    role = RegisterRoleFactory()
    register_rights_sync(organization=role.organization)
    client.force_login(role.person.user)
    client.post(reverse("party"), {"party": role.organization.number})
    return client, role.organization


def test_main_administrator_adds_an_email_and_a_mobile_number(
    main_administrator_client,
):
    client, organization = main_administrator_client

    client.post(
        reverse("notification_address_add"),
        {"channel": "email", "address": " Post@Solsikken.example.NO "},
    )
    client.post(
        reverse("notification_address_add"),
        {"channel": "sms", "address": "912 34 567"},
    )

    addresses = set(
        organization.notification_addresses.values_list("address", flat=True)
    )
    assert addresses == {"post@solsikken.example.no", "+4791234567"}
    assert (
        AuditEntry.objects.filter(
            organization=organization, action=AuditEntry.Action.ADDRESS_ADD
        ).count()
        == 2
    )
    page = client.get(reverse("access"))
    assert b"+4791234567" in page.content


@pytest.mark.parametrize(
    ("channel", "address"),
    [("email", "not-an-address"), ("sms", "22 22 22 22"), ("sms", "123")],
)
def test_invalid_address_is_refused_on_the_field_and_nothing_saved(
    main_administrator_client, channel, address
):
    client, organization = main_administrator_client

    response = client.post(
        reverse("notification_address_add"), {"channel": channel, "address": address}
    )

    assert response.status_code == 400
    assert response.context["address_form"].errors["address"]
    assert not organization.notification_addresses.exists()


def test_main_administrator_removes_an_address_and_it_is_logged(
    main_administrator_client,
):
    client, organization = main_administrator_client
    address = NotificationAddress.objects.create(
        organization=organization, channel="email", address="post@example.no"
    )

    response = client.post(reverse("notification_address_remove", args=[address.pk]))

    assert response.status_code == 302
    assert not organization.notification_addresses.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ADDRESS_REMOVE).exists()


def test_address_of_another_organisation_cannot_be_removed(main_administrator_client):
    client, _ = main_administrator_client
    other = RegisterRoleFactory().organization
    address = NotificationAddress.objects.create(
        organization=other, channel="email", address="post@example.no"
    )

    response = client.post(reverse("notification_address_remove", args=[address.pk]))

    assert response.status_code == 404
    assert NotificationAddress.objects.filter(pk=address.pk).exists()


def test_employee_without_a_role_is_sent_to_choose_a_party_and_adds_nothing(client):
    person = PersonFactory(with_login=True)
    client.force_login(person.user)

    response = client.post(
        reverse("notification_address_add"),
        {"channel": "email", "address": "post@example.no"},
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("party"))
    assert not NotificationAddress.objects.exists()
