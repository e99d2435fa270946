"""
The inbox and access paths at the scale of DESIGN.md section 7, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taushet_bench_inbox \\
    SECRET_KEY=bench uv run python bench/inbox.py [--scale 0.1] [--runs 50]

The database named in DATABASE_URL is a scratch database: it is dropped and
made afresh, so its name must start with "taushet_bench_", and it is dropped
again at the end (unless --keep). The data is written by the server (INSERT …
SELECT over generate_series) or by COPY, shaped as correspondence_publish,
register_rights_sync and delegation_grant write it; the run checks that by
publishing and granting through those services at the end. What is timed
goes through the real selectors and services.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

AGENCIES = 20
ORDINARY_SERVICES = 42
CONFIDENTIAL_SERVICES = 18
SERVICES = ORDINARY_SERVICES + CONFIDENTIAL_SERVICES
SMALL = 100
MEDIUM = 4_000
# The organisation ids: agencies first, then the three measured
# organisations, then the medium and small recipients.
LARGE_ID, CROWD_ID, SMALL_ID = AGENCIES + 1, AGENCIES + 2, AGENCIES + 3
BODY = (
    "Vi viser til søknaden deres og har nå behandlet saken.\n\n"
    "## Vedtak\n\nSøknaden innvilges. Begrunnelsen følger av vedlegget. "
    "Dere kan klage på vedtaket innen tre uker fra dere mottok dette brevet. "
    "Klagen sendes til oss, og vi vurderer saken på nytt før den eventuelt "
    "sendes videre til klageinstansen.\n\n"
    "## Frister\n\nFristen for å sende inn dokumentasjon er fire uker. "
    "Ta kontakt om noe er uklart.\n\nMed vennlig hilsen\nSaksbehandler\n"
)
FIRST_NAMES = ["Kari", "Ola", "Ingrid", "Per", "Nora", "Lars", "Sofie", "Emil"]
LAST_NAMES = ["Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Dahl", "Lie"]


class Layout:
    """How many of everything, and which ids play which part."""

    def __init__(self, scale):
        self.scale = scale
        self.organizations = self.scaled(10_000)
        self.persons = self.scaled(100_000)
        self.correspondences = self.scaled(1_000_000)
        self.grants = self.scaled(200_000)
        self.large = self.scaled(100_000)
        self.crowd = self.scaled(5_000)
        self.crowd_persons = self.scaled(5_000)
        self.medium_organizations = self.scaled(50)

    def scaled(self, count):
        return max(1, round(count * self.scale))

    def caseworker(self, service_id):
        # One caseworker per service, at its agency: the author of its mail.
        return self.organizations + service_id

    @property
    def first_crowd_person(self):
        return self.organizations + SERVICES + 1

    @property
    def grantees(self):
        # Two persons who hold nothing: the measured grants go to them.
        return self.persons - 1, self.persons

    @property
    def pool(self):
        start = self.first_crowd_person + self.crowd_persons
        return range(start, self.persons - 1)

    def plan(self):
        """Return (organisation id, messages, ordinary and confidential
        services, their offsets) for every organisation that receives mail."""
        rows = [
            (LARGE_ID, self.large, ORDINARY_SERVICES, CONFIDENTIAL_SERVICES),
            (CROWD_ID, self.crowd, 10, 5),
            (SMALL_ID, SMALL, 4, 2),
        ]
        next_id = SMALL_ID + 1
        for _ in range(self.medium_organizations):
            rows.append((next_id, MEDIUM, 20, 8))
            next_id += 1
        left = self.correspondences - sum(row[1] for row in rows)
        small = left // SMALL
        if next_id + small > self.organizations + 1:
            sys.exit("Too few organisations for the messages at this scale.")
        for _ in range(small):
            rows.append((next_id, SMALL, 4, 2))
            next_id += 1
        last = rows[-1]
        rows[-1] = (last[0], last[1] + left - small * SMALL, *last[2:])
        return [
            (
                org,
                n,
                s_ord,
                s_conf,
                org * 7 % ORDINARY_SERVICES,
                org * 5 % CONFIDENTIAL_SERVICES,
            )
            for org, n, s_ord, s_conf in rows
        ]


# The scratch database


def _scratch(url):
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(
            "bench/inbox.py measures PostgreSQL only (the bound of DESIGN.md "
            "section 7 is for PostgreSQL; SQLite takes another path). Set "
            "DATABASE_URL=postgres://…/taushet_bench_inbox."
        )
    name = parts.path.lstrip("/")
    if not name.startswith("taushet_bench_"):
        sys.exit(
            f"Refusing to use {name!r}: the scratch database is dropped, so its "
            "name must start with taushet_bench_."
        )
    return name, parts._replace(path="/postgres").geturl()


def _database(admin_url, name, *, create):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


# Generating the data


def _say(message, started=None):
    suffix = f" ({time.perf_counter() - started:.0f} s)" if started else ""
    print(f"  {message}{suffix}", flush=True)


def _copy(raw, table, columns, rows):
    """COPY `rows` into `table`; `columns` are named in one string."""
    with raw.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns.split())}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _organization_numbers(count):
    from apps.organizations.validators import organization_number_complete

    numbers, candidate = [], 91_000_000
    while len(numbers) < count:
        number = organization_number_complete(str(candidate))
        if number:
            numbers.append(number)
        candidate += 1
    return numbers


def _national_ids(count):
    from apps.organizations.validators import national_identity_number_complete

    found = []
    for individual in range(100, 1000):
        for year in range(50, 100):
            for month in range(1, 13):
                for day in range(1, 29):
                    number = national_identity_number_complete(
                        f"{day:02d}{month:02d}{year:02d}{individual}"
                    )
                    if number:
                        found.append(number)
                        if len(found) == count:
                            return found
    raise RuntimeError("Not enough national identity numbers.")


class World:
    """The ids of the generated rows that the measurements need."""

    def __init__(self, layout, rights, permissions, now):
        self.layout = layout
        self.rights = rights
        self.permissions = permissions
        self.now = now
        self.groups = {}  # (organisation id, "service"/"right", id) -> id
        self.next_group = 1

    def group(self, organization_id, kind, subject_id):
        key = (organization_id, kind, subject_id)
        if key not in self.groups:
            self.groups[key] = self.next_group
            self.next_group += 1
        return self.groups[key]


def _services_of(plan_row):
    org, _n, s_ord, s_conf, ord_off, conf_off = plan_row
    ordinary = [1 + (ord_off + i) % ORDINARY_SERVICES for i in range(s_ord)]
    confidential = [
        ORDINARY_SERVICES + 1 + (conf_off + i) % CONFIDENTIAL_SERVICES
        for i in range(s_conf)
    ]
    return ordinary + confidential


def _parties(raw, world):
    from django.utils.translation import get_language

    layout, now = world.layout, world.now
    numbers = _organization_numbers(layout.organizations)
    _copy(
        raw,
        "organizations_organization",
        "id number name form is_bankrupt is_deleted is_registered created_at "
        "updated_at",
        (
            (i, number, f"Virksomhet {i}", "KOMM" if i <= AGENCIES else "AS")
            + (False, False, True, now, now)
            for i, number in enumerate(numbers, start=1)
        ),
    )
    names = [
        (FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[i % len(LAST_NAMES)])
        for i in range(layout.persons + 1)
    ]
    _copy(
        raw,
        "auth_user",
        "id password is_superuser username first_name last_name email "
        "is_staff is_active date_joined",
        (
            (i, f"!{uuid.UUID(int=i).hex}", False, f"person{i}", *names[i])
            + ("", False, True, now)
            for i in range(1, layout.persons + 1)
        ),
    )
    _copy(
        raw,
        "organizations_person",
        "id national_id first_name middle_name last_name created_at updated_at user_id",
        (
            (i, national_id, names[i][0], "", names[i][1], now, now, i)
            for i, national_id in enumerate(_national_ids(layout.persons), start=1)
        ),
    )
    # Every organisation's general manager is person number <organisation id>.
    _copy(
        raw,
        "organizations_registerrole",
        "holder_kind holder_key holder_name is_deregistered created_at updated_at "
        "organization_id person_id role_type_id",
        (
            ("person", f"person:{i}", " ".join(names[i]), False, now, now, i, i)
            + ("DAGL",)
            for i in range(1, layout.organizations + 1)
        ),
    )
    english = get_language() == "en"
    services = [
        (
            s,
            f"bench-service-{s}",
            f"Tjeneste {s}",
            f"Service {s}",
            s > ORDINARY_SERVICES,
            True,
            now,
            (s - 1) % AGENCIES + 1,
        )
        for s in range(1, SERVICES + 1)
    ]
    _copy(
        raw,
        "correspondences_service",
        "id code name_nb name_en is_confidential is_active created_at owner_id",
        services,
    )
    _copy(
        raw,
        "correspondences_service_opened_by",
        "service_id right_id",
        (
            (s[0], world.rights["mail-confidential" if s[4] else "mail-archive"].pk)
            for s in services
        ),
    )
    world.service_names = {s[0]: s[3] if english else s[2] for s in services}
    world.numbers = numbers
    world.names = names


def _access_groups(raw, world, plan):
    """Make the access groups that the register, publishing and the
    agencies' own services would have made, with their object permissions."""
    layout, now, rights = world.layout, world.now, world.rights
    main, archive = rights["main-administrator"].pk, rights["mail-archive"].pk
    confidential = rights["mail-confidential"].pk
    for org in range(1, layout.organizations + 1):
        world.group(org, "right", main)
        world.group(org, "right", archive)
    for s in range(1, SERVICES + 1):
        world.group((s - 1) % AGENCIES + 1, "service", s)
    world.received = {}
    for row in plan:
        org = row[0]
        world.received[org] = _services_of(row)
        for s in world.received[org]:
            world.group(org, "service", s)
        world.group(org, "right", confidential)

    rights_by_id = {r.pk: r for r in rights.values()}
    groups = sorted(world.groups.items(), key=lambda item: item[1])

    def name(org, kind, subject):
        if kind == "service":
            return f"{world.numbers[org - 1]}:service:bench-service-{subject}"
        return f"{world.numbers[org - 1]}:right:{rights_by_id[subject].code}"

    _copy(raw, "auth_group", "id name", ((g, name(*k)) for k, g in groups))
    _copy(
        raw,
        "delegations_accessgroup",
        "id created_at group_id organization_id right_id service_id",
        (
            (g, now, g, org, None if kind == "service" else subject)
            + (subject if kind == "service" else None,)
            for (org, kind, subject), g in groups
        ),
    )
    _copy(
        raw,
        "organizations_organizationgroupobjectpermission",
        "content_object_id group_id permission_id",
        (
            (org, g, world.permissions["manage_access"])
            for (org, kind, subject), g in groups
            if kind == "right" and subject == main
        ),
    )
    _copy(
        raw,
        "correspondences_servicegroupobjectpermission",
        "content_object_id group_id permission_id",
        (
            (s, world.groups[(s - 1) % AGENCIES + 1, "service", s])
            + (world.permissions["send_correspondence"],)
            for s in range(1, SERVICES + 1)
        ),
    )


