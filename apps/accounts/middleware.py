from apps.organizations.selectors import parties_for_user

SESSION_KEY = "party"


def current_party(request):
    """Return the organisation chosen in this session, if still allowed.

    Asked again on every request, so that losing the last right at an
    organisation takes the user out of it at once (R8).
    """
    number = request.session.get(SESSION_KEY)
    if not number or not request.user.is_authenticated:
        return None
    return parties_for_user(request.user).filter(number=number).first()


class PartyMiddleware:
    """Set `request.party` to the organisation the user acts for, or None."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.party = current_party(request)
        return self.get_response(request)
