import datetime

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.audit.services import client_address
from apps.delegations import selectors, services
from apps.delegations.decorators import (
    access_manager_required,
    main_administrator_required,
)
from apps.delegations.forms import (
    GrantChoiceForm,
    NotificationAddressForm,
    PersonIdentifyForm,
    end_of_day,
)
from apps.delegations.models import Grant
from apps.organizations import services as organization_services
from apps.organizations.selectors import notification_addresses_for_organization
from apps.roles.models import Right

# The steps of giving access carry their state in a signed hidden field, so
# that no national identity number ever appears in an address or a log.
GIVE_SALT = "delegations.access_give"
GIVE_MAX_AGE = 30 * 60


@access_manager_required
def access(request, address_form=None):
    is_main_administrator = Right.MAIN_ADMINISTRATOR in request.party_rights
    holders = selectors.holders_for_user(request.user, organization=request.party)
    waiting, addresses = [], []
    if is_main_administrator:
        waiting = selectors.waiting_services_for_organization(
            organization=request.party
        )
        addresses = notification_addresses_for_organization(organization=request.party)
    return render(
        request,
        "delegations/access.html",
        {
            "holders": holders,
            "waiting": waiting,
            "addresses": addresses,
            "address_form": address_form or NotificationAddressForm(),
            "is_main_administrator": is_main_administrator,
        },
        status=400 if address_form else 200,
    )


@main_administrator_required
@require_POST
def notification_address_add(request):
    form = NotificationAddressForm(request.POST)
    if not form.is_valid():
        return access(request, address_form=form)

    organization_services.notification_address_add(
        actor=request.user,
        organization=request.party,
        channel=form.cleaned_data["channel"],
        address=form.cleaned_data["address"],
        ip_address=client_address(request),
    )
    messages.success(request, _("The notification address was added."))
    return redirect("access")


@main_administrator_required
@require_POST
def notification_address_remove(request, address_id):
    address = get_object_or_404(request.party.notification_addresses, pk=address_id)

    organization_services.notification_address_remove(
        actor=request.user, address=address, ip_address=client_address(request)
    )
    messages.success(request, _("The notification address was removed."))
    return redirect("access")


@access_manager_required
@require_http_methods(["GET", "POST"])
def access_give(request):
    form = PersonIdentifyForm(
        request.POST or None, initial={"service": request.GET.get("service")}
    )
    if request.method == "POST" and form.is_valid():
        preselected = _ids([form.cleaned_data["service"]])
        state = {"person": form.person.pk, "services": sorted(preselected)}
        return _render_choose(request, state, GrantChoiceForm())

    return render(request, "delegations/give_person.html", {"form": form})


@access_manager_required
@require_POST
def access_give_choose(request):
    state = _state_load(request)
    if state is None:
        return _state_expired(request)

    form = GrantChoiceForm(request.POST)
    if not form.is_valid():
        return _render_choose(request, state, form)

    valid_until = form.cleaned_data["valid_until"]
    state = {
        "person": state["person"],
        "services": [s.pk for s in form.cleaned_data["services"]],
        "rights": [r.pk for r in form.cleaned_data["rights"]],
        "valid_until": valid_until.isoformat() if valid_until else None,
    }
    context = _choice_context(state)
    context.update(
        state=_state_dump(request, state),
        is_self=context["person"].user_id == request.user.pk,
    )
    return render(request, "delegations/give_confirm.html", context)


@access_manager_required
@require_POST
def access_give_confirm(request):
    state = _state_load(request)
    if state is None or "rights" not in state:
        return _state_expired(request)

    context = _choice_context(state)
    services.delegations_grant(
        actor=request.user,
        organization=request.party,
        person=context["person"],
        services=context["services"],
        rights=context["rights"],
        valid_until=end_of_day(context["valid_until"]),
        ip_address=client_address(request),
    )
    messages.success(
        request,
        _("%(name)s has been given access.") % {"name": context["person"].full_name},
    )
    return redirect("access")