class Grants:
    """Collects the grants with the memberships and log entries they make."""

    def __init__(self, world):
        self.world = world
        self.rows, self.members, self.audit = [], [], []

    def _target(self, kind, subject):
        if kind == "service":
            return self.world.service_names[subject]
        return next(r for r in self.world.rights.values() if r.pk == subject).name

    def register(self, org, person, right):
        world = self.world
        group = world.groups[org, "right", right.pk]
        at = world.now - datetime.timedelta(days=700)
        self.rows.append(("register", at, None, None, "", group, None, None, person))
        self.members.append((person, group))
        self.audit.append(
            (at, "register-grant", right.name_en, right.code, None, "{}", None)
            + (org, person)
        )

    def delegate(self, org, person, kind, subject, *, k, by=None):
        world = self.world
        group = world.groups[org, kind, subject]
        by = by or org
        at = world.now - datetime.timedelta(days=1 + k * 37 % 700, minutes=k % 1440)
        valid_until = world.now + datetime.timedelta(days=90) if k % 20 == 3 else None
        revoked = k % 10 == 9
        ended_at = at + datetime.timedelta(days=3) if revoked else None
        self.rows.append(
            ("delegation", at, valid_until, ended_at, "revoked" if revoked else "")
            + (group, by if revoked else None, by, person)
        )
        target = self._target(kind, subject)
        details = {"valid_until": valid_until.isoformat() if valid_until else None}
        ip = f"192.0.2.{k % 250 + 1}"
        self.audit.append(
            (at, "grant", target, str(group), ip, json.dumps(details), by, org)
            + (person,)
        )
        if revoked:
            self.audit.append(
                (ended_at, "revoke", target, str(group), ip, "{}", by, org, person)
            )
        else:
            self.members.append((person, group))


