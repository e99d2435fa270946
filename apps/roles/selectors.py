from apps.delegations.selectors import active_grants_for_user
from apps.roles.models import Right


def right_codes_for_user(user, *, organization):
    """Return the codes of the packages and roles the user holds there now."""
    grants = active_grants_for_user(user, organization=organization).filter(
        access_group__right__isnull=False
    )
    return set(grants.values_list("access_group__right__code", flat=True))


def is_main_administrator(user, *, organization):
    return (
        active_grants_for_user(user, organization=organization)
        .filter(access_group__right__code=Right.MAIN_ADMINISTRATOR)
        .exists()
    )


def key_role_rights():
    """Return the rights that every key-role holder gets (R2, R3)."""
    return list(
        Right.objects.filter(code__in=[Right.MAIN_ADMINISTRATOR, Right.MAIL_ARCHIVE])
    )
