import datetime
import uuid

import pytest
from django.utils import timezone

from apps.correspondences.markdown import render_markdown
from apps.correspondences.models import Attachment, Correspondence, Draft
from apps.organizations.models import RegisterRole
from apps.organizations.validators import organization_number_complete
from tests.correspondences.sending_support import (
    COMPOSE_URL,
    caseworker_at,
    pdf,
    receiving_organization,
    standard_notification,
)
from tests.correspondences.support import act_for
from tests.factories import OrganizationFactory, PersonFactory, ServiceFactory

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.correspondences.sending_fixtures"]


def _form(service, to, **fields):
    spec = standard_notification(confidential=service.is_confidential)
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "service": service.pk,
        "recipients": "\n".join(getattr(r, "number", r) for r in to),
        "title": "Sak 2026/17 – til pedagogisk leder",
        "summary": "Oppfølging",
        "body": "Hei, **takk** for møtet.",
        "language": "nb",
        "when": "now",
        "publish_at": "",
        "due_at": "",
        "sender_reference": "BV-2026-17",
        "notify": "on",
        "channel": spec.channel,
        "template": spec.template,
        "action": "preview",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def _send(client, data):
    # Files are chosen in the last step only.
    fields = {k: v for k, v in data.items() if k != "attachments"}
    preview = client.post(COMPOSE_URL, {**fields, "action": "preview"})
    key = preview.context["preview"]["recipients_key"]
    return client.post(COMPOSE_URL, {**data, "action": "send", "previewed": key})


def _errors(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


def test_person_who_may_not_send_gets_404_on_the_compose_page(client, kindergarten):
    manager = RegisterRole.objects.get(organization=kindergarten).person
    act_for(client, manager.user, kindergarten)

    assert client.get(COMPOSE_URL).status_code == 404


def test_caseworker_sees_only_the_services_she_may_send_on(
    caseworker_browsing, agency, agency_admin, open_service, secret_service
):
    ServiceFactory(owner=agency, name_nb="Ikke min tjeneste")
    response = caseworker_browsing.get(COMPOSE_URL)

    offered = list(response.context["form"].fields["service"].queryset)
    assert set(offered) == {open_service, secret_service}
    assert "Ikke min tjeneste" not in response.text


def test_compose_page_explains_confidential_mail_and_the_title(caseworker_browsing):
    response = caseworker_browsing.get(COMPOSE_URL)

    assert "cannot see it at all until its Main Administrator" in response.text
    assert "name the case officer or give a case number" in response.text


def test_the_standard_notification_text_is_filled_in_with_its_tokens(
    caseworker_browsing,
):
    response = caseworker_browsing.get(COMPOSE_URL)

    form = response.context["form"]
    assert "$recipientName$" in form["email_body"].value()
    assert "$serviceName$" in form["sms_text"].value()


def test_preview_names_each_recipient_as_registered(
    caseworker_browsing, secret_service, kindergarten
):
    other = receiving_organization("Blåbær barnehage AS")

    response = caseworker_browsing.post(
        COMPOSE_URL, _form(secret_service, [kindergarten, other], action="preview")
    )

    assert response.status_code == 200
    assert [o.name for o in response.context["preview"]["recipients"]] == [
        "Solsikken barnehage AS",
        "Blåbær barnehage AS",
    ]
    assert 'id="send-button"' in response.text


def test_preview_shows_the_body_exactly_as_the_receiver_will(
    caseworker_browsing, open_service, kindergarten
):
    body = "# Møte\n\n<script>alert(1)</script> [lenke](javascript:alert(1))"

    response = caseworker_browsing.post(
        COMPOSE_URL, _form(open_service, [kindergarten], body=body)
    )

    assert str(render_markdown(body)) in response.text
    assert "<script>alert(1)" not in response.text


def test_preview_shows_the_notification_as_the_first_recipient_gets_it(
    caseworker_browsing, secret_service, kindergarten
):
    response = caseworker_browsing.post(
        COMPOSE_URL, _form(secret_service, [kindergarten])
    )

    notification = response.context["preview"]["notification"]
    assert notification.email_subject == (
        "Taushetsbelagt melding til Solsikken barnehage AS"
    )
    assert notification.sms.segments >= 1
    assert f"{notification.sms.characters} characters" in response.text


def test_preview_warns_of_a_recipient_without_a_notification_address(
    caseworker_browsing, secret_service
):
    silent = receiving_organization("Stille AS", email=False)

    response = caseworker_browsing.post(COMPOSE_URL, _form(secret_service, [silent]))

    assert response.context["preview"]["without_address"] == [silent]
    assert 'id="without-address"' in response.text


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        (["123456789"], "“123456789”, is not a valid organisation number"),
        ([organization_number_complete("39999999")], "is not in the Register"),
        (["dup", "dup"], "is already in the list as recipient 1"),
    ],
)
def test_form_names_the_bad_recipient(
    caseworker_browsing, open_service, numbers, expected
):
    if numbers == ["dup", "dup"]:
        number = OrganizationFactory().number
        numbers = [number, number]

    response = caseworker_browsing.post(COMPOSE_URL, _form(open_service, numbers))

    assert expected in _errors(response, "recipients")
    assert response.context["preview"] is None


