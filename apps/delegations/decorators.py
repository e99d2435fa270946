from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from apps.accounts.decorators import party_required
from apps.accounts.middleware import SESSION_KEY
from apps.roles.models import Right
from apps.roles.selectors import right_codes_for_user

MANAGING_RIGHTS = frozenset({Right.MAIN_ADMINISTRATOR, Right.ACCESS_MANAGER})


def party_rights_required(*rights):
    """Let through only holders of one of `rights` at the party; 404 to others.

    To anyone else the page does not exist, including someone whose session
    names an organisation they may no longer act for. Without any party
    chosen yet, the user is sent to choose one. The codes held are put on
    `request.party_rights`.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.party is None and not request.session.get(SESSION_KEY):
                return party_required(view)(request, *args, **kwargs)
            if request.party is None:
                raise Http404
            held = right_codes_for_user(request.user, organization=request.party)
            if not held & set(rights):
                raise Http404
            request.party_rights = held
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


access_manager_required = party_rights_required(*MANAGING_RIGHTS)
main_administrator_required = party_rights_required(Right.MAIN_ADMINISTRATOR)
