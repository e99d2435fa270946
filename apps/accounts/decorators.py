from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import urlencode


def party_required(view):
    """Require a login and a chosen party; send the user to choose one."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.party is None:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"/party/?{query}")
        return view(request, *args, **kwargs)

    return wrapper