@access_manager_required
@require_http_methods(["GET", "POST"])
def access_revoke(request, grant_id):
    grant = selectors.get_grant_for_organization(
        organization=request.party, grant_id=grant_id
    )
    # Key-role access comes from the register and ends only there (R2).
    if grant.source != Grant.Source.DELEGATION:
        raise PermissionDenied

    if request.method == "POST":
        services.delegation_revoke(
            actor=request.user, grant=grant, ip_address=client_address(request)
        )
        messages.success(
            request,
            _("Access for %(name)s has been revoked.")
            % {"name": grant.person.full_name},
        )
        return redirect("access")
    return render(request, "delegations/revoke_confirm.html", {"grant": grant})


@access_manager_required
@require_http_methods(["GET", "POST"])
def correspondence_share(request, public_id):
    correspondence = selectors.get_shareable_correspondence_for_user(
        request.user, party=request.party, public_id=public_id
    )
    form = PersonIdentifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correspondence_share(
                actor=request.user,
                correspondence=correspondence,
                person=form.person,
                ip_address=client_address(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The message is shared with %(name)s.")
                % {"name": form.person.full_name},
            )
            return redirect("correspondence_share", public_id=public_id)

    shares = selectors.shares_for_correspondence(correspondence=correspondence)
    return render(
        request,
        "delegations/share.html",
        {"correspondence": correspondence, "form": form, "shares": shares},
    )


@access_manager_required
@require_POST
def correspondence_unshare(request, public_id, person_id):
    correspondence = selectors.get_shareable_correspondence_for_user(
        request.user, party=request.party, public_id=public_id
    )
    person = selectors.get_share_for_correspondence(
        correspondence=correspondence, person_id=person_id
    )
    services.correspondence_unshare(
        actor=request.user,
        correspondence=correspondence,
        person=person,
        ip_address=client_address(request),
    )
    messages.success(
        request,
        _("%(name)s can no longer read the message.") % {"name": person.full_name},
    )
    return redirect("correspondence_share", public_id=public_id)


def _state_dump(request, state):
    bound = {**state, "party": request.party.pk, "actor": request.user.pk}
    return signing.dumps(bound, salt=GIVE_SALT)


def _state_load(request):
    """Return the state of the give-access steps, or None if it is not ours."""
    try:
        state = signing.loads(
            request.POST.get("state", ""), salt=GIVE_SALT, max_age=GIVE_MAX_AGE
        )
    except signing.BadSignature:
        return None
    if state.get("party") != request.party.pk or state.get("actor") != request.user.pk:
        return None
    return state


def _state_expired(request):
    messages.error(
        request, _("Those steps took too long or were changed. Please start again.")
    )
    return redirect("access_give")


def _choice_context(state):
    person = selectors.person_get(pk=state["person"])
    chosen = selectors.rights_get(
        service_ids=state.get("services", []), right_ids=state.get("rights", [])
    )
    valid_until = state.get("valid_until")
    return {
        "person": person,
        "services": chosen[0],
        "rights": chosen[1],
        "valid_until": datetime.date.fromisoformat(valid_until)
        if valid_until
        else None,
    }


def _render_choose(request, state, form):
    services_offered, rights_offered = selectors.grantable_for_user(
        request.user, organization=request.party
    )
    if form.is_bound:
        checked_services = _ids(form.data.getlist("services"))
        checked_rights = _ids(form.data.getlist("rights"))
    else:
        checked_services, checked_rights = _ids(state["services"]), set()
    person = selectors.person_get(pk=state["person"])
    return render(
        request,
        "delegations/give_choose.html",
        {
            "form": form,
            "person": person,
            "is_self": person.user_id == request.user.pk,
            "services_offered": services_offered,
            "rights_offered": rights_offered,
            "checked_services": checked_services,
            "checked_rights": checked_rights,
            "state": _state_dump(request, state),
        },
    )


def _ids(values):
    return {int(v) for v in values if str(v).isdigit()}
