import datetime
import gzip
import hashlib
import json
import shutil

import pytest

from apps.organizations import importer
from apps.organizations.importer import import_file, import_files
from apps.organizations.models import Organization, Person, RegisterRole
from apps.roles.models import RegisterRoleType
from tests.organizations.brreg import (
    SAMPLES,
    organization_number,
    organization_role,
    person_role,
    roles,
    sub_unit,
    synthetic_national_id,
    unit,
    write,
)

pytestmark = pytest.mark.django_db

INVALID_SAMPLES = {
    "python-brreg-enheter-details-response.json",
    "python-brreg-underenheter-details-response.json",
}


def _samples():
    return sorted(SAMPLES.glob("*.json"))


def _counts():
    return (
        Organization.objects.count(),
        RegisterRole.objects.count(),
        Person.objects.count(),
        RegisterRoleType.objects.count(),
    )


def test_importer_refuses_the_samples_with_invalid_numbers_by_name():
    results = import_files(_samples())

    refused = {r.name: r.error for r in results if r.is_refused}
    assert refused.keys() == INVALID_SAMPLES
    for error in refused.values():
        assert error.where == "organisasjonsnummer"
        assert "MOD11" in error.message
    assert not Organization.objects.filter(number__in=["112233445", "776655441"])


def test_importer_imports_the_other_samples():
    results = import_files(_samples())

    imported = {r.name: r.kind for r in results if not r.is_refused}
    assert imported == {
        "brreg-snap-enhet-923609016-equinor.json": "unit",
        "brreg-snap-roller-923609016-equinor.json": "roles",
        "python-brreg-enheter-roller-enhet-response.json": "roles",
        "python-brreg-enheter-roller-person-response.json": "roles",
    }
    equinor = Organization.objects.get(number="923609016")
    assert (equinor.name, equinor.form, equinor.is_registered) == (
        "EQUINOR ASA",
        "ASA",
        True,
    )
    assert equinor.register_roles.count() == 7


def test_second_import_of_the_samples_reports_no_changes():
    import_files(_samples())
    before = _counts()

    again = import_files(_samples())

    assert [r.name for r in again if r.has_changes] == []
    assert _counts() == before


def test_importer_tells_the_kind_of_file_by_its_content(tmp_path):
    misnamed = tmp_path / "enheter_alle.json"
    shutil.copy(SAMPLES / "brreg-snap-roller-923609016-equinor.json", misnamed)

    result = import_file(misnamed)

    assert result.kind == "roles"


def test_holder_known_by_birth_date_only_is_kept_without_a_person():
    import_file(SAMPLES / "brreg-snap-roller-923609016-equinor.json")

    role = RegisterRole.objects.get(role_type="DAGL")
    assert role.holder_kind == RegisterRole.HolderKind.UNIDENTIFIED_PERSON
    assert role.person is None
    assert role.holder_name == "Kari Nordmann"
    assert role.holder_birth_date == datetime.date(1970, 1, 1)
    assert role.holder_key == "dob:1970-01-01:Kari Nordmann"
    assert not Person.objects.exists()


def test_deregistered_board_member_is_kept_as_deregistered():
    import_file(SAMPLES / "brreg-snap-roller-923609016-equinor.json")

    role = RegisterRole.objects.get(holder_name="Per Olav Hansen")
    assert role.is_deregistered
    assert role.ended_at is None


def test_unit_named_only_as_holder_stays_unregistered_and_unnamed():
    import_file(SAMPLES / "python-brreg-enheter-roller-enhet-response.json")

    owner = Organization.objects.get(number="810005912")
    partner = Organization.objects.get(number="810006242")
    assert (owner.name, owner.is_registered) == ("", False)
    assert (partner.name, partner.is_registered) == ("", False)
    role = RegisterRole.objects.get(holder_organization=partner)
    assert role.organization == owner
    assert role.holder_kind == RegisterRole.HolderKind.ORGANIZATION
    assert role.holder_key == "org:810006242"
    assert role.holder_name == "Rolfsens Deltakerorganisasjon AS"


