from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.decorators import party_required
from apps.audit.services import client_address
from apps.correspondences import services
from apps.correspondences.forms import InboxFilterForm
from apps.correspondences.markdown import render_markdown
from apps.correspondences.selectors import (
    correspondences_for_user,
    get_attachment_for_user,
    get_correspondence_for_user,
    services_for_user,
)

PAGE_SIZE = 25


@require_GET
@party_required
def inbox(request):
    form = InboxFilterForm(
        request.GET, services=services_for_user(request.user, party=request.party)
    )
    filters = form.filters()

    page = correspondences_for_user(
        request.user, party=request.party, **filters, limit=PAGE_SIZE + 1
    )
    older = None
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        query = request.GET.copy()
        query["after"] = page[-1].page_key
        older = query.urlencode()

    return render(
        request,
        "correspondences/inbox.html",
        {
            "form": form,
            "correspondences": page,
            "archived": filters["archived"],
            "filtered": any(filters[k] for k in ("search", "service", "status")),
            "older": older,
        },
    )


@require_GET
@party_required
def correspondence_detail(request, public_id):
    correspondence = get_correspondence_for_user(
        request.user, party=request.party, public_id=public_id
    )
    services.correspondence_open(
        correspondence=correspondence,
        actor=request.user,
        ip_address=client_address(request),
    )
    return render(
        request,
        "correspondences/detail.html",
        {
            "correspondence": correspondence,
            "body": render_markdown(correspondence.body),
            "attachments": correspondence.attachments.all(),
        },
    )


@require_GET
@party_required
def attachment_download(request, public_id, attachment_id):
    attachment = get_attachment_for_user(
        request.user,
        party=request.party,
        correspondence_public_id=public_id,
        attachment_public_id=attachment_id,
    )
    handle = services.attachment_download(
        attachment=attachment,
        actor=request.user,
        ip_address=client_address(request),
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@party_required
def correspondence_confirm(request, public_id):
    correspondence = get_correspondence_for_user(
        request.user, party=request.party, public_id=public_id
    )
    try:
        services.correspondence_confirm(
            correspondence=correspondence, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You have confirmed the message."))
    return redirect("correspondence_detail", public_id=correspondence.public_id)


def _archive_change(request, public_id, change, done):
    correspondence = get_correspondence_for_user(
        request.user, party=request.party, public_id=public_id
    )
    change(correspondence=correspondence, actor=request.user)
    messages.success(request, done)
    return correspondence


@require_POST
@party_required
def correspondence_archive(request, public_id):
    _archive_change(
        request,
        public_id,
        services.correspondence_archive,
        _("The message is in the archive."),
    )
    return redirect("inbox")


@require_POST
@party_required
def correspondence_unarchive(request, public_id):
    correspondence = _archive_change(
        request,
        public_id,
        services.correspondence_unarchive,
        _("The message is back in the inbox."),
    )
    return redirect("correspondence_detail", public_id=correspondence.public_id)