def test_form_names_a_deleted_recipient(caseworker_browsing, open_service):
    deleted = OrganizationFactory(name="Nedlagt AS", is_deleted=True)

    response = caseworker_browsing.post(COMPOSE_URL, _form(open_service, [deleted]))

    assert "(Nedlagt AS), has been deleted" in _errors(response, "recipients")


def test_form_refuses_more_than_500_recipients(caseworker_browsing, open_service):
    response = caseworker_browsing.post(
        COMPOSE_URL, _form(open_service, [str(n) for n in range(501)])
    )

    assert "at most 500 organisations" in _errors(response, "recipients")


def test_recipients_may_be_separated_by_commas_spaces_and_new_lines(
    caseworker_browsing, open_service
):
    a, b, c = OrganizationFactory.create_batch(3)

    response = caseworker_browsing.post(
        COMPOSE_URL,
        _form(open_service, [], recipients=f"{a.number}, {b.number}\n{c.number}"),
    )

    assert response.context["preview"]["recipients"] == [a, b, c]


def test_form_refuses_confidential_mail_to_an_organisation_without_key_roles(
    caseworker_browsing, secret_service
):
    nobody = OrganizationFactory(name="Holmen Eiendom AS")

    response = caseworker_browsing.post(COMPOSE_URL, _form(secret_service, [nobody]))

    errors = _errors(response, "recipients")
    assert "Holmen Eiendom AS" in errors
    assert "on paper" in errors


@pytest.mark.parametrize(
    ("field", "length", "limit"),
    [("title", 256, 255), ("summary", 256, 255), ("body", 30_001, 30_000)],
)
def test_form_refuses_a_text_over_its_limit(
    caseworker_browsing, open_service, kindergarten, field, length, limit
):
    response = caseworker_browsing.post(
        COMPOSE_URL, _form(open_service, [kindergarten], **{field: "x" * length})
    )

    assert str(limit) in _errors(response, field)


def test_form_refuses_a_publication_time_in_the_past(
    caseworker_browsing, open_service, kindergarten
):
    response = caseworker_browsing.post(
        COMPOSE_URL,
        _form(
            open_service, [kindergarten], when="later", publish_at="2020-01-01T10:00"
        ),
    )

    assert "has passed" in _errors(response, "publish_at")


def test_form_refuses_a_due_date_before_publication(
    caseworker_browsing, open_service, kindergarten
):
    publish = timezone.localtime() + datetime.timedelta(days=2)
    due = publish - datetime.timedelta(days=1)

    response = caseworker_browsing.post(
        COMPOSE_URL,
        _form(
            open_service,
            [kindergarten],
            when="later",
            publish_at=publish.strftime("%Y-%m-%dT%H:%M"),
            due_at=due.strftime("%Y-%m-%dT%H:%M"),
        ),
    )

    assert "after the message is published" in _errors(response, "due_at")


def test_form_refuses_confidential_mail_without_notification(
    caseworker_browsing, secret_service, kindergarten
):
    response = caseworker_browsing.post(
        COMPOSE_URL, _form(secret_service, [kindergarten], notify=None)
    )

    assert "must be notified" in _errors(response, "notify")


def test_form_refuses_the_generic_text_for_confidential_mail(
    caseworker_browsing, secret_service, kindergarten
):
    response = caseworker_browsing.post(
        COMPOSE_URL, _form(secret_service, [kindergarten], template="ordinary")
    )

    assert "does not say that the message is confidential" in _errors(
        response, "template"
    )


def test_form_shows_where_a_notification_text_has_a_national_identity_number(
    caseworker_browsing, secret_service, kindergarten
):
    person = PersonFactory()
    sms = f"Gjelder {person.national_id}"

    response = caseworker_browsing.post(
        COMPOSE_URL,
        _form(
            secret_service,
            [kindergarten],
            template="custom",
            email_subject="Melding",
            email_body="Se Taushet.",
            sms_text=sms,
        ),
    )

    errors = _errors(response, "sms_text")
    assert "position 9" in errors
    assert person.national_id not in errors


def test_form_shows_an_unknown_token(caseworker_browsing, secret_service, kindergarten):
    response = caseworker_browsing.post(
        COMPOSE_URL,
        _form(
            secret_service,
            [kindergarten],
            template="custom",
            email_subject="Til $recipentName$",
            email_body="Se Taushet.",
            sms_text="Se Taushet.",
        ),
    )

    assert "unknown token $recipentName$ at position 5" in _errors(
        response, "email_subject"
    )