def _grants(raw, world, plan):
    layout, rights = world.layout, world.rights
    grants = Grants(world)
    for org in range(1, layout.organizations + 1):
        for code in ("main-administrator", "mail-archive"):
            grants.register(org, org, rights[code])
    for s in range(1, SERVICES + 1):
        agency = (s - 1) % AGENCIES + 1
        grants.delegate(agency, layout.caseworker(s), "service", s, k=0)
    confidential = rights["mail-confidential"].pk
    # The readers of cases (a) and (b) read confidential mail too; the crowd
    # of case (c) reads ordinary mail only.
    for org in (SMALL_ID, LARGE_ID):
        grants.delegate(org, org, "right", confidential, k=0)
    crowd = range(
        layout.first_crowd_person, layout.first_crowd_person + layout.crowd_persons
    )
    for k, person in enumerate(crowd):
        grants.delegate(CROWD_ID, person, "right", rights["mail-archive"].pk, k=k)

    counts = {LARGE_ID: layout.scaled(10_000)}
    medium = [row[0] for row in plan if row[1] == MEDIUM]
    counts |= dict.fromkeys(medium, 1_000)
    small = [row[0] for row in plan if row[0] not in counts and row[0] != CROWD_ID]
    left = layout.grants - len(grants.rows) - sum(counts.values())
    for i, org in enumerate(small):
        counts[org] = left // len(small) + (1 if i < left % len(small) else 0)
    pool, cursor = layout.pool, 0
    for org, count in counts.items():
        subjects = [("service", s) for s in world.received[org]] + [
            ("right", rights["mail-archive"].pk),
            ("right", confidential),
        ]
        for k in range(count):
            person = pool[(cursor + k) % len(pool)]
            grants.delegate(org, person, *subjects[k % len(subjects)], k=k)
        cursor += count

    _copy(
        raw,
        "delegations_grant",
        "source granted_at valid_until ended_at end_reason access_group_id "
        "ended_by_id granted_by_id person_id",
        grants.rows,
    )
    _copy(raw, "auth_user_groups", "user_id group_id", grants.members)
    _copy(
        raw,
        "audit_auditentry",
        "occurred_at action target target_id ip_address details actor_id "
        "organization_id subject_id",
        sorted(grants.audit, key=lambda row: row[0]),
    )
    return len(grants.rows)