def test_unit_import_names_a_unit_known_from_roles_and_roles_never_blank_it():
    import_file(SAMPLES / "brreg-snap-roller-923609016-equinor.json")
    import_file(SAMPLES / "brreg-snap-enhet-923609016-equinor.json")
    import_file(SAMPLES / "brreg-snap-roller-923609016-equinor.json")

    equinor = Organization.objects.get(number="923609016")
    assert (equinor.name, equinor.is_registered) == ("EQUINOR ASA", True)


def test_importer_links_a_person_by_national_identity_number(tmp_path):
    number, national_id = organization_number(), synthetic_national_id()
    write(
        tmp_path / "a.json", roles(number, person_role("DAGL", national_id=national_id))
    )

    result = import_file(tmp_path / "a.json")

    person = Person.objects.get(national_id=national_id)
    assert (person.first_name, person.last_name) == ("Kari", "Nordmann")
    role = RegisterRole.objects.get(person=person)
    assert role.holder_kind == RegisterRole.HolderKind.PERSON
    assert role.holder_key == f"person:{person.pk}"
    assert result.created["person"] == 1


def test_second_import_updates_a_persons_names(tmp_path):
    number, national_id = organization_number(), synthetic_national_id()
    write(
        tmp_path / "a.json", roles(number, person_role("DAGL", national_id=national_id))
    )
    import_file(tmp_path / "a.json")
    renamed = person_role("DAGL", national_id=national_id, last="Nordmann-Li")
    write(tmp_path / "a.json", roles(number, renamed))

    result = import_file(tmp_path / "a.json")

    assert Person.objects.get().last_name == "Nordmann-Li"
    assert RegisterRole.objects.get().holder_name == "Kari Nordmann-Li"
    assert result.updated["person"] == 1
    assert result.updated["role"] == 1


def test_role_missing_from_a_newer_file_is_ended_and_comes_back(tmp_path):
    number = organization_number()
    manager = person_role("DAGL", first="Kari")
    member = person_role("MEDL", first="Ola", last="Hansen")
    write(tmp_path / "a.json", roles(number, manager, member))
    import_file(tmp_path / "a.json")
    write(tmp_path / "a.json", roles(number, manager))

    ended = import_file(tmp_path / "a.json")
    role = RegisterRole.objects.get(role_type="MEDL")
    assert role.ended_at is not None
    assert ended.ended["role"] == 1
    assert ended.numbers["ended"] == {number}

    write(tmp_path / "a.json", roles(number, manager, member))
    back = import_file(tmp_path / "a.json")
    role.refresh_from_db()
    assert role.ended_at is None
    assert back.updated["role"] == 1


def test_older_fratraadt_deregisters_a_role(tmp_path):
    number = organization_number()
    write(tmp_path / "a.json", roles(number, person_role("DAGL", fratraadt=True)))

    import_file(tmp_path / "a.json")

    assert RegisterRole.objects.get().is_deregistered


def test_unknown_role_type_is_created_as_no_key_role(tmp_path):
    number = organization_number()
    role = person_role("NYRL", description="Ny rolle fra registeret")
    write(tmp_path / "a.json", roles(number, role))

    result = import_file(tmp_path / "a.json")

    role_type = RegisterRoleType.objects.get(code="NYRL")
    assert (role_type.name_nb, role_type.is_key_role) == (
        "Ny rolle fra registeret",
        False,
    )
    assert result.created["role type"] == 1


