"""R1–R3 as they follow from imported roles files."""

import pytest

from apps.delegations.models import Grant
from apps.organizations.importer import import_file
from apps.organizations.models import Organization
from apps.roles.models import Right
from apps.roles.selectors import is_main_administrator, right_codes_for_user
from tests.factories import PersonFactory
from tests.organizations.brreg import (
    organization_number,
    organization_role,
    person_role,
    roles,
    synthetic_national_id,
    unit,
    write,
)

pytestmark = pytest.mark.django_db

KEY_ROLE_RIGHTS = {Right.MAIN_ADMINISTRATOR, Right.MAIL_ARCHIVE}


@pytest.fixture
def number():
    return organization_number()


@pytest.fixture
def person():
    """A person who has logged in before the register named them."""
    return PersonFactory(national_id=synthetic_national_id(), with_login=True)


def _import(tmp_path, data, name="roles.json"):
    result = import_file(write(tmp_path / name, data))
    assert not result.is_refused, result.error
    return result


def _register_grants(number):
    return Grant.objects.filter(
        access_group__organization__number=number,
        source=Grant.Source.REGISTER,
        ended_at__isnull=True,
    )


def test_general_manager_with_national_id_is_main_administrator_with_mail_archive(
    tmp_path, number, person
):
    _import(
        tmp_path, roles(number, person_role("DAGL", national_id=person.national_id))
    )

    organization = Organization.objects.get(number=number)
    assert is_main_administrator(person.user, organization=organization)
    assert right_codes_for_user(person.user, organization=organization) == (
        KEY_ROLE_RIGHTS
    )


def test_key_role_never_brings_confidential_mail(tmp_path, number, person):
    _import(
        tmp_path, roles(number, person_role("LEDE", national_id=person.national_id))
    )

    organization = Organization.objects.get(number=number)
    codes = right_codes_for_user(person.user, organization=organization)
    assert Right.MAIL_CONFIDENTIAL not in codes


def test_partner_that_is_an_organization_gives_nothing(tmp_path, number):
    partner = organization_number()

    _import(tmp_path, roles(number, organization_role("DTPR", partner)))

    assert not _register_grants(number).exists()


def test_key_role_holder_known_by_birth_date_only_gives_nothing(
    tmp_path, number, person
):
    holding = person_role("DAGL", first=person.first_name, last=person.last_name)

    _import(tmp_path, roles(number, holding))

    organization = Organization.objects.get(number=number)
    assert not right_codes_for_user(person.user, organization=organization)
    assert not _register_grants(number).exists()


@pytest.mark.parametrize("flag", ["avregistrert", "fratraadt"])
def test_deregistered_key_role_gives_nothing(tmp_path, number, person, flag):
    holding = person_role("DAGL", national_id=person.national_id, **{flag: True})

    _import(tmp_path, roles(number, holding))

    organization = Organization.objects.get(number=number)
    assert not is_main_administrator(person.user, organization=organization)
    assert not _register_grants(number).exists()


def test_board_member_gives_nothing(tmp_path, number, person):
    _import(
        tmp_path, roles(number, person_role("MEDL", national_id=person.national_id))
    )

    assert not _register_grants(number).exists()


def test_key_role_removed_in_a_newer_file_ends_its_grants(tmp_path, number, person):
    other = synthetic_national_id()
    manager = person_role("DAGL", national_id=person.national_id)
    chair = person_role("LEDE", national_id=other, first="Ola")
    _import(tmp_path, roles(number, manager, chair))

    result = _import(tmp_path, roles(number, chair))

    organization = Organization.objects.get(number=number)
    assert not is_main_administrator(person.user, organization=organization)
    assert not right_codes_for_user(person.user, organization=organization)
    assert result.ended["grant"] == 2
    assert _register_grants(number).count() == 2


def test_key_role_deregistered_in_a_newer_file_ends_its_grants(
    tmp_path, number, person
):
    manager = person_role("DAGL", national_id=person.national_id)
    _import(tmp_path, roles(number, manager))

    _import(tmp_path, roles(number, manager | {"avregistrert": True}))

    organization = Organization.objects.get(number=number)
    assert not is_main_administrator(person.user, organization=organization)


def test_deleted_unit_ends_the_grants_of_its_key_roles(tmp_path, number, person):
    _import(tmp_path, unit(number), name="unit.json")
    _import(
        tmp_path, roles(number, person_role("DAGL", national_id=person.national_id))
    )

    gone = {"organisasjonsnummer": number, "slettedato": "2026-01-31"}
    result = _import(tmp_path, gone, name="unit.json")

    organization = Organization.objects.get(number=number)
    assert not is_main_administrator(person.user, organization=organization)
    assert not _register_grants(number).exists()
    assert result.numbers["ended"] == {number}


def test_key_role_holder_named_for_the_first_time_later_gets_rights_then(
    tmp_path, number
):
    national_id = synthetic_national_id()
    _import(tmp_path, roles(number, person_role("DAGL", national_id=national_id)))

    assert _register_grants(number).filter(person__national_id=national_id).count() == 2
