import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.correspondences.models import Attachment, Correspondence, Dispatch
from apps.correspondences.selectors import get_correspondence_for_user
from apps.delegations.models import Grant
from apps.delegations.services import delegation_revoke
from apps.notifications.models import Delivery, NotificationOrder
from apps.organizations.models import RegisterRole
from apps.organizations.validators import organization_number_complete
from apps.roles.models import RegisterRoleType
from tests.correspondences.sending_support import (
    caseworker_at,
    pdf,
    receiving_organization,
    send,
    standard_notification,
    with_email_addresses,
)
from tests.correspondences.support import grant, key_role_holder_at
from tests.factories import OrganizationFactory, PersonFactory, RegisterRoleFactory

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.correspondences.sending_fixtures"]

UNKNOWN_NUMBER = organization_number_complete("39999999")


def _codes(excinfo, field):
    return [e.code for e in excinfo.value.error_dict[field]]


def _messages(excinfo, field):
    return " ".join(str(m) for e in excinfo.value.error_dict[field] for m in e)


def test_caseworker_sends_one_published_message_per_recipient(caseworker, open_service):
    first, second = receiving_organization("A AS"), receiving_organization("B AS")

    result = send(caseworker, open_service, [first, second])

    assert [c.recipient for c in result.correspondences] == [first, second]
    rows = Correspondence.objects.filter(dispatch=result.dispatch)
    assert {c.status for c in rows} == {Correspondence.Status.PUBLISHED}
    assert {c.created_by for c in rows} == {caseworker.user}
    assert not result.repeated


def test_recipient_reads_the_sent_message_through_its_groups(
    caseworker, open_service, kindergarten
):
    result = send(caseworker, open_service, [kindergarten])
    manager = RegisterRole.objects.get(organization=kindergarten).person

    found = get_correspondence_for_user(
        manager.user,
        party=kindergarten,
        public_id=result.correspondences[0].public_id,
    )

    assert found.title == "Sak 2026/17 – til pedagogisk leder"


def test_person_without_a_grant_cannot_send(agency, open_service, kindergarten):
    outsider = PersonFactory(with_login=True)

    with pytest.raises(PermissionDenied):
        send(outsider, open_service, [kindergarten])

    assert not Correspondence.objects.exists()


def test_caseworker_of_another_agency_cannot_send_on_the_service(
    caseworker, open_service, kindergarten
):
    other_agency = OrganizationFactory(form="KOMM")
    admin = key_role_holder_at(other_agency)
    grant(admin, caseworker, other_agency, code="mail-archive")

    with pytest.raises(PermissionDenied):
        send(caseworker, open_service, [kindergarten], party=other_agency)


def test_revoked_caseworker_cannot_send_at_once(
    caseworker, agency_admin, open_service, kindergarten
):
    held = Grant.objects.get(person=caseworker, access_group__service=open_service)
    delegation_revoke(actor=agency_admin.user, grant=held)

    with pytest.raises(PermissionDenied):
        send(caseworker, open_service, [kindergarten])


@pytest.mark.parametrize(
    ("field", "length", "limit"),
    [("title", 256, 255), ("summary", 256, 255), ("body", 30_001, 30_000)],
)
def test_sending_refuses_a_text_over_its_limit_and_names_the_limit(
    caseworker, open_service, kindergarten, field, length, limit
):
    with pytest.raises(ValidationError) as excinfo:
        send(caseworker, open_service, [kindergarten], **{field: "x" * length})

    assert str(limit) in _messages(excinfo, field)
    assert not Correspondence.objects.exists()


def test_sending_refuses_a_message_without_a_title(
    caseworker, open_service, kindergarten
):
    with pytest.raises(ValidationError) as excinfo:
        send(caseworker, open_service, [kindergarten], title="   ")

    assert _codes(excinfo, "title") == ["required"]


def test_sending_refuses_a_publication_time_in_the_past(
    caseworker, open_service, kindergarten
):
    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)

    with pytest.raises(ValidationError) as excinfo:
        send(caseworker, open_service, [kindergarten], publish_at=an_hour_ago)

    assert _codes(excinfo, "publish_at") == ["past"]


def test_sending_refuses_a_due_date_before_publication(
    caseworker, open_service, kindergarten
):
    tomorrow = timezone.now() + timezone.timedelta(days=1)

    with pytest.raises(ValidationError) as excinfo:
        send(
            caseworker,
            open_service,
            [kindergarten],
            publish_at=tomorrow,
            due_at=tomorrow - timezone.timedelta(hours=2),
        )

    assert _codes(excinfo, "due_at") == ["before_publication"]


def test_sending_names_each_bad_recipient_and_sends_to_nobody(
    caseworker, open_service, kindergarten
):
    deleted = OrganizationFactory(name="Nedlagt AS", is_deleted=True)

    with pytest.raises(ValidationError) as excinfo:
        send(
            caseworker,
            open_service,
            [kindergarten.number, "123456789", UNKNOWN_NUMBER, deleted, kindergarten],
        )

    assert _codes(excinfo, "recipients") == [
        "invalid",
        "duplicate",
        "unknown",
        "deleted",
    ]
    text = _messages(excinfo, "recipients")
    assert "123456789" in text
    assert "Nedlagt AS" in text
    assert not Correspondence.objects.exists()


def test_sending_refuses_more_than_500_recipients(caseworker, open_service):
    numbers = [str(n) for n in range(501)]

    with pytest.raises(ValidationError) as excinfo:
        send(caseworker, open_service, numbers)

    assert _codes(excinfo, "recipients") == ["too_many"]
    assert "500" in _messages(excinfo, "recipients")


