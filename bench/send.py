"""
Time one send to 500 organisations, the bulk path end to end.

    DATABASE_URL=postgres://... SECRET_KEY=x uv run python bench/send.py

It works in a database of its own making: the test runner's, created and
destroyed around the run, so it never touches real data.
"""

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.files.storage import InMemoryStorage  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)

RECIPIENTS = 500
RUNS = int(os.environ.get("BENCH_RUNS", 5))
PDF = b"%PDF-1.4\n% Taushet bench\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _world():
    from apps.correspondences.models import Service
    from apps.delegations.services import delegation_grant
    from apps.roles.models import Right
    from tests.correspondences.support import key_role_holder_at
    from tests.factories import OrganizationFactory, PersonFactory

    agency = OrganizationFactory(form="KOMM")
    admin = key_role_holder_at(agency)
    service = Service.objects.create(
        owner=agency,
        code="bench-service",
        name_nb="Benk",
        name_en="Bench",
        is_confidential=True,
    )
    service.opened_by.set([Right.objects.get(code=Right.MAIL_CONFIDENTIAL)])
    caseworker = PersonFactory(with_login=True)
    delegation_grant(
        actor=admin.user, organization=agency, person=caseworker, service=service
    )
    return agency, service, caseworker


def _recipients(count):
    # Each recipient has a general manager, so that R13 lets confidential
    # mail through, written in bulk: the send is what is timed.
    from apps.organizations.models import Person, RegisterRole
    from apps.roles.models import RegisterRoleType
    from tests.correspondences.sending_support import with_email_addresses
    from tests.factories import OrganizationFactory, PersonFactory

    organizations = OrganizationFactory.create_batch(count)
    people = Person.objects.bulk_create(PersonFactory.build_batch(count))
    general_manager = RegisterRoleType.objects.get(code="DAGL")
    RegisterRole.objects.bulk_create(
        RegisterRole(
            organization=organization,
            role_type=general_manager,
            holder_kind=RegisterRole.HolderKind.PERSON,
            person=person,
            holder_key=f"person:{person.pk}",
        )
        for organization, person in zip(organizations, people, strict=True)
    )
    return with_email_addresses(organizations)


def main():
    from apps.correspondences.models import Attachment
    from apps.correspondences.sending import correspondence_send
    from apps.notifications.services import notification_spec_default

    Attachment._meta.get_field("file").storage = InMemoryStorage()
    agency, service, caseworker = _world()
    spec = notification_spec_default(confidential=True, language="nb")
    timings, queries = [], []
    for _run in range(RUNS):
        recipients = _recipients(RECIPIENTS)
        # Rolled back rather than committed: with no broker, the deliveries
        # queued on commit would be sent in this process, and their cost is
        # the worker's, measured by bench/notifications.py.
        with transaction.atomic():
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                correspondence_send(
                    actor=caseworker.user,
                    party=agency,
                    service=service,
                    recipients=[o.number for o in recipients],
                    title="Sak 2026/1 – til daglig leder",
                    summary="",
                    body="Benk",
                    language="nb",
                    attachments=[SimpleUploadedFile("a.pdf", PDF)],
                    notification=spec,
                    idempotency_key=uuid.uuid4(),
                )
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        timings.append(elapsed)
        queries.append(len(captured.captured_queries))
    print(
        f"{connection.vendor}: {RECIPIENTS} recipients, {RUNS} runs: "
        f"median {statistics.median(timings) * 1000:.0f} ms, "
        f"min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms, "
        f"{queries[-1]} queries"
    )


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