MESSAGES_SQL = """
CREATE UNLOGGED TABLE bench_message AS
SELECT id, org_id, j, conf, service_id, published_at, opened,
       requires_confirmation,
       CASE WHEN opened THEN least(
           published_at + (1 + mod(h3, 47)) * interval '1 hour',
           %(now)s - interval '1 minute') END AS first_opened_at,
       mod(h3 / 1000, 10) < 4 AND opened AND age > 180 AS archived
FROM (
    SELECT row_number() OVER (ORDER BY t, org_id, j) AS id, *,
           %(now)s - interval '1 hour' - age::float8 * interval '1 day' AS published_at,
           CASE WHEN age > 60 THEN mod(h3, 1000) < 950
                WHEN age > 7 THEN mod(h3, 1000) < 700
                ELSE mod(h3, 1000) < 300 END AS opened,
           mod(h3 / 10000, 20) = 0 AS requires_confirmation
    FROM (
        SELECT p.org_id, j,
               mod(j * 7 + p.org_id, 10) < 3 AS conf,
               CASE WHEN mod(j * 7 + p.org_id, 10) < 3
                    THEN %(ordinary)s + 1 + mod(p.conf_off + mod(h2, p.s_conf),
                                                %(confidential)s)
                    ELSE 1 + mod(p.ord_off + mod(h2, p.s_ord), %(ordinary)s)
               END AS service_id,
               (j + mod(h1, 1000) / 1000.0) / p.n AS t,
               730 * (1 - (j + mod(h1, 1000) / 1000.0) / p.n) AS age,
               h3
        FROM bench_plan p, generate_series(0, p.n - 1) AS j,
             LATERAL (SELECT
                 hashint8(p.org_id * 1000003 + j) & 2147483647 AS h1,
                 hashint8(p.org_id * 1000003 + j + 500000000000)
                     & 2147483647 AS h2,
                 hashint8(p.org_id * 1000003 + j + 900000000000)
                     & 2147483647 AS h3) h
    ) raw
) numbered
"""

CORRESPONDENCES_SQL = """
INSERT INTO correspondences_correspondence (
    id, public_id, title, summary, body, language, is_confidential,
    sender_reference, status, publish_at, published_at, due_at,
    requires_confirmation, first_opened_at, confirmed_at, archived_at,
    created_at, created_by_id, recipient_id, sender_id, service_id, dispatch_id)
SELECT m.id, gen_random_uuid(), 'Vedtak i sak ' || m.id, 'Svar på søknad',
       %(body)s, 'nb', m.conf, extract(year FROM m.published_at) || '/' || m.j,
       'published', NULL, m.published_at, NULL, m.requires_confirmation,
       m.first_opened_at,
       CASE WHEN m.requires_confirmation AND m.opened
            THEN m.first_opened_at + interval '1 hour' END,
       CASE WHEN m.archived THEN m.first_opened_at + interval '30 days' END,
       m.published_at, %(caseworkers)s + m.service_id, m.org_id, s.owner_id,
       m.service_id, NULL
FROM bench_message m JOIN correspondences_service s ON s.id = m.service_id
ORDER BY m.id
"""

# What correspondences_publish writes for each message: a row for the group
# of its service, then one for each right of the service's policy.
PERMISSIONS_SQL = """
INSERT INTO correspondences_correspondencegroupobjectpermission (
    id, content_object_id, group_id, permission_id)
SELECT 2 * m.id - 1, m.id, g.group_id, %(view)s
FROM bench_message m JOIN delegations_accessgroup g
  ON g.organization_id = m.org_id AND g.service_id = m.service_id
UNION ALL
SELECT 2 * m.id, m.id, g.group_id, %(view)s
FROM bench_message m JOIN delegations_accessgroup g
  ON g.organization_id = m.org_id
 AND g.right_id = CASE WHEN m.conf THEN %(confidential)s ELSE %(archive)s END
ORDER BY 1
"""