def test_confidential_mail_to_an_organisation_without_key_roles_is_refused(
    caseworker, secret_service, kindergarten
):
    # R13: the general manager of this one is another organisation.
    nobody = OrganizationFactory(name="Holmen Eiendom AS")
    RegisterRoleFactory(
        organization=nobody,
        holder_kind=RegisterRole.HolderKind.ORGANIZATION,
        person=None,
        holder_key="org:1",
        holder_name="Holmen Holding AS",
        role_type=RegisterRoleType.objects.get(code="DAGL"),
    )

    with pytest.raises(ValidationError) as excinfo:
        send(caseworker, secret_service, [kindergarten, nobody])

    assert _codes(excinfo, "recipients") == ["no_key_role"]
    text = _messages(excinfo, "recipients")
    assert "Holmen Eiendom AS" in text
    assert "paper" in text
    assert not Correspondence.objects.exists()


def test_ordinary_mail_may_go_to_an_organisation_without_key_roles(
    caseworker, open_service
):
    result = send(caseworker, open_service, [OrganizationFactory()])

    assert len(result.correspondences) == 1


def test_confidential_mail_without_a_notification_is_refused(
    caseworker, secret_service, kindergarten
):
    with pytest.raises(ValidationError) as excinfo:
        send(caseworker, secret_service, [kindergarten], notification=None)

    assert _codes(excinfo, "notification") == ["notification_required"]
    assert not Correspondence.objects.exists()


def test_confidential_mail_orders_a_notification_for_each_recipient(
    caseworker, secret_service, kindergarten
):
    other = receiving_organization("Blåbær barnehage AS")

    result = send(caseworker, secret_service, [kindergarten, other])

    orders = NotificationOrder.objects.filter(correspondence__in=result.correspondences)
    assert sorted(o.email_subject for o in orders) == [
        "Taushetsbelagt melding til Blåbær barnehage AS",
        "Taushetsbelagt melding til Solsikken barnehage AS",
    ]
    # Published now, so the deliveries may go now.
    assert not Delivery.objects.filter(not_before__isnull=True).exists()
    assert all(c.is_confidential for c in result.correspondences)


def test_sender_is_warned_of_a_recipient_with_no_notification_address(
    caseworker, secret_service
):
    silent = receiving_organization("Stille AS", email=False)

    result = send(caseworker, secret_service, [silent])

    assert len(result.warnings) == 1
    assert "Stille AS" in result.warnings[0]


def test_a_notification_text_with_a_national_identity_number_is_refused(
    caseworker, secret_service, kindergarten
):
    spec = standard_notification()
    person = PersonFactory()
    bad = type(spec)(**{**spec.__dict__, "sms_text": f"Gjelder {person.national_id}"})

    with pytest.raises(ValidationError) as excinfo:
        send(caseworker, secret_service, [kindergarten], notification=bad)

    assert "sms_text" in excinfo.value.error_dict
    assert person.national_id not in _messages(excinfo, "sms_text")
    assert not Correspondence.objects.exists()


def test_attachments_are_stored_once_under_names_of_our_own(
    caseworker, open_service, kindergarten
):
    other = receiving_organization("B AS")

    result = send(
        caseworker, open_service, [kindergarten, other], attachments=[pdf("x.pdf")]
    )

    rows = Attachment.objects.filter(correspondence__in=result.correspondences)
    assert rows.count() == 2
    assert {a.name for a in rows} == {"x.pdf"}
    assert len({a.file.name for a in rows}) == 1
    assert "x.pdf" not in rows[0].file.name
    assert rows[0].file.read() == pdf().read()


def test_a_refused_attachment_stores_nothing_and_sends_nothing(
    caseworker, open_service, kindergarten
):
    storage = Attachment._meta.get_field("file").storage
    lying = pdf("vedtak.pdf", data=b"MZ\x90\x00 this is no PDF")

    with pytest.raises(ValidationError) as excinfo:
        send(
            caseworker,
            open_service,
            [kindergarten],
            attachments=[pdf("ok.pdf"), lying],
        )

    assert "attachments" in excinfo.value.error_dict
    assert not Correspondence.objects.exists()
    assert storage.listdir("")[0] == []


def test_the_same_form_sent_twice_sends_once(caseworker, open_service, kindergarten):
    key = uuid.uuid4()

    first = send(caseworker, open_service, [kindergarten], idempotency_key=key)
    second = send(caseworker, open_service, [kindergarten], idempotency_key=key)

    assert second.repeated
    assert [c.pk for c in second.correspondences] == [
        c.pk for c in first.correspondences
    ]
    assert Correspondence.objects.count() == 1
    assert Dispatch.objects.count() == 1


def test_someone_else_cannot_reuse_a_sent_forms_key(
    caseworker, agency, agency_admin, open_service, kindergarten
):
    key = uuid.uuid4()
    send(caseworker, open_service, [kindergarten], idempotency_key=key)
    colleague = caseworker_at(agency, agency_admin, open_service)

    with pytest.raises(PermissionDenied):
        send(colleague, open_service, [kindergarten], idempotency_key=key)


def _queries_to_send(caseworker, service, count):
    recipients = with_email_addresses(OrganizationFactory.create_batch(count))
    with CaptureQueriesContext(connection) as queries:
        send(
            caseworker,
            service,
            recipients,
            attachments=[pdf()],
            notification=standard_notification(confidential=False),
        )
    return len(queries)


def test_sending_to_500_costs_only_bulk_statements_more_than_to_5(
    caseworker, open_service
):
    # Recipients, their groups, permission rows, events, orders, deliveries
    # and attachments are each written in bulk: what grows with the number
    # of recipients is the number of batches, not one query per recipient.
    few = _queries_to_send(caseworker, open_service, 5)
    many = _queries_to_send(caseworker, open_service, 500)

    assert Correspondence.objects.count() == 505
    assert many - few <= 10, (few, many)
