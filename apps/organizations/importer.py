"""
The import of the Register of Business Enterprises' JSON.

Reads what the register's open (or authorised) API answers: one unit, one
sub-unit, the bulk array of units (plain or gzipped), or the roles of one
unit. The kind of file is told by its content. Each file is imported in its
own transaction, and a file that is malformed anywhere is refused whole,
with the position of the fault.
"""

import datetime
import gzip
import hashlib
import io
import json
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.organizations import services
from apps.organizations.models import RegisterRole
from apps.organizations.services import RoleRecord, UnitRecord
from apps.organizations.validators import (
    validate_national_identity_number,
    validate_organization_number,
)
from apps.roles.services import register_rights_sync

BULK_CHUNK = 1000
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# What a role carries besides its holder; anything else names the holder.
ROLE_KEYS = {
    "type",
    "avregistrert",
    "fratraadt",
    "rekkefolge",
    "valgtAv",
    "ansvarsandel",
    "_links",
}
TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    dict: "an object",
    list: "a list",
}


class FileRefused(Exception):
    def __init__(self, where, message):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass
class FileResult:
    """What the import of one file did, or why it was refused."""

    name: str
    kind: str = ""
    error: FileRefused | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    ended: Counter = field(default_factory=Counter)
    # The organisation numbers that each of the three concerns.
    numbers: dict = field(
        default_factory=lambda: {"created": set(), "updated": set(), "ended": set()}
    )

    @property
    def is_refused(self):
        return self.error is not None

    @property
    def has_changes(self):
        return bool(+self.created or +self.updated or +self.ended)

    def note(self, action, what, count, numbers=()):
        """Count `count` things `what` under `action`, for `numbers`."""
        if count:
            getattr(self, action)[what] += count
            self.numbers[action].update(numbers)


def import_files(paths):
    """Import each file of `paths` on its own; return a FileResult for each."""
    return [import_file(path) for path in paths]


def import_file(path):
    path = Path(path)
    result = FileResult(name=path.name)
    try:
        with transaction.atomic():
            _import(path, result)
    except FileRefused as error:
        result = FileResult(name=path.name, kind=result.kind, error=error)
    return result


def _import(path, result):
    with _JsonText.open(path) as text:
        text.skip_space()
        if text.peek() == "[":
            result.kind = "units"
            _units_import(_records(text.elements()), result)
            return
        document = text.document()
    if not isinstance(document, dict):
        raise FileRefused("the top level", "is not a file of the register")
    if "rollegrupper" in document:
        result.kind = "roles"
        _roles_import(document, result)
    elif "organisasjonsnummer" in document:
        result.kind = "sub-unit" if _is_sub_unit(document) else "unit"
        _units_import([_unit_record(document, "")], result)
    else:
        raise FileRefused("the top level", "is not a file of the register")


# Units


def _records(elements):
    for index, element in elements:
        yield _unit_record(_expect(element, dict, f"[{index}]"), f"[{index}]")


def _units_import(records, result):
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) == BULK_CHUNK:
            _units_flush(chunk, result)
            chunk = []
    if chunk:
        _units_flush(chunk, result)


def _units_flush(records, result):
    changes, deleted_changed = services.organizations_upsert(units=records)
    result.note("created", "organisation", len(changes.created), changes.created)
    result.note("updated", "organisation", len(changes.updated), changes.updated)
    for organization in deleted_changed:
        _rights_sync(organization, result)


def _is_sub_unit(data):
    # Only sub-units have a location address or a closing date; the links
    # and the response class say it too, where present.
    links = data.get("_links")
    link = links.get("self") if isinstance(links, dict) else None
    self_link = str(link.get("href", "")) if isinstance(link, dict) else ""
    return (
        "beliggenhetsadresse" in data
        or "nedleggelsesdato" in data
        or data.get("respons_klasse") == "Underenhet"
        or "/underenheter/" in self_link
    )