EVENTS_SQL = """
INSERT INTO correspondences_statusevent (
    kind, occurred_at, actor_id, correspondence_id)
SELECT kind, at, actor, id FROM (
    SELECT c.id, 'published' AS kind, c.published_at AS at,
           c.created_by_id AS actor, 0 AS step
    FROM correspondences_correspondence c
    UNION ALL
    SELECT c.id, 'opened', c.first_opened_at, c.recipient_id, 1
    FROM correspondences_correspondence c WHERE c.first_opened_at IS NOT NULL
    UNION ALL
    SELECT c.id, 'confirmed', c.confirmed_at, c.recipient_id, 2
    FROM correspondences_correspondence c WHERE c.confirmed_at IS NOT NULL
    UNION ALL
    SELECT c.id, 'archived', c.archived_at, c.recipient_id, 3
    FROM correspondences_correspondence c WHERE c.archived_at IS NOT NULL
) events
ORDER BY at, id, step
"""

SEQUENCES = [
    "organizations_organization",
    "auth_user",
    "organizations_person",
    "correspondences_service",
    "auth_group",
    "delegations_accessgroup",
    "correspondences_correspondence",
    "correspondences_correspondencegroupobjectpermission",
]


def _generate(layout):
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django.utils import timezone
    from psycopg import sql

    from apps.roles.models import Right

    started = time.perf_counter()
    now = timezone.now()
    permissions = {
        codename: Permission.objects.get(codename=codename).pk
        for codename in ("view_correspondence", "manage_access", "send_correspondence")
    }
    world = World(layout, Right.objects.in_bulk(field_name="code"), permissions, now)
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("SET synchronous_commit = off")
    raw.execute("SET work_mem = '256MB'")
    raw.execute("SET maintenance_work_mem = '1GB'")

    _parties(raw, world)
    _say(f"{layout.organizations:,} organisations, {layout.persons:,} persons", started)
    plan = layout.plan()
    _access_groups(raw, world, plan)
    _say(f"{len(world.groups):,} access groups", started)
    grants = _grants(raw, world, plan)
    _say(f"{grants:,} grants", started)

    raw.execute(
        "CREATE UNLOGGED TABLE bench_plan (org_id bigint, n int, s_ord int, "
        "s_conf int, ord_off int, conf_off int)"
    )
    _copy(raw, "bench_plan", "org_id n s_ord s_conf ord_off conf_off", plan)
    raw.execute(
        MESSAGES_SQL,
        {
            "now": now,
            "ordinary": ORDINARY_SERVICES,
            "confidential": CONFIDENTIAL_SERVICES,
        },
    )
    raw.execute(
        CORRESPONDENCES_SQL, {"body": BODY, "caseworkers": layout.organizations}
    )
    _say(f"{layout.correspondences:,} correspondences", started)
    raw.execute(
        PERMISSIONS_SQL,
        {
            "view": permissions["view_correspondence"],
            "confidential": world.rights["mail-confidential"].pk,
            "archive": world.rights["mail-archive"].pk,
        },
    )
    _say("their group permissions", started)
    raw.execute(EVENTS_SQL)
    _say("their status events", started)
    raw.execute("DROP TABLE bench_message")
    raw.execute("DROP TABLE bench_plan")
    for table in SEQUENCES:
        raw.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({name}, 'id'), "
                "(SELECT max(id) FROM {table}))"
            ).format(name=sql.Literal(table), table=sql.Identifier(table))
        )
    raw.execute("VACUUM (ANALYZE)")
    _say("VACUUM (ANALYZE)", started)
    connection.close()


# Measuring


@dataclass
class Timing:
    median: float
    p95: float
    sql: float
    queries: int

    def __str__(self):
        return (
            f"{self.median:6.1f} / {self.p95:6.1f} ms, SQL {self.sql:5.1f} ms, "
            f"{self.queries:>2}q"
        )


class SqlClock:
    """Adds up the time spent in the database driver's execute calls."""

    def __init__(self):
        self.spent = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.spent += time.perf_counter() - started


