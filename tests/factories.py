import itertools

import factory
from django.contrib.auth import get_user_model

from apps.correspondences.models import Correspondence, Service
from apps.organizations.models import Organization, Person, RegisterRole
from apps.organizations.validators import (
    national_identity_number_complete,
    organization_number_complete,
)
from apps.roles.models import RegisterRoleType

PASSWORD = "correct horse battery staple"


def _organization_numbers():
    for n in itertools.count(31_000_000):
        number = organization_number_complete(str(n))
        if number:
            yield number


def _national_ids():
    # Synthetic numbers: the month plus 80, as test registers hand out.
    for n in itertools.count(1):
        day, individual = 1 + n % 28, 100 + n // 28
        number = national_identity_number_complete(f"{day:02d}8590{individual:03d}")
        if number:
            yield number


_org_numbers = _organization_numbers()
_person_numbers = _national_ids()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    number = factory.LazyFunction(lambda: next(_org_numbers))
    name = factory.Sequence(lambda n: f"Organisasjon {n} AS")
    form = "AS"
    is_registered = True


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    national_id = factory.LazyFunction(lambda: next(_person_numbers))
    first_name = factory.Sequence(lambda n: f"Fornavn{n}")
    last_name = factory.Sequence(lambda n: f"Etternavn{n}")
    user = None

    class Params:
        with_login = factory.Trait(user=factory.SubFactory(UserFactory))


class RegisterRoleFactory(factory.django.DjangoModelFactory):
    """A role held by an identified person, unless told otherwise."""

    class Meta:
        model = RegisterRole

    organization = factory.SubFactory(OrganizationFactory)
    role_type = factory.LazyFunction(lambda: RegisterRoleType.objects.get(code="DAGL"))
    holder_kind = RegisterRole.HolderKind.PERSON
    person = factory.SubFactory(PersonFactory, with_login=True)
    holder_key = factory.LazyAttribute(lambda o: f"person:{o.person.pk}")
    holder_name = factory.LazyAttribute(lambda o: o.person.full_name)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    owner = factory.SubFactory(OrganizationFactory, form="KOMM")
    code = factory.Sequence(lambda n: f"service-{n}")
    name_nb = factory.Sequence(lambda n: f"Tjeneste {n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")
    is_confidential = False


class CorrespondenceFactory(factory.django.DjangoModelFactory):
    """An unpublished correspondence; publish it with correspondence_publish."""

    class Meta:
        model = Correspondence

    service = factory.SubFactory(ServiceFactory)
    sender = factory.LazyAttribute(lambda o: o.service.owner)
    recipient = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Sak 2026/{n}")
    summary = "Oppsummering"
    body = "Innhold i **meldingen**."
    is_confidential = factory.LazyAttribute(lambda o: o.service.is_confidential)


ATTACHMENT_DATA = b"%PDF-1.4\n% Taushet test\n"


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A small PDF on a correspondence, stored under a name of our own."""

    class Meta:
        model = "correspondences.Attachment"

    correspondence = factory.SubFactory(CorrespondenceFactory)
    name = factory.Sequence(lambda n: f"vedlegg-{n}.pdf")
    content_type = "application/pdf"
    file = factory.django.FileField(filename="stored.bin", data=ATTACHMENT_DATA)
    size = len(ATTACHMENT_DATA)
    sha256 = "4fb7917393167cc4d5be4fe6899ed4df0c599d3171cbad93e9af03ec8ea21a45"
