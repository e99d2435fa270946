from apps.correspondences.selectors import unread_count_for_user


def unread_count(request):
    """Add the number of unread messages the user may read at their party."""
    party = getattr(request, "party", None)
    if party is None or not request.user.is_authenticated:
        return {"unread_count": 0}
    return {"unread_count": unread_count_for_user(request.user, party=party)}
