"""Giving access through the pages, in three steps (R5, section 6)."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.delegations.forms import NO_SUCH_PERSON
from apps.delegations.models import Grant
from apps.roles.models import Right
from tests.delegations.factories import (
    access_manager_of,
    act_for,
    confidential_service,
    give_access,
    main_administrator_of,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _identify(client, national_id, last_name):
    return client.post(
        reverse("access_give"), {"national_id": national_id, "last_name": last_name}
    )


def _form_errors(response):
    return response.context["form"].non_field_errors()


def test_main_administrator_gets_one_message_for_unknown_number_or_wrong_name(
    kari_client,
):
    ola = PersonFactory(last_name="Hansen")
    stranger = PersonFactory.build()  # a valid number that nobody holds

    wrong_name = _identify(kari_client, ola.national_id, "Olsen")
    unknown = _identify(kari_client, stranger.national_id, "Hansen")

    assert wrong_name.status_code == unknown.status_code == 200
    assert _form_errors(wrong_name) == _form_errors(unknown) == [NO_SUCH_PERSON]
    assert "state" not in wrong_name.context
    assert Grant.objects.filter(person=ola).count() == 0


def test_main_administrator_is_told_the_rule_an_invalid_number_breaks(kari_client):
    ola = PersonFactory.build()
    broken = ola.national_id[:10] + str((int(ola.national_id[10]) + 1) % 10)

    response = _identify(kari_client, broken, "Hansen")

    errors = response.context["form"].errors["national_id"]
    assert errors == ["The national identity number fails its two MOD11 check digits."]


def test_main_administrator_finds_a_person_whatever_the_case_of_the_name(
    kari_client,
):
    ola = PersonFactory(last_name="Hansen")

    response = _identify(kari_client, ola.national_id, "  hANSEN ")

    assert response.status_code == 200
    assert "state" in response.context
    assert ola.national_id not in response.content.decode()


def test_main_administrator_gives_a_confidential_service(kari_client, organization):
    ola = PersonFactory(with_login=True, first_name="Ola", last_name="Hansen")
    service = confidential_service()

    response = give_access(kari_client, ola, services=[service])

    assert response.status_code == 302
    assert response.url == reverse("access")
    grant = Grant.objects.get(person=ola)
    assert grant.access_group.service == service
    assert grant.access_group.organization == organization
    assert grant.source == Grant.Source.DELEGATION
    entry = AuditEntry.objects.get(action=AuditEntry.Action.GRANT, subject=ola)
    assert entry.organization == organization
    assert entry.ip_address == "127.0.0.1"
    assert "Ola Hansen" in kari_client.get(reverse("access")).content.decode()


def test_main_administrator_gives_packages_with_an_end_date(kari_client):
    ola = PersonFactory(with_login=True)
    packages = Right.objects.filter(
        code__in=[Right.MAIL_CONFIDENTIAL, Right.ACCESS_MANAGER]
    )

    give_access(kari_client, ola, rights=packages, valid_until="2099-03-31")

    grants = Grant.objects.filter(person=ola).select_related("access_group__right")
    assert {g.access_group.right.code for g in grants} == {
        Right.MAIL_CONFIDENTIAL,
        Right.ACCESS_MANAGER,
    }
    # Through the last day chosen, to the local midnight after it.
    ends = {timezone.localtime(g.valid_until) for g in grants}
    assert ends == {
        datetime.datetime(2099, 4, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
    }


def test_main_administrator_gives_access_to_themself(kari_client, kari):
    service = confidential_service()

    first = _identify(kari_client, kari.national_id, kari.last_name)
    response = give_access(kari_client, kari, services=[service])

    assert "You are giving access to yourself" in first.content.decode()
    assert response.status_code == 302
    assert Grant.objects.filter(person=kari, access_group__service=service).exists()


def test_main_administrator_must_choose_something_to_give(kari_client):
    ola = PersonFactory()
    first = _identify(kari_client, ola.national_id, ola.last_name)

    response = kari_client.post(
        reverse("access_give_choose"), {"state": first.context["state"]}
    )

    assert _form_errors(response) == [
        "Choose at least one service, access package or role."
    ]


def test_waiting_service_link_preselects_the_service(kari_client):
    service = confidential_service()
    ola = PersonFactory()
    start = kari_client.get(reverse("access_give"), {"service": service.pk})

    response = kari_client.post(
        reverse("access_give"),
        {
            "national_id": ola.national_id,
            "last_name": ola.last_name,
            "service": start.context["form"]["service"].value(),
        },
    )

    assert f'value="{service.pk}" id="service-{service.pk}" checked' in (
        response.content.decode()
    )


def test_tampered_state_starts_the_steps_again(kari_client):
    response = kari_client.post(reverse("access_give_confirm"), {"state": "x:y:z"})

    assert response.status_code == 302
    assert response.url == reverse("access_give")
    assert not Grant.objects.filter(source=Grant.Source.DELEGATION).exists()


def test_state_of_another_main_administrator_is_refused(
    kari_client, client_factory, organization
):
    ola = PersonFactory()
    first = _identify(kari_client, ola.national_id, ola.last_name)
    other = act_for(client_factory(), main_administrator_of(organization), organization)

    response = other.post(
        reverse("access_give_choose"),
        {
            "state": first.context["state"],
            "rights": [Right.objects.get(code=Right.MAIL_CONFIDENTIAL).pk],
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("access_give")


def test_access_manager_cannot_give_what_they_do_not_hold(client, organization, kari):
    manager = access_manager_of(organization, granted_by=kari)
    ola = PersonFactory(with_login=True)
    act_for(client, manager, organization)

    response = give_access(
        client, ola, rights=[Right.objects.get(code=Right.MAIL_CONFIDENTIAL)]
    )

    assert response.status_code == 403
    assert not Grant.objects.filter(person=ola).exists()
    assert not AuditEntry.objects.filter(subject=ola).exists()


def test_access_manager_passes_on_a_service_they_hold(client, organization, kari):
    service = confidential_service()
    manager = access_manager_of(organization, granted_by=kari, services=[service])
    ola = PersonFactory(with_login=True)
    act_for(client, manager, organization)

    response = give_access(client, ola, services=[service])

    assert response.status_code == 302
    assert Grant.objects.filter(person=ola, access_group__service=service).exists()
