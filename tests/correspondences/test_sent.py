import uuid

import pytest

from apps.correspondences.services import (
    correspondence_archive,
    correspondence_confirm,
    correspondence_open,
)
from apps.correspondences.views_sending import SENT_PAGE_SIZE
from apps.organizations.models import RegisterRole
from tests.correspondences.sending_support import (
    caseworker_at,
    send,
    sent_detail_url,
)
from tests.correspondences.support import act_for, grant, key_role_holder_at
from tests.factories import OrganizationFactory, PersonFactory, ServiceFactory

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.correspondences.sending_fixtures"]

SENT_URL = "/sent/"


def _listed(response):
    return [c.title for c in response.context["page"].object_list]


def test_caseworker_sees_what_the_agency_sent_on_her_services(
    caseworker_browsing, caseworker, agency, agency_admin, open_service, kindergarten
):
    send(caseworker, open_service, [kindergarten], title="Mitt brev")
    other_service = ServiceFactory(owner=agency)
    colleague = caseworker_at(agency, agency_admin, other_service)
    send(colleague, other_service, [kindergarten], title="Annen tjeneste")
    other_agency = OrganizationFactory(form="KOMM")
    stranger_service = ServiceFactory(owner=other_agency)
    stranger = caseworker_at(
        other_agency, key_role_holder_at(other_agency), stranger_service
    )
    send(stranger, stranger_service, [kindergarten], title="Annet organ")

    response = caseworker_browsing.get(SENT_URL)

    assert _listed(response) == ["Mitt brev"]


def test_a_colleagues_message_on_the_same_service_is_listed(
    caseworker_browsing, agency, agency_admin, open_service, kindergarten
):
    colleague = caseworker_at(agency, agency_admin, open_service)
    send(colleague, open_service, [kindergarten], title="Kollegas brev")

    assert _listed(caseworker_browsing.get(SENT_URL)) == ["Kollegas brev"]


def test_sent_is_searchable_by_title_and_by_sender_reference(
    caseworker_browsing, caseworker, open_service, kindergarten
):
    send(caseworker, open_service, [kindergarten], title="Om møtet")
    send(
        caseworker,
        open_service,
        [kindergarten],
        title="Om fravær",
        sender_reference="BV-2026-0417",
    )

    assert _listed(caseworker_browsing.get(SENT_URL, {"q": "møtet"})) == ["Om møtet"]
    assert _listed(caseworker_browsing.get(SENT_URL, {"q": "2026-0417"})) == [
        "Om fravær"
    ]


def test_sent_filters_by_service_and_status(
    caseworker_browsing, caseworker, open_service, secret_service, kindergarten
):
    send(caseworker, open_service, [kindergarten], title="Vanlig")
    send(caseworker, secret_service, [kindergarten], title="Taushetsbelagt")

    by_service = caseworker_browsing.get(SENT_URL, {"service": secret_service.pk})
    unopened = caseworker_browsing.get(SENT_URL, {"status": "unopened"})
    opened = caseworker_browsing.get(SENT_URL, {"status": "opened"})

    assert _listed(by_service) == ["Taushetsbelagt"]
    assert sorted(_listed(unopened)) == ["Taushetsbelagt", "Vanlig"]
    assert _listed(opened) == []


def test_sent_pages_through_many_messages(
    caseworker_browsing, caseworker, open_service, kindergarten
):
    for n in range(SENT_PAGE_SIZE + 1):
        send(caseworker, open_service, [kindergarten], title=f"Brev {n}")

    first = caseworker_browsing.get(SENT_URL)
    second = caseworker_browsing.get(SENT_URL, {"page": 2})

    assert len(_listed(first)) == SENT_PAGE_SIZE
    assert _listed(second) == ["Brev 0"]


def test_sent_list_runs_a_fixed_number_of_queries(
    caseworker_browsing,
    caseworker,
    open_service,
    kindergarten,
    django_assert_max_num_queries,
):
    for n in range(10):
        send(caseworker, open_service, [kindergarten], title=f"Brev {n}")

    # Session, user, party, rights for the header, the services she may
    # send on (several), the count and the page.
    with django_assert_max_num_queries(20) as few:
        caseworker_browsing.get(SENT_URL)
    for n in range(20):
        send(caseworker, open_service, [kindergarten], title=f"Mer {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        caseworker_browsing.get(SENT_URL)


def test_person_who_may_not_send_gets_404_on_sent(client, kindergarten):
    manager = RegisterRole.objects.get(organization=kindergarten).person
    act_for(client, manager.user, kindergarten)

    assert client.get(SENT_URL).status_code == 404


def test_status_page_shows_times_but_never_who_read_it(
    caseworker_browsing, caseworker, agency_admin, secret_service, kindergarten
):
    message = send(caseworker, secret_service, [kindergarten]).correspondences[0]
    manager = RegisterRole.objects.get(organization=kindergarten).person
    reader = PersonFactory(with_login=True, first_name="Nora", last_name="Berg")
    grant(manager, reader, kindergarten, service=secret_service)
    correspondence_open(correspondence=message, actor=reader.user)
    message.refresh_from_db()
    message.requires_confirmation = True
    correspondence_confirm(correspondence=message, actor=reader.user)
    correspondence_archive(correspondence=message, actor=reader.user)

    response = caseworker_browsing.get(sent_detail_url(message))

    steps = [code for code, _ in response.context["steps"]]
    assert steps == ["created", "published", "opened", "confirmed", "archived"]
    assert 'data-step="opened"' in response.text
    assert "Nora" not in response.text
    assert "Berg" not in response.text
    assert reader.user.username not in response.text


def test_status_page_shows_the_notification_deliveries_masked(
    caseworker_browsing, caseworker, secret_service, kindergarten
):
    message = send(caseworker, secret_service, [kindergarten]).correspondences[0]

    response = caseworker_browsing.get(sent_detail_url(message))

    assert "p***@solsikken.example" in response.text
    assert "post@solsikken.example" not in response.text


def test_only_the_author_sees_the_content_on_the_status_page(
    client,
    caseworker_browsing,
    caseworker,
    agency,
    agency_admin,
    open_service,
    kindergarten,
):
    message = send(
        caseworker, open_service, [kindergarten], body="Hemmelig innhold"
    ).correspondences[0]
    colleague = caseworker_at(agency, agency_admin, open_service)

    assert "Hemmelig innhold" in caseworker_browsing.get(sent_detail_url(message)).text
    act_for(client, colleague.user, agency)
    page = client.get(sent_detail_url(message))
    assert page.status_code == 200
    assert "Hemmelig innhold" not in page.text
    assert message.title not in page.text


def test_status_page_answers_404_for_what_the_user_may_not_follow(
    client, caseworker, agency, agency_admin, open_service, kindergarten
):
    message = send(caseworker, open_service, [kindergarten]).correspondences[0]
    other_service = ServiceFactory(owner=agency)
    colleague = caseworker_at(agency, agency_admin, other_service)
    act_for(client, colleague.user, agency)

    unknown = client.get(f"/sent/{uuid.uuid4()}/")
    not_hers = client.get(sent_detail_url(message))

    assert unknown.status_code == not_hers.status_code == 404
    assert unknown.content == not_hers.content


def test_status_page_answers_404_to_the_recipient(
    client, caseworker, open_service, kindergarten
):
    message = send(caseworker, open_service, [kindergarten]).correspondences[0]
    manager = RegisterRole.objects.get(organization=kindergarten).person
    act_for(client, manager.user, kindergarten)

    assert client.get(sent_detail_url(message)).status_code == 404