def _timed(calls, runs, warmup=3):
    """Time each of `calls` (name -> callable) `runs` times, taking them in
    turn, so that load from elsewhere falls on all of them alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock = SqlClock()
    walls = {name: [] for name in calls}
    sqls = {name: [] for name in calls}
    with connection.execute_wrapper(clock):
        for run in range(warmup + runs):
            for name, call in calls.items():
                clock.spent = 0.0
                started = time.perf_counter()
                call()
                wall = time.perf_counter() - started
                if run >= warmup:
                    walls[name].append(wall * 1000)
                    sqls[name].append(clock.spent * 1000)
    counts = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            call()
        counts[name] = len(captured)
    return {
        name: Timing(
            statistics.median(walls[name]),
            statistics.quantiles(walls[name], n=20, method="inclusive")[18],
            statistics.median(sqls[name]),
            counts[name],
        )
        for name in calls
    }


class GrantCycle:
    """delegation_grant, then delegation_revoke of what it granted, in turn."""

    def __init__(self, actor, organization, person, service):
        self.args = actor, organization, person, service
        self.made = None

    def grant(self):
        from apps.delegations.services import delegation_grant

        actor, organization, person, service = self.args
        self.made = delegation_grant(
            actor=actor, organization=organization, person=person, service=service
        )

    def revoke(self):
        from apps.delegations.services import delegation_revoke

        delegation_revoke(actor=self.args[0], grant=self.made)


@dataclass
class Reader:
    label: str
    user: object
    party: object
    visible: int = 0
    deep_after: int = 0
    message: object = None


def _reader(label, person_id, organization_id):
    from django.db.models import Subquery

    from apps.correspondences.models import (
        Correspondence,
        CorrespondenceGroupObjectPermission,
    )
    from apps.delegations.selectors import access_group_ids_for_user
    from apps.organizations.models import Organization, Person

    user = Person.objects.select_related("user").get(pk=person_id).user
    party = Organization.objects.get(pk=organization_id)
    groups = access_group_ids_for_user(user, organization=party)
    inbox = Correspondence.objects.filter(
        recipient=party,
        status=Correspondence.Status.PUBLISHED,
        archived_at__isnull=True,
        pk__in=Subquery(
            CorrespondenceGroupObjectPermission.objects.filter(
                group_id__in=groups, permission__codename="view_correspondence"
            ).values("content_object_id")
        ),
    ).order_by("-pk")
    reader = Reader(label, user, party, visible=inbox.count())
    middle = inbox[reader.visible // 2]
    reader.message = middle
    reader.deep_after = (
        CorrespondenceGroupObjectPermission.objects.filter(content_object=middle)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return reader


def _reader_calls(reader):
    from apps.correspondences.selectors import (
        correspondences_for_user,
        get_correspondence_for_user,
        unread_count_for_user,
    )

    user, party = reader.user, reader.party
    first = correspondences_for_user(user, party=party)
    deep = correspondences_for_user(user, party=party, after=reader.deep_after)
    assert len(first) == 25 and deep, (len(first), len(deep))
    assert deep[0].page_key < reader.deep_after
    return {
        "inbox, first page": lambda: correspondences_for_user(user, party=party),
        "inbox, deep page": lambda: correspondences_for_user(
            user, party=party, after=reader.deep_after
        ),
        "unread count": lambda: unread_count_for_user(user, party=party),
        "one message": lambda: get_correspondence_for_user(
            user, party=party, public_id=reader.message.public_id
        ),
    }


def _guardian_page(user):
    from guardian.shortcuts import get_objects_for_user

    return list(
        get_objects_for_user(
            user,
            "correspondences.view_correspondence",
            accept_global_perms=False,
            with_superuser=False,
        ).order_by("-id")[:25]
    )


def _explain(call):
    """Run `call`, and EXPLAIN (ANALYZE, BUFFERS) the last query it made."""
    from django.db import connection

    seen = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        call()
    sql, params = seen[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def _service_at(organization_id, *, confidential):
    from apps.correspondences.models import Correspondence

    return (
        Correspondence.objects.filter(
            recipient_id=organization_id, is_confidential=confidential
        )
        .order_by("-pk")
        .select_related("service")
        .first()
        .service
    )


# Checking that the generated rows are the ones the services write


def _shape(row, *, skip=()):
    return {k: v is None for k, v in row.items() if k not in skip}


def _check_publish(problems, layout):
    from django.contrib.auth import get_user_model
    from django.db.models import Max

    from apps.correspondences.models import (
        Correspondence,
        CorrespondenceGroupObjectPermission,
        StatusEvent,
    )
    from apps.correspondences.services import correspondence_publish
    from apps.delegations.models import AccessGroup

    fields = [f.attname for f in Correspondence._meta.concrete_fields]
    kept = {"status", "language", "is_confidential", "sender_id", "service_id"}
    kept |= {"recipient_id", "created_by_id", "requires_confirmation"}
    published = None
    for org in (SMALL_ID, CROWD_ID, LARGE_ID):
        for confidential in (False, True):
            generated = (
                Correspondence.objects.filter(
                    recipient_id=org,
                    is_confidential=confidential,
                    first_opened_at__isnull=True,
                    requires_confirmation=False,
                )
                .select_related("service")
                .order_by("-pk")
                .first()
            )
            last_key = CorrespondenceGroupObjectPermission.objects.aggregate(
                top=Max("pk")
            )["top"]
            groups_before = AccessGroup.objects.count()
            service = generated.service
            published = Correspondence.objects.create(
                sender_id=service.owner_id,
                service=service,
                recipient_id=org,
                created_by=get_user_model().objects.get(
                    pk=layout.caseworker(service.pk)
                ),
                title="Vedtak i sak",
                summary="Svar på søknad",
                body=BODY,
                language="nb",
                is_confidential=service.is_confidential,
            )
            correspondence_publish(correspondence=published, actor=published.created_by)
            rows = {}
            for message in (generated, published):
                perms = CorrespondenceGroupObjectPermission.objects.filter(
                    content_object=message
                ).order_by("pk")
                rows[message.pk] = (
                    [(p.group_id, p.permission_id) for p in perms],
                    list(
                        StatusEvent.objects.filter(correspondence=message)
                        .order_by("pk")
                        .values_list("kind", "actor_id")[:1]
                    ),
                )
            what = f"organisation {org}, confidential={confidential}"
            if rows[generated.pk] != rows[published.pk]:
                problems.append(f"{what}: groups/events {rows}")
            first_key = (
                CorrespondenceGroupObjectPermission.objects.filter(
                    content_object=published
                )
                .order_by("pk")
                .first()
                .pk
            )
            if first_key <= last_key:
                problems.append(f"{what}: page key {first_key} ≤ {last_key}")
            if AccessGroup.objects.count() != groups_before:
                problems.append(f"{what}: publishing made new access groups")
            a, b = (
                Correspondence.objects.filter(pk=m.pk).values(*fields).get()
                for m in (generated, published)
            )
            if _shape(a) != _shape(b) or any(a[k] != b[k] for k in kept):
                problems.append(f"{what}: columns differ {a} {b}")
    return published


def _compare_grants(problems, organization, made, generated):
    from apps.audit.models import AuditEntry
    from apps.delegations.models import Grant

    skip = {"id", "person_id", "access_group_id", "granted_at", "ended_at"}
    same = {"source", "granted_by_id", "end_reason", "ended_by_id"}
    row_a, row_b = (
        Grant.objects.filter(pk=g.pk).values().get() for g in (made, generated)
    )
    if _shape(row_a, skip=skip) != _shape(row_b, skip=skip) or any(
        row_a[k] != row_b[k] for k in same
    ):
        problems.append(f"grants differ: {row_a} {row_b}")
    member = [
        g.person.user.groups.filter(pk=g.access_group.group_id).exists()
        for g in (made, generated)
    ]
    if member[0] != member[1]:
        problems.append(f"memberships differ: {made.pk} {generated.pk}")
    entries = [
        AuditEntry.objects.filter(
            subject=g.person,
            organization=organization,
            target_id=str(g.access_group_id),
        )
        .order_by("-occurred_at", "-pk")
        .values("action", "target", "details", "actor_id")
        .first()
        for g in (made, generated)
    ]
    if entries[0]["details"].keys() != entries[1]["details"].keys() or any(
        entries[0][k] != entries[1][k] for k in ("action", "actor_id")
    ):
        problems.append(f"log entries differ: {entries}")
    if entries[0]["target"] != str(made.access_group.subject):
        problems.append(f"log target differs: {entries}")


def _check_grants(problems, measured):
    """Compare the last grant revoked by the measurements, and a new one,
    with generated grants at the same organisation."""
    from apps.delegations.models import Grant
    from apps.delegations.services import delegation_grant

    actor, organization, person, service = measured
    at_organization = Grant.objects.filter(
        access_group__organization=organization, source=Grant.Source.DELEGATION
    ).order_by("-pk")
    revoked = at_organization.filter(end_reason=Grant.EndReason.REVOKED)
    _compare_grants(
        problems,
        organization,
        revoked.filter(person=person).first(),
        revoked.exclude(person=person).first(),
    )
    made = delegation_grant(
        actor=actor, organization=organization, person=person, service=service
    )
    generated = (
        at_organization.filter(
            access_group__service__isnull=False, valid_until__isnull=True
        )
        .filter(ended_at__isnull=True)
        .exclude(person=person)
        .first()
    )
    _compare_grants(problems, organization, made, generated)
    return made


def _check(layout, readers, measured):
    from apps.correspondences.selectors import correspondences_for_user
    from apps.delegations.services import delegation_revoke
    from apps.organizations.models import Organization
    from apps.roles.services import register_rights_sync

    problems = []
    for org in (SMALL_ID, LARGE_ID):
        changed = register_rights_sync(organization=Organization.objects.get(pk=org))
        if changed != (0, 0):
            problems.append(f"register_rights_sync at {org} changed {changed}")
    published = _check_publish(problems, layout)
    large = readers["b"]
    if correspondences_for_user(large.user, party=large.party)[0].pk != published.pk:
        problems.append("the message published last is not on top of the inbox")
    made = _check_grants(problems, measured)
    delegation_revoke(actor=measured[0], grant=made)
    return problems


# The run


def _table(readers, results):
    head = ["", *[f"({k}) {r.label}" for k, r in readers.items()]]
    rows = [[*head, "b/a wall", "b/a SQL"]]
    for label, timings in results.items():
        cells = [str(timings[k]) if k in timings else "" for k in readers]
        a, b = timings.get("a"), timings.get("b")
        if a and b:
            ratios = [f"{b.median / a.median:.2f}", f"{b.sql / a.sql:.2f}"]
        else:
            ratios = ["", ""]
        rows.append([label, *cells, *ratios])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _ratios(results):
    own = results["inbox, first page"]
    guardian = results["guardian page (for comparison)"]
    print()
    for key in guardian:
        print(
            f"guardian get_objects_for_user page / the selector's first page, "
            f"case ({key}): wall {guardian[key].median / own[key].median:.2f}×, "
            f"SQL {guardian[key].sql / own[key].sql:.2f}×"
        )


def _measure(layout, runs):
    from apps.organizations.models import Person

    readers = {
        "a": _reader("small", SMALL_ID, SMALL_ID),
        "b": _reader("large", LARGE_ID, LARGE_ID),
        "c": _reader("many", layout.first_crowd_person, CROWD_ID),
    }
    for key, r in readers.items():
        print(
            f"  ({key}) {r.visible:,} messages in the inbox at organisation "
            f"{r.party.pk}; the deep page starts below key {r.deep_after:,}"
        )
    calls = {key: _reader_calls(r) for key, r in readers.items()}
    results = {
        label: _timed({key: calls[key][label] for key in readers}, runs)
        for label in calls["a"]
    }
    cycles = {
        key: GrantCycle(
            readers[key].user,
            readers[key].party,
            Person.objects.get(pk=grantee),
            _service_at(org, confidential=False),
        )
        for key, org, grantee in (
            ("a", SMALL_ID, layout.grantees[0]),
            ("b", LARGE_ID, layout.grantees[1]),
        )
    }
    # One call is grant-then-revoke; each is timed on its own below.
    both = _timed(
        {
            f"{key}{step}": getattr(cycle, step)
            for key, cycle in cycles.items()
            for step in ("grant", "revoke")
        },
        runs,
    )
    for step in ("grant", "revoke"):
        results[f"delegation_{step}"] = {k: both[f"{k}{step}"] for k in cycles}
    guardian = _timed(
        {key: lambda r=readers[key]: _guardian_page(r.user) for key in ("b", "c")},
        runs,
    )
    results["guardian page (for comparison)"] = guardian
    measured = cycles["b"].args
    return readers, results, measured


PLAN_KEPT = (
    "Scan",
    "Index Cond",
    "Recheck Cond",
    "Sort Key",
    "Gather",
    "Time:",
    "Timing:",
)
PLAN_NOISE = ("auth_permission", "django_content_type", "never executed")


def _plans(readers):
    """Print the plans of the inbox and the count, condensed to the scans and
    their conditions; the lookups of the permission's id are left out."""
    from apps.correspondences.selectors import (
        correspondences_for_user,
        unread_count_for_user,
    )

    cases = [
        ("inbox, first page", "b", {}),
        ("inbox, deep page", "b", {"after": readers["b"].deep_after}),
        ("inbox, first page", "c", {}),
    ]
    for title, key, kwargs in cases:
        reader = readers[key]
        plan = _explain(
            lambda r=reader, k=kwargs: correspondences_for_user(
                r.user, party=r.party, **k
            )
        )
        _print_plan(f"{title}, case ({key})", plan)
    large = readers["b"]
    plan = _explain(lambda: unread_count_for_user(large.user, party=large.party))
    _print_plan("unread count, case (b)", plan)


