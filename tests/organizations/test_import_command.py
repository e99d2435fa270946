from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.organizations.models import Organization
from tests.organizations.brreg import (
    SAMPLES,
    organization_number,
    person_role,
    roles,
    synthetic_national_id,
    unit,
    write,
)

pytestmark = pytest.mark.django_db


def _run(*paths):
    stdout, stderr = StringIO(), StringIO()
    call_command("import_brreg", *map(str, paths), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def _run_refused(*paths):
    stdout, stderr = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_brreg", *map(str, paths), stdout=stdout, stderr=stderr)
    return error.value, stdout.getvalue(), stderr.getvalue()


def test_operator_sees_what_each_file_created(tmp_path):
    number, national_id = organization_number(), synthetic_national_id()
    write(tmp_path / "unit.json", unit(number, "Bakeriet AS"))
    manager = person_role("DAGL", national_id=national_id)
    write(tmp_path / "roles.json", roles(number, manager, person_role("MEDL")))

    out, _ = _run(tmp_path / "unit.json", tmp_path / "roles.json")

    assert f"unit.json (unit):\n  created: 1 organisation [{number}]\n" in out
    assert "roles.json (roles):\n" in out
    assert f"created: 2 grants, 1 person, 2 roles [{number}]" in out
    assert "2 files imported." in out


def test_operator_sees_no_changes_on_a_second_run():
    samples = [SAMPLES / "brreg-snap-enhet-923609016-equinor.json"]
    samples.append(SAMPLES / "brreg-snap-roller-923609016-equinor.json")
    _run(*samples)

    out, _ = _run(*samples)

    assert out.count("no changes") == 2
    assert "created" not in out


def test_operator_sees_what_a_newer_file_updated_and_ended(tmp_path):
    number = organization_number()
    national_id = synthetic_national_id()
    manager = person_role("DAGL", national_id=national_id)
    member = person_role("MEDL", first="Ola")
    write(tmp_path / "roles.json", roles(number, manager, member))
    _run(tmp_path / "roles.json")
    renamed = person_role("DAGL", national_id=national_id, last="Berg")
    write(tmp_path / "roles.json", roles(number, renamed))

    out, _ = _run(tmp_path / "roles.json")

    assert f"updated: 1 person, 1 role [{number}]" in out
    assert f"ended: 1 role [{number}]" in out


def test_refused_file_exits_non_zero_naming_file_and_position(tmp_path):
    good = organization_number()
    write(tmp_path / "good.json", unit(good))
    (tmp_path / "broken.json").write_text('{\n "navn": "A",\n "x" 1}')

    error, out, err = _run_refused(
        tmp_path / "good.json",
        tmp_path / "broken.json",
        SAMPLES / "python-brreg-enheter-details-response.json",
    )

    assert error.returncode != 0
    assert "2 of 3 files refused" in str(error)
    assert "broken.json: refused, at line 3, column 6: Expecting ':'" in err
    assert (
        "python-brreg-enheter-details-response.json: refused, at organisasjonsnummer: "
        "The organisation number fails its MOD11 check digit." in err
    )
    assert "good.json (unit):" in out
    assert Organization.objects.filter(number=good).exists()


def test_output_never_shows_a_national_identity_number(tmp_path):
    number, valid = organization_number(), synthetic_national_id()
    write(tmp_path / "ok.json", roles(number, person_role("DAGL", national_id=valid)))
    invalid = f"{valid[:9]}00"
    write(
        tmp_path / "bad.json", roles(number, person_role("DAGL", national_id=invalid))
    )

    error, out, err = _run_refused(tmp_path / "ok.json", tmp_path / "bad.json")

    for text in (out, err, str(error)):
        assert valid not in text
        assert invalid not in text
        assert valid[:6] not in text
