"""Operators see metadata of correspondence, never its content (R15)."""

import pytest
from django.urls import reverse

from apps.correspondences.admin import ServiceAdminForm
from apps.roles.models import Right
from tests.correspondences.support import publish, right
from tests.factories import AttachmentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

SECRET = {
    "title": "Barnevern: Kari Nordmann",
    "summary": "Bekymringsmelding om Kari",
    "body": "Kari (f. 2019) har vært utsatt for noe alvorlig.",
}


@pytest.fixture
def confidential(organization, confidential_service):
    correspondence = publish(confidential_service, organization, **SECRET)
    AttachmentFactory(correspondence=correspondence, name="Kari-journal.pdf")
    return correspondence


def _change_page(admin_client, correspondence):
    url = reverse(
        "admin:correspondences_correspondence_change", args=[correspondence.pk]
    )
    response = admin_client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_operator_sees_no_content_of_a_confidential_message(admin_client, confidential):
    listing = admin_client.get(
        reverse("admin:correspondences_correspondence_changelist")
    ).content.decode()
    page = _change_page(admin_client, confidential)

    for content in (listing, page):
        assert "Kari" not in content
        assert str(confidential.public_id) in content
    assert confidential.recipient.number in page
    assert "published" in page


def test_operator_sees_the_title_but_not_the_body_of_ordinary_mail(
    admin_client, organization, ordinary_service
):
    correspondence = publish(ordinary_service, organization, **SECRET)

    page = _change_page(admin_client, correspondence)

    assert SECRET["title"] in page
    assert SECRET["summary"] not in page
    assert SECRET["body"] not in page


def test_operator_cannot_find_a_confidential_message_by_what_it_says(
    admin_client, confidential
):
    response = admin_client.get(
        reverse("admin:correspondences_correspondence_changelist"), {"q": "Kari"}
    )

    assert response.context["cl"].result_count == 0


def test_operator_finds_a_message_by_its_id(admin_client, confidential):
    response = admin_client.get(
        reverse("admin:correspondences_correspondence_changelist"),
        {"q": str(confidential.public_id)},
    )

    assert response.context["cl"].result_count == 1


def test_operator_can_neither_add_nor_change_nor_delete_correspondence(
    admin_client, confidential
):
    add = admin_client.get(reverse("admin:correspondences_correspondence_add"))
    change = admin_client.post(
        reverse("admin:correspondences_correspondence_change", args=[confidential.pk]),
        {"title": "Endret"},
    )
    delete = admin_client.post(
        reverse("admin:correspondences_correspondence_delete", args=[confidential.pk]),
        {"post": "yes"},
    )

    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    confidential.refresh_from_db()
    assert confidential.title == SECRET["title"]


def _service_form(**data):
    return ServiceAdminForm(
        data={
            "owner": OrganizationFactory(form="KOMM").pk,
            "code": "barnevern",
            "name_nb": "Barnevern",
            "name_en": "Child welfare",
            "is_active": "on",
            **data,
        }
    )


@pytest.mark.parametrize("code", [Right.MAIL_ARCHIVE, Right.MAIN_ADMINISTRATOR])
def test_operator_cannot_let_a_wide_right_open_a_confidential_service(code):
    form = _service_form(
        is_confidential="on",
        opened_by=[right(Right.MAIL_CONFIDENTIAL).pk, right(code).pk],
    )

    assert not form.is_valid()
    assert "opened_by" in form.errors


def test_operator_sets_up_a_confidential_service_opened_by_its_package():
    form = _service_form(
        is_confidential="on", opened_by=[right(Right.MAIL_CONFIDENTIAL).pk]
    )

    assert form.is_valid(), form.errors
    service = form.save()
    assert list(service.opened_by.all()) == [right(Right.MAIL_CONFIDENTIAL)]


def test_operator_sets_up_an_ordinary_service_opened_by_mail_archive():
    form = _service_form(opened_by=[right(Right.MAIL_ARCHIVE).pk])

    assert form.is_valid(), form.errors


def test_operator_opens_the_service_pages(admin_client, confidential_service):
    add = admin_client.get(reverse("admin:correspondences_service_add"))
    change = admin_client.get(
        reverse("admin:correspondences_service_change", args=[confidential_service.pk])
    )

    assert add.status_code == change.status_code == 200
