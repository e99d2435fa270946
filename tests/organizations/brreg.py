"""Files of the Register of Business Enterprises, built for tests."""

import gzip
import itertools
import json
from pathlib import Path

from apps.organizations.validators import (
    national_identity_number_complete,
    organization_number_complete,
)

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "brreg"
API = "https://data.brreg.no/enhetsregisteret/api"


def _synthetic_national_ids():
    # Synthetic numbers (month + 80), which no real person holds.
    for n in itertools.count(1):
        number = national_identity_number_complete(f"{1 + n % 28:02d}8875{n:03d}")
        if number:
            yield number


def _organization_numbers():
    for n in itertools.count(33_000_000):
        number = organization_number_complete(str(n))
        if number:
            yield number


_national_ids = _synthetic_national_ids()
_organization_numbers = _organization_numbers()


def synthetic_national_id():
    return next(_national_ids)


def organization_number():
    return next(_organization_numbers)


def unit(number, name="Testbedrift AS", *, form="AS", **fields):
    data = {
        "organisasjonsnummer": number,
        "navn": name,
        "organisasjonsform": {"kode": form, "beskrivelse": form},
        "konkurs": False,
        "_links": {"self": {"href": f"{API}/enheter/{number}"}},
    }
    return data | fields


def sub_unit(number, parent, name="Testbedrift avd. Oslo", **fields):
    data = {
        "organisasjonsnummer": number,
        "navn": name,
        "organisasjonsform": {"kode": "BEDR", "beskrivelse": "Bedrift"},
        "overordnetEnhet": parent,
        "beliggenhetsadresse": {"land": "Norge", "poststed": "OSLO"},
        "_links": {"self": {"href": f"{API}/underenheter/{number}"}},
    }
    return data | fields


def roles(number, *holdings):
    """Return the roles file of unit `number`, one group per role type."""
    groups = {}
    for holding in holdings:
        groups.setdefault(holding["type"]["kode"], []).append(holding)
    return {
        "rollegrupper": [
            {"type": {"kode": code, "beskrivelse": code}, "roller": group}
            for code, group in groups.items()
        ],
        "_links": {
            "self": {"href": f"{API}/enheter/{number}/roller"},
            "enhet": {"href": f"{API}/enheter/{number}"},
        },
    }


def person_role(
    code,
    *,
    national_id=None,
    first="Kari",
    last="Nordmann",
    birth_date="1975-05-17",
    description=None,
    **fields,
):
    person = {
        "fodselsdato": birth_date,
        "navn": {"fornavn": first, "etternavn": last},
        "erDoed": False,
    }
    if national_id:
        person["fodselsnummer"] = national_id
    return _role(code, description, {"person": person}, fields)


def organization_role(code, number, name="Deltaker AS", **fields):
    holder = {
        "organisasjonsnummer": number,
        "organisasjonsform": {"kode": "AS", "beskrivelse": "Aksjeselskap"},
        "navn": [name],
        "erSlettet": False,
    }
    return _role(code, None, {"enhet": holder}, fields)


def _role(code, description, holder, fields):
    role = {"type": {"kode": code, "beskrivelse": description or code}}
    return role | holder | {"avregistrert": False, "rekkefolge": 0} | fields


def write(path, data, *, compressed=False):
    text = json.dumps(data, indent=2, ensure_ascii=False).encode()
    path.write_bytes(gzip.compress(text) if compressed else text)
    return path
