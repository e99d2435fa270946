import pytest
from django.urls import reverse

from apps.organizations.models import NotificationAddress, RegisterRole
from tests.factories import OrganizationFactory, PersonFactory, RegisterRoleFactory

pytestmark = pytest.mark.django_db


def test_operator_finds_an_organization_by_number_or_name(admin_client):
    wanted = OrganizationFactory(name="Solsikken barnehage AS")
    other = OrganizationFactory(name="Fjord og Bakst ANS")
    url = reverse("admin:organizations_organization_changelist")

    by_number = admin_client.get(url, {"q": wanted.number})
    by_name = admin_client.get(url, {"q": "solsikken"})

    for response in (by_number, by_name):
        assert wanted.name in response.text
        assert other.name not in response.text


def test_operator_filters_organizations_by_deleted_state(admin_client):
    OrganizationFactory(name="Levende AS")
    OrganizationFactory(name="Slettet AS", is_deleted=True)
    url = reverse("admin:organizations_organization_changelist")

    response = admin_client.get(url, {"is_deleted__exact": "1"})

    assert "Slettet AS" in response.text
    assert "Levende AS" not in response.text


def test_operator_sees_roles_and_addresses_of_an_organization_read_only(admin_client):
    role = RegisterRoleFactory()
    organization = role.organization
    NotificationAddress.objects.create(
        organization=organization, channel="email", address="post@example.no"
    )
    url = reverse("admin:organizations_organization_change", args=[organization.pk])

    response = admin_client.get(url)

    assert "post@example.no" in response.text
    assert role.person.full_name in response.text
    assert 'name="register_roles-0-role_type"' not in response.text
    assert 'name="notification_addresses-0-address"' not in response.text
    assert role.person.national_id not in response.text


def test_operator_never_sees_a_national_id_in_full_on_person_pages(admin_client):
    person = PersonFactory(last_name="Nordmann")
    changelist = reverse("admin:organizations_person_changelist")
    change = reverse("admin:organizations_person_change", args=[person.pk])

    listed = admin_client.get(changelist, {"q": "nordmann"})
    shown = admin_client.get(change)

    assert "Nordmann" in listed.text
    assert person.masked_national_id in listed.text
    for response in (listed, shown):
        assert person.national_id not in response.text
    assert person.masked_national_id in shown.text


def test_operator_adds_a_person_with_a_national_id(admin_client):
    url = reverse("admin:organizations_person_add")

    response = admin_client.get(url)

    assert 'name="national_id"' in response.text


def test_operator_cannot_change_register_roles_by_hand(admin_client):
    role = RegisterRoleFactory()

    listed = admin_client.get(reverse("admin:organizations_registerrole_changelist"))
    add = admin_client.get(reverse("admin:organizations_registerrole_add"))
    change = admin_client.post(
        reverse("admin:organizations_registerrole_change", args=[role.pk]),
        {"holder_kind": RegisterRole.HolderKind.OTHER},
    )

    assert role.organization.number in listed.text
    assert role.person.national_id not in listed.text
    assert add.status_code == 403
    assert change.status_code == 403
    role.refresh_from_db()
    assert role.holder_kind == RegisterRole.HolderKind.PERSON


def test_operator_lists_role_types_and_rights(admin_client):
    types = admin_client.get(reverse("admin:roles_registerroletype_changelist"))
    rights = admin_client.get(reverse("admin:roles_right_changelist"))
    add_right = admin_client.get(reverse("admin:roles_right_add"))

    assert "DAGL" in types.text
    assert "mail-confidential" in rights.text
    assert add_right.status_code == 403