def test_holder_of_an_unknown_kind_is_kept_as_it_came(tmp_path):
    number = organization_number()
    holder = {"fond": {"navn": "Et fond", "id": 7}}
    role = {"type": {"kode": "MEDL", "beskrivelse": "Styremedlem"}} | holder
    write(tmp_path / "a.json", roles(number, role))

    import_file(tmp_path / "a.json")
    import_file(tmp_path / "a.json")

    stored = RegisterRole.objects.get()
    assert stored.holder_kind == RegisterRole.HolderKind.OTHER
    assert stored.holder_data == holder
    canonical = json.dumps(holder, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    assert stored.holder_key == f"other:{digest}"


def test_deleted_unit_is_marked_deleted_and_keeps_its_name(tmp_path):
    number = organization_number()
    write(tmp_path / "unit.json", unit(number, "Lagt Ned AS"))
    import_file(tmp_path / "unit.json")
    gone = {"organisasjonsnummer": number, "slettedato": "2026-03-01"}
    write(tmp_path / "unit.json", gone)

    result = import_file(tmp_path / "unit.json")

    organization = Organization.objects.get(number=number)
    assert organization.is_deleted
    assert organization.deleted_on == datetime.date(2026, 3, 1)
    assert organization.name == "Lagt Ned AS"
    assert result.numbers["updated"] == {number}


def test_holder_unit_said_deleted_is_marked_deleted(tmp_path):
    number, partner = organization_number(), organization_number()
    holding = organization_role("DTPR", partner)
    holding["enhet"]["erSlettet"] = True
    write(tmp_path / "a.json", roles(number, holding))

    import_file(tmp_path / "a.json")

    assert Organization.objects.get(number=partner).is_deleted


def test_sub_unit_is_placed_under_its_parent(tmp_path):
    parent, number = organization_number(), organization_number()
    write(
        tmp_path / "sub.json", sub_unit(number, parent, nedleggelsesdato="2025-10-20")
    )

    result = import_file(tmp_path / "sub.json")

    assert result.kind == "sub-unit"
    organization = Organization.objects.get(number=number)
    assert organization.parent.number == parent
    assert not organization.parent.is_registered
    assert organization.is_deleted
    assert organization.deleted_on == datetime.date(2025, 10, 20)


@pytest.mark.parametrize("compressed", [False, True])
def test_bulk_file_imports_every_unit(tmp_path, compressed):
    numbers = [organization_number() for _ in range(3)]
    units = [unit(n, f"Bedrift {i} AS") for i, n in enumerate(numbers)]
    path = write(tmp_path / "enheter_alle.json.gz", units, compressed=compressed)

    result = import_file(path)

    assert result.kind == "units"
    assert result.numbers["created"] == set(numbers)
    assert Organization.objects.get(number=numbers[2]).name == "Bedrift 2 AS"


def test_bulk_file_is_read_in_pieces_of_any_size(tmp_path, monkeypatch):
    monkeypatch.setattr(importer._JsonText, "CHUNK", 7)
    monkeypatch.setattr(importer, "BULK_CHUNK", 2)
    parent = organization_number()
    numbers = [organization_number() for _ in range(5)]
    units = [unit(parent, "Mor AS")] + [
        unit(n, f"Datter {i} «ÆØÅ» AS", overordnetEnhet=parent)
        for i, n in enumerate(numbers)
    ]
    path = write(tmp_path / "units.json", units, compressed=True)

    import_file(path)
    again = import_file(path)

    assert not again.has_changes
    daughters = Organization.objects.filter(parent__number=parent)
    assert sorted(daughters.values_list("number", flat=True)) == sorted(numbers)
    assert daughters.get(number=numbers[4]).name == "Datter 4 «ÆØÅ» AS"


def test_bulk_file_with_a_bad_unit_is_refused_whole(tmp_path):
    first, last = organization_number(), organization_number()
    units = [unit(first), unit("123456789"), unit(last)]
    write(tmp_path / "bulk.json", units)

    result = import_file(tmp_path / "bulk.json")

    assert result.error.where == "[1].organisasjonsnummer"
    assert not Organization.objects.exists()


def test_invalid_national_identity_number_refuses_the_file_at_its_path(tmp_path):
    number, valid = organization_number(), synthetic_national_id()
    invalid = f"{valid[:10]}{(int(valid[10]) + 1) % 10}"
    file = roles(
        number,
        person_role("DAGL", national_id=valid),
        person_role("DAGL", national_id=invalid, first="Ola"),
    )
    write(tmp_path / "a.json", file)

    result = import_file(tmp_path / "a.json")

    assert result.error.where == "rollegrupper[0].roller[1].person.fodselsnummer"
    assert "MOD11" in result.error.message
    assert invalid not in str(result.error)
    assert _counts()[:3] == (0, 0, 0)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            '{\n  "organisasjonsnummer": "923609016",\n  "navn" "X"\n}',
            "line 3, column 10",
        ),
        ('{"organisasjonsnummer": "923609016", "navn": "EQUI', "line 1, column 46"),
        (
            '[\n  {"organisasjonsnummer": "923609016", "navn": "A"},\n',
            "line 3, column 1",
        ),
        ('[{"organisasjonsnummer": "923609016", "navn": "A"} {}]', "line 1, column 52"),
        ('{"organisasjonsnummer": "923609016", "navn": "A"} x', "line 1, column 51"),
        ("", "line 1, column 1"),
    ],
    ids=["syntax", "truncated", "truncated-array", "no-comma", "extra", "empty"],
)
@pytest.mark.parametrize("chunk", [3, importer._JsonText.CHUNK])
def test_malformed_json_is_refused_with_line_and_column(
    tmp_path, monkeypatch, text, where, chunk
):
    monkeypatch.setattr(importer._JsonText, "CHUNK", chunk)
    (tmp_path / "broken.json").write_text(text)

    result = import_file(tmp_path / "broken.json")

    assert result.error.where == where
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (unit("923609016", 42), "navn"),
        (unit(923609016), "organisasjonsnummer"),
        (unit("923609016", konkurs="nei"), "konkurs"),
        (unit("923609016", slettedato="1. mars"), "slettedato"),
        (roles("923609016") | {"rollegrupper": "ingen"}, "rollegrupper"),
        ({"rollegrupper": []}, "_links"),
        ({"hva": "ukjent"}, "the top level"),
        ([1], "[0]"),
        (roles("923609016", person_role("DAGL", birth_date=None)), None),
        (roles("923609016", {"type": {"kode": "DAGL"}}), "rollegrupper[0].roller[0]"),
        (
            roles("923609016", organization_role("DTPR", "810006243")),
            "rollegrupper[0].roller[0].enhet.organisasjonsnummer",
        ),
    ],
    ids=[
        "name-number",
        "number-int",
        "bankrupt-text",
        "bad-date",
        "groups-text",
        "no-owner",
        "unknown",
        "array-of-numbers",
        "no-birth-date",
        "no-holder",
        "holder-number",
    ],
)
def test_wrongly_typed_or_incomplete_file_is_refused_at_its_path(tmp_path, data, where):
    write(tmp_path / "bad.json", data)

    result = import_file(tmp_path / "bad.json")

    expected = where or "rollegrupper[0].roller[0].person.fodselsdato"
    assert result.error.where == expected
    assert _counts()[:3] == (0, 0, 0)


