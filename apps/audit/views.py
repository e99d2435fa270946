from django.core.paginator import Paginator
from django.shortcuts import render

from apps.audit.forms import AuditFilterForm
from apps.audit.selectors import (
    audit_entries_for_organization,
    audit_persons_for_organization,
)
from apps.delegations.decorators import main_administrator_required

PAGE_SIZE = 50


@main_administrator_required
def access_log(request):
    persons = audit_persons_for_organization(organization=request.party)
    form = AuditFilterForm(request.GET or None, persons=persons)
    filters = form.cleaned_data if form.is_valid() else {}

    entries = audit_entries_for_organization(
        organization=request.party,
        action=filters.get("action"),
        person=filters.get("person"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))

    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
