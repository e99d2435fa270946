"""The access log can only grow (R14)."""

import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AppendOnlyError, AuditEntry
from apps.audit.services import audit_record
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return audit_record(
        action=AuditEntry.Action.GRANT, organization=OrganizationFactory()
    )


def test_log_entry_cannot_be_changed_through_the_orm(entry):
    entry.action = AuditEntry.Action.REVOKE

    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="revoke")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["action"])

    assert AuditEntry.objects.get(pk=entry.pk).action == AuditEntry.Action.GRANT


def test_log_entry_cannot_be_removed_through_the_orm(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_log_entry_is_guarded_below_the_orm_where_the_database_can(entry):
    table = AuditEntry._meta.db_table
    if connection.vendor == "postgresql":
        # The trigger of migration 0003 refuses raw SQL too.
        for sql in [
            f"UPDATE {table} SET action = 'revoke' WHERE id = %s",  # noqa: S608
            f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
        ]:
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [entry.pk])
    else:
        # The embedded SQLite has no trigger; the ORM guard is what stands.
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=entry.pk).update(action="revoke")
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.get(pk=entry.pk).action == AuditEntry.Action.GRANT


def test_admin_offers_the_log_to_read_only(admin_client, entry):
    listing = admin_client.get("/admin/audit/auditentry/")
    change = admin_client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    add = admin_client.get("/admin/audit/auditentry/add/")
    delete = admin_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/")

    assert listing.status_code == change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert add.status_code == delete.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
