"""The message page, its attachments, and what a reader does with it."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEntry
from apps.correspondences.models import StatusEvent
from tests.correspondences.support import (
    act_for,
    detail_url,
    download_url,
    grant,
    publish,
)
from tests.factories import ATTACHMENT_DATA, AttachmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def confidential_reader(client, organization, general_manager, confidential_service):
    """The general manager, acting for the organisation, with the service."""
    grant(general_manager, general_manager, organization, service=confidential_service)
    act_for(client, general_manager.user, organization)
    return general_manager.user


def test_reader_sees_the_message_with_its_body_and_attachments(
    client, organization, general_manager, ordinary_service
):
    correspondence = publish(
        ordinary_service,
        organization,
        title="Tilsyn 2026/14",
        body="Les **vedtaket** og svar innen fristen.",
        requires_confirmation=True,
    )
    attachment = AttachmentFactory(correspondence=correspondence, name="vedtak.pdf")
    act_for(client, general_manager.user, organization)

    response = client.get(detail_url(correspondence))

    content = response.content.decode()
    assert "<title>Tilsyn 2026/14 · Taushet</title>" in content
    assert "<strong>vedtaket</strong>" in content
    assert correspondence.sender.name in content
    assert ordinary_service.name in content
    assert download_url(attachment) in content
    assert reverse("correspondence_confirm", args=[correspondence.public_id]) in content
    assert reverse("correspondence_archive", args=[correspondence.public_id]) in content


def test_message_page_renders_a_hostile_body_inert(
    client, organization, general_manager, ordinary_service
):
    correspondence = publish(
        ordinary_service,
        organization,
        body=(
            "<script>alert(1)</script>\n\n[klikk](javascript:alert(1))\n\n"
            "![x](https://tracker.example/p.png)"
        ),
    )
    act_for(client, general_manager.user, organization)

    content = client.get(detail_url(correspondence)).content.decode()

    assert "<script>alert" not in content
    assert 'href="javascript:' not in content
    assert "<img" not in content
    assert "&lt;script&gt;" in content


def test_opening_is_recorded_once(
    client, organization, general_manager, ordinary_service
):
    correspondence = publish(ordinary_service, organization)
    act_for(client, general_manager.user, organization)

    client.get(detail_url(correspondence))
    client.get(detail_url(correspondence))

    correspondence.refresh_from_db()
    assert correspondence.first_opened_at is not None
    opened = correspondence.events.filter(kind=StatusEvent.Kind.OPENED)
    assert [event.actor for event in opened] == [general_manager.user]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.OPEN).exists()


def test_every_opening_of_confidential_mail_is_logged_without_its_title(
    client, organization, confidential_service, confidential_reader
):
    correspondence = publish(confidential_service, organization, title="Ola Nordmann")

    client.get(detail_url(correspondence))
    client.get(detail_url(correspondence), REMOTE_ADDR="192.0.2.7")

    entries = AuditEntry.objects.filter(action=AuditEntry.Action.OPEN).order_by("id")
    assert [e.target_id for e in entries] == [str(correspondence.public_id)] * 2
    assert {e.actor for e in entries} == {confidential_reader}
    assert {e.organization for e in entries} == {organization}
    assert entries.last().ip_address == "192.0.2.7"
    assert not any("Ola" in e.target or "Ola" in str(e.details) for e in entries)
    assert correspondence.events.filter(kind=StatusEvent.Kind.OPENED).count() == 1


def test_opening_the_page_clears_the_unread_badge(
    client, organization, general_manager, ordinary_service
):
    correspondence = publish(ordinary_service, organization)
    act_for(client, general_manager.user, organization)
    assert client.get(reverse("inbox")).context["unread_count"] == 1

    response = client.get(detail_url(correspondence))

    assert response.context["unread_count"] == 0


def test_attachment_downloads_as_a_file_never_shown_in_the_page(
    client, organization, confidential_service, confidential_reader
):
    correspondence = publish(confidential_service, organization)
    attachment = AttachmentFactory(
        correspondence=correspondence, name='rapport "endelig".pdf'
    )

    response = client.get(download_url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ATTACHMENT_DATA
    assert response["Content-Disposition"].startswith("attachment;")
    assert "rapport" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("kind", ["ordinary", "confidential"])
def test_every_download_is_logged_by_the_attachments_id(
    kind,
    client,
    organization,
    ordinary_service,
    confidential_service,
    confidential_reader,
):
    service = confidential_service if kind == "confidential" else ordinary_service
    attachment = AttachmentFactory(
        correspondence=publish(service, organization), name="Ola Nordmann.pdf"
    )

    client.get(download_url(attachment))

    entry = AuditEntry.objects.get(action=AuditEntry.Action.DOWNLOAD)
    assert entry.actor == confidential_reader
    assert entry.organization == organization
    assert entry.target_id == str(attachment.correspondence.public_id)
    assert entry.details == {"attachment": str(attachment.public_id)}
    assert "Ola" not in entry.target


def test_attachment_of_another_message_answers_404(
    client, organization, general_manager, ordinary_service
):
    mine = publish(ordinary_service, organization)
    other = AttachmentFactory(correspondence=publish(ordinary_service, organization))
    act_for(client, general_manager.user, organization)

    url = reverse("attachment_download", args=[mine.public_id, other.public_id])

    assert client.get(url).status_code == 404


def test_reader_confirms_where_asked_and_the_button_goes_away(
    client, organization, general_manager, ordinary_service
):
    correspondence = publish(ordinary_service, organization, requires_confirmation=True)
    act_for(client, general_manager.user, organization)
    url = reverse("correspondence_confirm", args=[correspondence.public_id])

    response = client.post(url, follow=True)

    correspondence.refresh_from_db()
    assert correspondence.confirmed_at is not None
    assert url not in response.content.decode()
    assert correspondence.events.filter(kind=StatusEvent.Kind.CONFIRMED).count() == 1


def test_confirming_a_message_that_asks_for_none_changes_nothing(
    client, organization, general_manager, ordinary_service
):
    correspondence = publish(ordinary_service, organization)
    act_for(client, general_manager.user, organization)

    response = client.post(
        reverse("correspondence_confirm", args=[correspondence.public_id])
    )

    assert response.status_code == 302
    correspondence.refresh_from_db()
    assert correspondence.confirmed_at is None


def test_reader_archives_and_brings_back_a_message(
    client, organization, general_manager, ordinary_service
):
    correspondence = publish(ordinary_service, organization)
    act_for(client, general_manager.user, organization)

    client.post(reverse("correspondence_archive", args=[correspondence.public_id]))
    correspondence.refresh_from_db()
    assert correspondence.archived_at is not None

    client.post(reverse("correspondence_unarchive", args=[correspondence.public_id]))
    correspondence.refresh_from_db()
    assert correspondence.archived_at is None
    assert list(correspondence.events.values_list("kind", flat=True)) == [
        StatusEvent.Kind.PUBLISHED,
        StatusEvent.Kind.ARCHIVED,
        StatusEvent.Kind.UNARCHIVED,
    ]


@pytest.mark.parametrize(
    "name",
    ["correspondence_confirm", "correspondence_archive", "correspondence_unarchive"],
)
def test_state_changes_refuse_get(
    name, client, organization, general_manager, ordinary_service
):
    correspondence = publish(ordinary_service, organization, requires_confirmation=True)
    act_for(client, general_manager.user, organization)

    response = client.get(reverse(name, args=[correspondence.public_id]))

    assert response.status_code == 405
    correspondence.refresh_from_db()
    assert correspondence.confirmed_at is None
    assert correspondence.archived_at is None


@pytest.mark.parametrize("name", ["correspondence_confirm", "correspondence_archive"])
def test_state_changes_refuse_a_post_without_csrf_token(
    name, organization, general_manager, ordinary_service
):
    from django.test import Client

    correspondence = publish(ordinary_service, organization, requires_confirmation=True)
    client = act_for(
        Client(enforce_csrf_checks=True), general_manager.user, organization
    )

    response = client.post(reverse(name, args=[correspondence.public_id]))

    assert response.status_code == 403
    correspondence.refresh_from_db()
    assert correspondence.confirmed_at is None
    assert correspondence.archived_at is None


@pytest.mark.parametrize("count", [5, 50])
def test_message_page_runs_the_same_queries_with_5_or_50_messages(
    count,
    client,
    organization,
    general_manager,
    ordinary_service,
    django_assert_num_queries,
):
    messages = [publish(ordinary_service, organization) for _ in range(count)]
    for message in messages[:3]:
        AttachmentFactory(correspondence=message)
    act_for(client, general_manager.user, organization)

    # 1 session, 2 user, 3 party (middleware); 4 the reader's groups and
    # 5 the message; 6-9 recording the first opening (savepoint, update,
    # event, release); 10 its attachments; 11 the party's rights and 12
    # whether they send for it (header); 13 the reader's groups, 14 the
    # unread count through groups and 15 of shared ones (badge); 16 the
    # reader's name (header); 17-19 saving the session in a savepoint.
    with django_assert_num_queries(19):
        response = client.get(detail_url(messages[0]))

    assert response.status_code == 200