def _unit_record(data, path):
    number = _organization_number(data, path, "organisasjonsnummer")
    ended_on = _date(data, path, "slettedato") or _date(data, path, "nedleggelsesdato")
    deleted = ended_on is not None or bool(_get(data, path, "erSlettet", bool))
    name = _get(data, path, "navn", str, required=not deleted)
    if name is None:
        # A deleted unit may be answered with its number and date only.
        return UnitRecord(number=number, is_deleted=True, deleted_on=ended_on)

    form = _get(data, path, "organisasjonsform", dict) or {}
    form_path = _join(path, "organisasjonsform")
    return UnitRecord(
        number=number,
        name=name.strip()[:255],
        form=(_get(form, form_path, "kode", str, required=False) or "")[:10],
        parent_number=_organization_number(
            data, path, "overordnetEnhet", required=False
        )
        or "",
        is_bankrupt=bool(_get(data, path, "konkurs", bool)),
        is_deleted=deleted,
        deleted_on=ended_on,
    )


# Roles


@dataclass
class _Holding:
    """One role of a roles file, checked but not yet written."""

    type_code: str
    type_description: str
    is_deregistered: bool
    kind: str
    name: str = ""
    birth_date: datetime.date | None = None
    national_id: str = ""
    names: tuple = ()
    number: str = ""
    is_deleted: bool = False
    data: dict | None = None


def _roles_import(document, result):
    number = _roles_owner(document)
    holdings = list(_holdings(document))

    numbers = {number} | {h.number for h in holdings if h.number}
    organizations, created = services.organizations_ensure(numbers=numbers)
    result.note("created", "organisation", len(created), created)
    created = services.register_role_types_ensure(
        descriptions={h.type_code: h.type_description for h in holdings}
    )
    result.note("created", "role type", len(created), [number])

    records = _role_records(holdings, organizations, result)
    started, changed, ended = services.register_roles_replace(
        organization=organizations[number], roles=records
    )
    result.note("created", "role", started, [number])
    result.note("updated", "role", changed, [number])
    result.note("ended", "role", ended, [number])
    if started or changed or ended:
        _rights_sync(organizations[number], result)

    for holder in {organizations[h.number] for h in holdings if h.is_deleted}:
        if services.organization_mark_deleted(organization=holder):
            result.note("updated", "organisation", 1, [holder.number])
            _rights_sync(holder, result)


def _role_records(holdings, organizations, result):
    records = {}
    for holding in holdings:
        record = _role_record(holding, organizations, result)
        key = (record.role_type_id, record.holder_key)
        if key in records:
            # The same holder twice in one role counts once, and is
            # registered if either entry is.
            record.is_deregistered &= records[key].is_deregistered
        records[key] = record
    return list(records.values())


def _roles_owner(document):
    links = _get(document, "", "_links", dict, required=True)
    enhet = _get(links, "_links", "enhet", dict, required=True)
    href = _get(enhet, "_links.enhet", "href", str, required=True)
    number = href.rstrip("/").rsplit("/", 1)[-1]
    _check(validate_organization_number, number, "_links.enhet.href")
    return number


def _holdings(document):
    groups = _get(document, "", "rollegrupper", list, required=True)
    for g, group in enumerate(groups):
        group_path = f"rollegrupper[{g}]"
        group = _expect(group, dict, group_path)
        roles = _get(group, group_path, "roller", list, required=True)
        for r, role in enumerate(roles):
            role_path = f"{group_path}.roller[{r}]"
            yield _holding(_expect(role, dict, role_path), role_path)


def _holding(role, path):
    kind = _get(role, path, "type", dict, required=True)
    kind_path = _join(path, "type")
    code = _get(kind, kind_path, "kode", str, required=True)
    if not 0 < len(code) <= 10:
        raise FileRefused(_join(kind_path, "kode"), "is not a role type code")
    description = _get(kind, kind_path, "beskrivelse", str, required=False)
    # Older files say "fratraadt" where newer ones say "avregistrert".
    deregistered = bool(_get(role, path, "avregistrert", bool)) or bool(
        _get(role, path, "fratraadt", bool)
    )
    holding = _Holding(
        type_code=code,
        type_description=(description or code)[:100],
        is_deregistered=deregistered,
        kind=RegisterRole.HolderKind.OTHER,
    )
    if "person" in role:
        _person_holding(holding, role, _join(path, "person"))
    elif "enhet" in role:
        _organization_holding(holding, role, _join(path, "enhet"))
    else:
        holding.data = {k: v for k, v in role.items() if k not in ROLE_KEYS}
        if not holding.data:
            raise FileRefused(path, "names no holder")
    return holding


