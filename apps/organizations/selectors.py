from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from apps.correspondences.models import (
    Correspondence,
    CorrespondenceUserObjectPermission,
)
from apps.delegations.models import Grant
from apps.organizations.models import Organization, RegisterRole


def parties_for_user(user):
    """Return the organisations the user may act for.

    Those where they hold a role in the register as an identified person,
    a right in force, or a message shared with them alone.
    """
    if not user.is_authenticated:
        return Organization.objects.none()
    holds_role = RegisterRole.objects.filter(
        organization=OuterRef("pk"),
        person__user=user,
        is_deregistered=False,
        ended_at__isnull=True,
    )
    holds_right = Grant.objects.active().filter(
        access_group__organization=OuterRef("pk"), person__user=user
    )
    holds_share = CorrespondenceUserObjectPermission.objects.filter(
        user=user,
        content_object__recipient=OuterRef("pk"),
        content_object__status=Correspondence.Status.PUBLISHED,
    )
    return (
        Organization.objects.filter(
            Q(Exists(holds_role)) | Q(Exists(holds_right)) | Q(Exists(holds_share))
        )
        .filter(is_deleted=False)
        .order_by("name", "number")
    )


def get_party_for_user(user, *, number):
    """Return the organisation `number` if the user may act for it, or 404."""
    party = parties_for_user(user).filter(number=number).first()
    if party is None:
        raise Http404
    return party


def notification_addresses_for_organization(*, organization):
    return list(organization.notification_addresses.order_by("channel", "address"))
