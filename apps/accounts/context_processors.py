from apps.correspondences.selectors import sends_for_party
from apps.roles.models import Right
from apps.roles.selectors import right_codes_for_user


def party(request):
    """Add the party the user acts for, and what they may manage there."""
    party = getattr(request, "party", None)
    rights, sends = set(), False
    if party is not None:
        rights = right_codes_for_user(request.user, organization=party)
        sends = sends_for_party(request.user, party=party)
    return {
        "party": party,
        "party_rights": rights,
        "sends_correspondence": sends,
        "manages_access": bool(
            rights & {Right.MAIN_ADMINISTRATOR, Right.ACCESS_MANAGER}
        ),
    }