def _person_holding(holding, role, path):
    person = _expect(role["person"], dict, path)
    names = _get(person, path, "navn", dict, required=True)
    names_path = _join(path, "navn")
    holding.names = (
        _get(names, names_path, "fornavn", str, required=False) or "",
        _get(names, names_path, "mellomnavn", str, required=False) or "",
        _get(names, names_path, "etternavn", str, required=True),
    )
    holding.name = " ".join(n for n in holding.names if n)[:255]
    national_id = _get(person, path, "fodselsnummer", str, required=False)
    if national_id:
        _check(
            validate_national_identity_number,
            national_id,
            _join(path, "fodselsnummer"),
        )
        holding.kind = RegisterRole.HolderKind.PERSON
        holding.national_id = national_id
        holding.birth_date = _date(person, path, "fodselsdato")
        return
    holding.kind = RegisterRole.HolderKind.UNIDENTIFIED_PERSON
    holding.birth_date = _date(person, path, "fodselsdato", required=True)


def _organization_holding(holding, role, path):
    unit = _expect(role["enhet"], dict, path)
    holding.kind = RegisterRole.HolderKind.ORGANIZATION
    holding.number = _organization_number(unit, path, "organisasjonsnummer")
    names = _get(unit, path, "navn", list, required=False) or []
    for i, name in enumerate(names):
        _expect(name, str, f"{_join(path, 'navn')}[{i}]")
    holding.name = " ".join(n.strip() for n in names if n.strip())[:255]
    holding.is_deleted = bool(_get(unit, path, "erSlettet", bool))


