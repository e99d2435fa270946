"""Reading the organisation's access log (R14)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from apps.audit.models import AuditEntry
from apps.delegations.services import (
    correspondence_share,
    delegation_grant,
    delegation_revoke,
)
from apps.roles.models import Right
from tests.delegations.factories import (
    access_manager_of,
    act_for,
    confidential_service,
    give_access,
    main_administrator_of,
    published,
)
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

OSLO = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def ola():
    return PersonFactory(with_login=True, first_name="Ola", last_name="Hansen")


def _entries(response):
    return list(response.context["page"].object_list)


def test_log_records_each_access_event_in_the_pages(
    kari_client, organization, kari, ola
):
    service = confidential_service(name_en="Child welfare report")
    message = published(service=service, recipient=organization)[0]

    give_access(kari_client, kari, services=[service])
    give_access(kari_client, ola, rights=[Right.objects.get(code=Right.ACCESS_MANAGER)])
    kari_client.post(
        reverse("correspondence_share", args=[message.public_id]),
        {"national_id": ola.national_id, "last_name": ola.last_name},
    )
    grant = ola.grants.get()
    kari_client.post(reverse("access_revoke", args=[grant.pk]))

    response = kari_client.get(reverse("access_log"))

    assert [(e.action, e.subject) for e in _entries(response)][:4] == [
        (AuditEntry.Action.REVOKE, ola),
        (AuditEntry.Action.SHARE, ola),
        (AuditEntry.Action.GRANT, ola),
        (AuditEntry.Action.GRANT, kari),
    ]
    page = response.content.decode()
    assert "Kari Nordmann" in page
    assert "Ola Hansen" in page
    assert "Child welfare report" in page
    assert "127.0.0.1" in page
    assert ola.national_id not in page
    assert kari.national_id not in page


def test_log_is_for_main_administrators_only(client, organization, kari):
    manager = access_manager_of(organization, granted_by=kari)
    act_for(client, manager, organization)

    response = client.get(reverse("access_log"))

    assert response.status_code == 404


def test_log_of_another_organization_is_not_shown(kari_client, ola):
    elsewhere = OrganizationFactory()
    delegation_grant(
        actor=main_administrator_of(elsewhere).user,
        organization=elsewhere,
        person=ola,
        right=Right.objects.get(code=Right.MAIL_CONFIDENTIAL),
    )

    response = kari_client.get(reverse("access_log"))

    assert ola not in {e.subject for e in _entries(response)}


def test_log_filters_by_action(kari_client, organization, kari, ola):
    package = Right.objects.get(code=Right.MAIL_CONFIDENTIAL)
    grant = delegation_grant(
        actor=kari.user, organization=organization, person=ola, right=package
    )
    delegation_revoke(actor=kari.user, grant=grant)

    response = kari_client.get(reverse("access_log"), {"action": "revoke"})

    assert [e.action for e in _entries(response)] == [AuditEntry.Action.REVOKE]


def test_log_filters_by_person(kari_client, organization, kari, ola):
    package = Right.objects.get(code=Right.MAIL_CONFIDENTIAL)
    for person in [ola, PersonFactory()]:
        delegation_grant(
            actor=kari.user, organization=organization, person=person, right=package
        )

    response = kari_client.get(reverse("access_log"), {"person": ola.pk})

    assert [e.subject for e in _entries(response)] == [ola]


def test_log_filter_by_person_includes_what_they_did(
    kari_client, organization, kari, ola
):
    service = confidential_service()
    delegation_grant(
        actor=kari.user, organization=organization, person=kari, service=service
    )
    message = published(service=service, recipient=organization)[0]
    correspondence_share(actor=kari.user, correspondence=message, person=ola)

    response = kari_client.get(reverse("access_log"), {"person": kari.pk})

    entries = _entries(response)
    assert AuditEntry.Action.SHARE in {e.action for e in entries}
    assert {e.actor for e in entries if e.actor} == {kari.user}


def test_log_filters_by_date_range(kari_client, organization, kari):
    package = Right.objects.get(code=Right.MAIL_CONFIDENTIAL)
    days = [datetime.date(2026, 3, d) for d in (1, 2, 3)]
    people = [PersonFactory() for _ in days]
    for day, person in zip(days, people, strict=True):
        at = datetime.datetime.combine(day, datetime.time(0, 30), tzinfo=OSLO)
        with time_machine.travel(at, tick=False):
            delegation_grant(
                actor=kari.user, organization=organization, person=person, right=package
            )

    response = kari_client.get(
        reverse("access_log"), {"date_from": "2026-03-02", "date_to": "2026-03-02"}
    )

    assert [e.subject for e in _entries(response)] == [people[1]]


def test_log_refuses_a_range_that_ends_before_it_starts(kari_client):
    response = kari_client.get(
        reverse("access_log"), {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == [
        "The end date comes before the start date."
    ]


def test_log_is_paginated_newest_first(kari_client, organization, kari):
    package = Right.objects.get(code=Right.MAIL_CONFIDENTIAL)
    for _ in range(55):
        delegation_grant(
            actor=kari.user,
            organization=organization,
            person=PersonFactory(),
            right=package,
        )

    first = kari_client.get(reverse("access_log"), {"action": "grant"})
    second = kari_client.get(reverse("access_log"), {"action": "grant", "page": 2})

    assert len(_entries(first)) == 50
    assert len(_entries(second)) == 5
    newest = _entries(first)[0]
    assert newest == AuditEntry.objects.filter(action="grant").first()
    assert "action=grant&amp;page=2" in first.content.decode()