def test_caseworker_sends_after_the_preview_with_an_attachment(
    caseworker_browsing, secret_service, kindergarten
):
    data = _form(secret_service, [kindergarten])

    response = _send(caseworker_browsing, {**data, "attachments": [pdf("vedtak.pdf")]})

    message = Correspondence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sent/{message.public_id}/"
    assert message.status == Correspondence.Status.PUBLISHED
    assert message.sender_reference == "BV-2026-17"
    assert [a.name for a in message.attachments.all()] == ["vedtak.pdf"]


def test_send_without_a_preview_of_these_recipients_sends_nothing(
    caseworker_browsing, open_service, kindergarten
):
    other = receiving_organization("B AS")
    preview = caseworker_browsing.post(COMPOSE_URL, _form(open_service, [kindergarten]))
    key = preview.context["preview"]["recipients_key"]

    response = caseworker_browsing.post(
        COMPOSE_URL,
        {
            **_form(open_service, [kindergarten, other]),
            "action": "send",
            "previewed": key,
        },
    )

    assert response.status_code == 200
    assert not Correspondence.objects.exists()
    assert "Check the recipients" in response.text


def test_a_double_submit_sends_once(caseworker_browsing, open_service, kindergarten):
    data = _form(open_service, [kindergarten])

    first = _send(caseworker_browsing, data)
    second = _send(caseworker_browsing, data)

    assert first.status_code == second.status_code == 302
    assert Correspondence.objects.count() == 1


def test_a_refused_attachment_is_named_and_nothing_is_stored(
    caseworker_browsing, open_service, kindergarten
):
    data = _form(open_service, [kindergarten])
    lying = pdf("vedtak.pdf", data=b"MZ\x90\x00 not a PDF at all")

    response = _send(caseworker_browsing, {**data, "attachments": [lying]})

    assert response.status_code == 200
    assert "vedtak.pdf" in _errors(response, "attachments")
    assert not Correspondence.objects.exists()
    assert Attachment._meta.get_field("file").storage.listdir("")[0] == []
    # The preview stays, so that the file can be chosen again.
    assert 'id="send-button"' in response.text


def test_scheduled_send_says_when_and_publishes_nothing_yet(
    caseworker_browsing, open_service, kindergarten
):
    later = timezone.localtime() + datetime.timedelta(days=1)
    data = _form(
        open_service,
        [kindergarten],
        when="later",
        publish_at=later.strftime("%Y-%m-%dT%H:%M"),
    )

    _send(caseworker_browsing, data)

    assert Correspondence.objects.get().status == Correspondence.Status.SCHEDULED


def test_caseworker_saves_a_draft_and_comes_back_to_it(
    caseworker_browsing, open_service, kindergarten
):
    data = _form(open_service, [kindergarten], title="Utkast om møtet")

    response = caseworker_browsing.post(COMPOSE_URL, {**data, "action": "draft"})

    draft = Draft.objects.get()
    assert response["Location"] == f"/compose/drafts/{draft.public_id}/"
    page = caseworker_browsing.get(response["Location"])
    assert page.context["form"]["title"].value() == "Utkast om møtet"
    assert page.context["form"]["recipients"].value() == kindergarten.number
    assert "Utkast om møtet" in caseworker_browsing.get(COMPOSE_URL).text


def test_sending_a_draft_throws_it_away(
    caseworker_browsing, open_service, kindergarten
):
    data = _form(open_service, [kindergarten])
    url = caseworker_browsing.post(COMPOSE_URL, {**data, "action": "draft"})["Location"]

    preview = caseworker_browsing.post(url, {**data, "action": "preview"})
    caseworker_browsing.post(
        url,
        {
            **data,
            "action": "send",
            "previewed": preview.context["preview"]["recipients_key"],
        },
    )

    assert Correspondence.objects.count() == 1
    assert not Draft.objects.exists()


def test_someone_elses_draft_answers_404(
    client,
    caseworker_browsing,
    caseworker,
    agency,
    agency_admin,
    open_service,
    kindergarten,
):
    data = _form(open_service, [kindergarten])
    url = caseworker_browsing.post(COMPOSE_URL, {**data, "action": "draft"})["Location"]
    colleague = caseworker_at(agency, agency_admin, open_service)
    act_for(client, colleague.user, agency)

    assert client.get(url).status_code == 404
    assert client.post(url, {**data, "action": "draft"}).status_code == 404
    assert client.get(f"/compose/drafts/{uuid.uuid4()}/").status_code == 404


def test_compose_refuses_a_get_that_would_send(
    caseworker_browsing, open_service, kindergarten
):
    caseworker_browsing.get(
        COMPOSE_URL, _form(open_service, [kindergarten], action="send")
    )

    assert not Correspondence.objects.exists()
