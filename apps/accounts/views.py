from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from apps.accounts.middleware import SESSION_KEY
from apps.organizations.selectors import get_party_for_user, parties_for_user


def _safe_next(request, default="inbox"):
    target = request.POST.get("next") or request.GET.get("next")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


@login_required
@require_http_methods(["GET", "POST"])
def choose_party(request):
    if request.method == "POST":
        party = get_party_for_user(request.user, number=request.POST.get("party", ""))
        request.session[SESSION_KEY] = party.number
        return redirect(_safe_next(request))

    parties = list(parties_for_user(request.user))
    if len(parties) == 1 and request.party is None:
        request.session[SESSION_KEY] = parties[0].number
        return redirect(_safe_next(request))
    return render(
        request,
        "accounts/choose_party.html",
        {"parties": parties, "next": _safe_next(request, default="")},
    )