def _print_plan(title, plan):
    print(f"\nEXPLAIN (ANALYZE, BUFFERS), {title}, condensed:")
    print(f"  {plan[0]}")
    for line in plan[1:]:
        if any(k in line for k in PLAN_KEPT) and not any(n in line for n in PLAN_NOISE):
            print(f"  {line}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--keep", action="store_true", help="leave the scratch database"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept by --keep"
    )
    args = parser.parse_args()
    if not 0 < args.scale <= 1:
        sys.exit("--scale is a fraction of DESIGN.md section 7: 0 < scale ≤ 1.")
    name, admin_url = _scratch(os.environ.get("DATABASE_URL", ""))
    layout = Layout(args.scale)
    if not args.reuse:
        _database(admin_url, name, create=True)

    import django
    from django.core.management import call_command

    django.setup()
    try:
        if not args.reuse:
            print(f"Generating at scale {args.scale} in {name}:", flush=True)
            call_command("migrate", verbosity=0, interactive=False)
            _generate(layout)
        print(f"\nMeasuring ({args.runs} runs each):", flush=True)
        readers, results, measured = _measure(layout, args.runs)
        print(
            "\nwall time median / p95, median time inside the database driver's "
            "execute calls, queries:\n"
        )
        _table(readers, results)
        _ratios(results)
        _plans(readers)
        problems = _check(layout, readers, measured)
        print()
        for problem in problems:
            print(f"MISMATCH: {problem}")
        if not problems:
            print(
                "Checked: correspondence_publish, register_rights_sync and "
                "delegation_grant/revoke write rows shaped as the generated ones."
            )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _database(admin_url, name, create=False)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