def test_truncated_gzip_is_refused(tmp_path):
    data = gzip.compress(json.dumps([unit("923609016")] * 50).encode())
    (tmp_path / "cut.json.gz").write_bytes(data[: len(data) // 2])

    result = import_file(tmp_path / "cut.json.gz")

    assert "cut short" in result.error.message
    assert not Organization.objects.exists()


def test_file_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "latin1.json").write_bytes('{"navn": "Bøler"}'.encode("latin-1"))

    result = import_file(tmp_path / "latin1.json")

    assert "UTF-8" in result.error.message


def test_refused_file_leaves_the_other_files_imported(tmp_path):
    good, bad = organization_number(), organization_number()
    write(tmp_path / "good.json", unit(good))
    write(tmp_path / "bad.json", roles(bad, person_role("DAGL", national_id="1")))

    results = import_files([tmp_path / "good.json", tmp_path / "bad.json"])

    assert [r.is_refused for r in results] == [False, True]
    assert list(Organization.objects.values_list("number", flat=True)) == [good]


def test_gzipped_roles_file_is_told_by_its_content(tmp_path):
    number = organization_number()
    data = roles(number, person_role("DAGL"))
    path = write(tmp_path / "roles.json", data, compressed=True)

    result = import_file(path)

    assert result.kind == "roles"
    assert RegisterRole.objects.get().organization.number == number


def test_missing_file_is_refused(tmp_path):
    result = import_file(tmp_path / "nowhere.json")

    assert result.error.where == "the file"
    assert result.name == "nowhere.json"
