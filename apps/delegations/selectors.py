from django.utils import timezone

from apps.delegations.models import AccessGroup, Grant


def active_grants_for_user(user, *, organization=None, at=None):
    """Return the user's grants in force now, optionally at one organisation.

    Guarded reads ask this, not the user's Django groups, so that an expired
    grant opens nothing from the moment it expires (R8).
    """
    if not user.is_authenticated:
        return Grant.objects.none()
    grants = Grant.objects.active(at=at).filter(person__user=user)
    if organization is not None:
        grants = grants.filter(access_group__organization=organization)
    return grants


def access_group_ids_for_user(user, *, organization, at=None):
    """Return the ids of the Django groups the user is in now at `organization`."""
    grants = active_grants_for_user(user, organization=organization, at=at)
    return list(grants.values_list("access_group__group_id", flat=True).distinct())


def access_group_get(*, organization, service=None, right=None):
    """Return the access group for the right, or None if nobody ever held it."""
    return AccessGroup.objects.filter(
        organization=organization, service=service, right=right
    ).first()


def grants_for_organization(*, organization, at=None):
    """Return the grants in force at `organization`, for the access page."""
    return (
        Grant.objects.active(at=at or timezone.now())
        .filter(access_group__organization=organization)
        .select_related(
            "person",
            "granted_by__person",
            "access_group__service",
            "access_group__right",
        )
        .order_by("person__last_name", "person__first_name", "access_group_id")
    )
