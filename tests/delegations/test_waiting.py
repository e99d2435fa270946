"""Confidential messages that nobody at the organisation can read yet (R5, R7)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from apps.delegations.selectors import waiting_services_for_organization
from apps.delegations.services import access_group_ensure, delegation_grant
from apps.roles.models import Right
from tests.delegations.factories import (
    act_for,
    confidential_service,
    published,
)
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

OSLO = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def service():
    return confidential_service(
        name_en="Child welfare report", owner__name="Oslo kommune Barnevern"
    )


@pytest.fixture
def waiting_messages(service, organization):
    published(
        service=service,
        recipient=organization,
        count=2,
        published_at=datetime.datetime(2026, 3, 9, 10, tzinfo=OSLO),
        title="Bekymringsmelding om Per, 5 år",
    )
    return published(
        service=service,
        recipient=organization,
        published_at=datetime.datetime(2026, 3, 2, 10, tzinfo=OSLO),
        title="Sak 2026/44 til saksbehandler Lise",
    )


def test_main_administrator_sees_what_waits_without_any_content(
    client, organization, kari, service, waiting_messages
):
    act_for(client, kari, organization)

    response = client.get(reverse("access"))

    page = response.content.decode()
    assert response.context["waiting"] == [
        {
            "service": service,
            "count": 3,
            "oldest": datetime.datetime(2026, 3, 2, 10, tzinfo=OSLO),
        }
    ]
    assert "Child welfare report" in page
    assert "Oslo kommune Barnevern" in page
    assert "03/02/2026" in page
    assert f"{reverse('access_give')}?service={service.pk}" in page
    assert "Bekymringsmelding" not in page
    assert "Sak 2026/44" not in page
    assert "Oppsummering" not in page


def test_waiting_service_disappears_once_someone_is_given_it(
    client, organization, kari, service, waiting_messages
):
    delegation_grant(
        actor=kari.user,
        organization=organization,
        person=PersonFactory(with_login=True),
        service=service,
    )
    act_for(client, kari, organization)

    response = client.get(reverse("access"))

    assert response.context["waiting"] == []
    assert "No confidential message is waiting" in response.content.decode()


def test_message_opened_by_a_package_the_policy_names_does_not_wait(
    organization, kari, service, waiting_messages
):
    package = Right.objects.get(code=Right.MAIL_CONFIDENTIAL)
    group = access_group_ensure(organization=organization, right=package).group
    for message in waiting_messages:
        assign_perm("correspondences.view_correspondence", group, message)
    waiting = waiting_services_for_organization(organization=organization)
    assert waiting[0]["count"] == 3

    delegation_grant(
        actor=kari.user,
        organization=organization,
        person=PersonFactory(),
        right=package,
    )

    assert waiting_services_for_organization(organization=organization) == [
        {
            "service": service,
            "count": 2,
            "oldest": datetime.datetime(2026, 3, 9, 10, tzinfo=OSLO),
        }
    ]


def test_expired_grant_leaves_the_messages_waiting(
    organization, kari, service, waiting_messages
):
    delegation_grant(
        actor=kari.user,
        organization=organization,
        person=PersonFactory(),
        service=service,
        valid_until=timezone.now() + datetime.timedelta(hours=1),
    )
    assert waiting_services_for_organization(organization=organization) == []

    with time_machine.travel(datetime.timedelta(hours=2)):
        waiting = waiting_services_for_organization(organization=organization)

    assert waiting[0]["count"] == 3


def test_shared_message_does_not_wait(organization, kari, service, waiting_messages):
    ola = PersonFactory(with_login=True)

    assign_perm("correspondences.view_correspondence", ola.user, waiting_messages[0])

    waiting = waiting_services_for_organization(organization=organization)
    assert waiting[0]["count"] == 2


def test_unpublished_and_other_organizations_messages_do_not_wait(
    organization, service
):
    published(service=service, recipient=OrganizationFactory())
    draft = published(service=service, recipient=organization)[0]
    draft.status = "draft"
    draft.save(update_fields=["status"])

    assert waiting_services_for_organization(organization=organization) == []


def test_waiting_list_costs_the_same_for_many_messages(
    organization, service, django_assert_num_queries
):
    published(service=service, recipient=organization, count=300)
    other = confidential_service()
    published(service=other, recipient=organization, count=5)

    # The aggregate over the messages, then their services with owners.
    with django_assert_num_queries(2):
        waiting = waiting_services_for_organization(organization=organization)

    assert sorted(row["count"] for row in waiting) == [5, 300]