def _role_record(holding, organizations, result):
    record = RoleRecord(
        role_type_id=holding.type_code,
        holder_kind=holding.kind,
        holder_key="",
        holder_name=holding.name,
        holder_birth_date=holding.birth_date,
        is_deregistered=holding.is_deregistered,
    )
    if holding.kind == RegisterRole.HolderKind.PERSON:
        person, change = services.person_upsert(
            national_id=holding.national_id,
            first_name=holding.names[0],
            middle_name=holding.names[1],
            last_name=holding.names[2],
        )
        if change:
            result.note(change, "person", 1)
        record.person_id = person.pk
        record.holder_key = f"person:{person.pk}"
    elif holding.kind == RegisterRole.HolderKind.ORGANIZATION:
        record.holder_organization_id = organizations[holding.number].pk
        record.holder_key = f"org:{holding.number}"
    elif holding.kind == RegisterRole.HolderKind.UNIDENTIFIED_PERSON:
        key = f"dob:{holding.birth_date.isoformat()}:{holding.name}"
        record.holder_key = key[:255]
    else:
        record.holder_data = holding.data
        canonical = json.dumps(holding.data, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        record.holder_key = f"other:{digest}"
    return record


def _rights_sync(organization, result):
    organization.refresh_from_db(fields=["is_deleted"])
    started, ended = register_rights_sync(organization=organization)
    result.note("created", "grant", started, [organization.number])
    result.note("ended", "grant", ended, [organization.number])


# Fields


def _join(path, key):
    return f"{path}.{key}" if path else key


def _expect(value, kind, path):
    if not isinstance(value, kind):
        raise FileRefused(path or "the top level", f"should be {TYPE_NAMES[kind]}")
    return value


def _get(data, path, key, kind, *, required=False):
    """Return data[key] checked to be of `kind`, or None if it is absent.

    The register writes an absent value as null or, for some fields, "".
    """
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise FileRefused(_join(path, key), "is missing")
        return None
    return _expect(value, kind, _join(path, key))


def _check(validator, value, path):
    try:
        validator(value)
    except ValidationError as error:
        # The message names the rule; the value itself is never repeated,
        # since it may be a national identity number.
        raise FileRefused(path, " ".join(error.messages)) from None


def _organization_number(data, path, key, *, required=True):
    number = _get(data, path, key, str, required=required)
    if number is not None:
        _check(validate_organization_number, number, _join(path, key))
    return number


def _date(data, path, key, *, required=False):
    value = _get(data, path, key, str, required=required)
    if value is None:
        return None
    try:
        if not DATE.fullmatch(value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise FileRefused(_join(path, key), "is not a date (YYYY-MM-DD)") from None


# Reading


class _JsonText:
    """JSON text read in chunks, so that the bulk file need not fit in memory.

    Knows the line and column of every character it has read, for errors.
    """

    CHUNK = 1 << 20
    SPACE = " \t\n\r"

    def __init__(self, stream):
        self.stream = stream
        self.decoder = json.JSONDecoder()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.line, self.column = 1, 1

    @classmethod
    def open(cls, path):
        try:
            raw = open(path, "rb")  # noqa: SIM115 — closed with the text stream
        except OSError as error:
            raise FileRefused("the file", error.strerror) from None
        compressed = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        binary = gzip.GzipFile(fileobj=raw) if compressed else raw
        return cls(io.TextIOWrapper(binary, encoding="utf-8-sig"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stream.close()

    def where(self, index):
        before = self.buffer[:index]
        newlines = before.count("\n")
        if not newlines:
            return f"line {self.line}, column {self.column + index}"
        column = index - before.rindex("\n")
        return f"line {self.line + newlines}, column {column}"

    def fill(self, size):
        """Read until `size` characters past the position are in the buffer."""
        while not self.eof and len(self.buffer) - self.pos < size:
            try:
                chunk = self.stream.read(self.CHUNK)
            except UnicodeDecodeError:
                raise FileRefused(
                    self.where(len(self.buffer)), "is not UTF-8"
                ) from None
            except (EOFError, OSError, zlib.error):
                raise FileRefused(
                    self.where(len(self.buffer)),
                    "the compressed data is cut short or damaged",
                ) from None
            self._trim()
            self.buffer += chunk
            self.eof = not chunk

    def _trim(self):
        done = self.buffer[: self.pos]
        newlines = done.count("\n")
        if newlines:
            self.line += newlines
            self.column = self.pos - done.rindex("\n")
        else:
            self.column += self.pos
        self.buffer, self.pos = self.buffer[self.pos :], 0

    def skip_space(self):
        while True:
            self.fill(1)
            while self.pos < len(self.buffer) and self.buffer[self.pos] in self.SPACE:
                self.pos += 1
            if self.pos < len(self.buffer) or self.eof:
                return

    def peek(self):
        return self.buffer[self.pos : self.pos + 1]

    def value(self):
        self.fill(self.CHUNK)
        if not self.peek():
            raise FileRefused(self.where(self.pos), "the file ends early")
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if self.eof or not self._may_be_cut(error):
                    raise FileRefused(self.where(error.pos), error.msg) from None
            else:
                if end < len(self.buffer) or self.eof:
                    self.pos = end
                    return value
            # The value may go on past the buffer: read more and try again.
            self.fill(len(self.buffer) - self.pos + self.CHUNK)

    def _may_be_cut(self, error):
        near_end = error.pos >= len(self.buffer) - 64
        return near_end or error.msg.startswith("Unterminated string")

    def document(self):
        self.fill(float("inf"))
        value = self.value()
        self.end()
        return value

    def elements(self):
        """Yield (index, value) of the array at the position."""
        self.pos += 1
        index = 0
        while True:
            self.skip_space()
            if self.peek() == "]":
                self.pos += 1
                self.end()
                return
            if index:
                if self.peek() != ",":
                    raise FileRefused(
                        self.where(self.pos), "Expecting ',' delimiter or ']'"
                    )
                self.pos += 1
                self.skip_space()
            yield index, self.value()
            index += 1

    def end(self):
        self.skip_space()
        if self.peek():
            raise FileRefused(self.where(self.pos), "Extra data")
