"""The sending side's world: an agency, its services and its caseworker."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.correspondences.sending import correspondence_send
from apps.notifications.services import notification_spec_default
from apps.organizations.models import NotificationAddress
from tests.correspondences.support import act_for, grant, key_role_holder_at
from tests.factories import OrganizationFactory, PersonFactory

PDF = b"%PDF-1.4\n% Taushet\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="vedtak.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def caseworker_at(agency, admin, *services):
    person = PersonFactory(with_login=True, first_name="Camilla", last_name="Sæther")
    for service in services:
        grant(admin, person, agency, service=service)
    return person


def receiving_organization(name="Solsikken barnehage AS", *, email=True):
    """Return an organisation with a general manager and an email address."""
    organization = OrganizationFactory(name=name)
    key_role_holder_at(organization)
    if email:
        NotificationAddress.objects.create(
            organization=organization,
            channel=NotificationAddress.Channel.EMAIL,
            address="post@solsikken.example",
        )
    return organization


def with_email_addresses(organizations):
    """Give each organisation an email address to be notified at, in bulk."""
    NotificationAddress.objects.bulk_create(
        NotificationAddress(
            organization=o,
            channel=NotificationAddress.Channel.EMAIL,
            address=f"post@{o.number}.example",
        )
        for o in organizations
    )
    return organizations


def standard_notification(*, confidential=True, language="nb"):
    return notification_spec_default(confidential=confidential, language=language)


def send(caseworker, service, recipients, **fields):
    """Send through the real service, with what a caseworker would write."""
    values = {
        "actor": caseworker.user,
        "party": service.owner,
        "service": service,
        "recipients": [getattr(r, "number", r) for r in recipients],
        "title": "Sak 2026/17 – til pedagogisk leder",
        "summary": "Oppfølging",
        "body": "Hei, **takk** for møtet.",
        "language": "nb",
        "attachments": [],
        "notification": standard_notification(confidential=service.is_confidential),
    }
    values.update(fields)
    return correspondence_send(**values)


def caseworker_client(client, caseworker, agency):
    return act_for(client, caseworker.user, agency)


COMPOSE_URL = "/compose/"


def sent_detail_url(correspondence):
    return reverse("sent_detail", args=[correspondence.public_id])
