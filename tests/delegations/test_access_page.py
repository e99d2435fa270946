"""The access page: who may see it, and what it shows (R2, R5)."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.delegations.services import delegation_grant
from apps.roles.models import Right
from tests.delegations.factories import (
    access_manager_of,
    act_for,
    employee_of,
    main_administrator_of,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_employee_with_nothing_finds_no_access_page(client, organization):
    act_for(client, employee_of(organization), organization)

    response = client.get(reverse("access"))

    assert response.status_code == 404


def test_outsider_acting_for_the_organization_finds_no_access_page(
    client, organization
):
    act_for(client, PersonFactory(with_login=True), organization)

    response = client.get(reverse("access"))

    assert response.status_code == 404


def test_main_administrator_of_another_organization_finds_no_access_page(
    client, organization
):
    elsewhere = main_administrator_of()
    # A board member here too, so that they may act for this organisation.
    employee_of(organization, person=elsewhere)
    act_for(client, elsewhere, organization)

    response = client.get(reverse("access"))

    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("access"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_main_administrator_sees_key_role_access_from_the_register(
    client, organization, kari
):
    act_for(client, kari, organization)

    response = client.get(reverse("access"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Kari Nordmann" in page
    assert "from the Register of Business Enterprises" in page
    assert "General manager" in page
    assert "Main Administrator" in page
    assert "Mail/Archive" in page
    # Register grants change in the register, not here.
    assert reverse("access_revoke", args=[kari.grants.first().pk]) not in page


def test_main_administrator_sees_who_granted_what_and_until_when(
    client, organization, kari
):
    ola = PersonFactory(with_login=True, first_name="Ola", last_name="Hansen")
    grant = delegation_grant(
        actor=kari.user,
        organization=organization,
        person=ola,
        right=Right.objects.get(code=Right.MAIL_CONFIDENTIAL),
    )
    act_for(client, kari, organization)

    response = client.get(reverse("access"))

    page = response.content.decode()
    assert "Ola Hansen" in page
    assert "granted by Kari Nordmann" in page
    assert "until revoked" in page
    assert reverse("access_revoke", args=[grant.pk]) in page


def test_access_manager_sees_the_access_page(client, organization, kari):
    manager = access_manager_of(organization, granted_by=kari)
    act_for(client, manager, organization)

    response = client.get(reverse("access"))

    assert response.status_code == 200
    assert "Waiting for access" not in response.content.decode()


def test_post_without_csrf_token_is_refused(organization, kari):
    client = act_for(Client(enforce_csrf_checks=True), kari, organization)

    response = client.post(
        reverse("access_give"),
        {"national_id": kari.national_id, "last_name": kari.last_name},
    )

    assert response.status_code == 403
