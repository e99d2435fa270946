from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.decorators import party_required
from apps.correspondences import sending
from apps.correspondences.forms_compose import ComposeForm, SentFilterForm
from apps.correspondences.markdown import render_markdown
from apps.correspondences.preview import compose_preview
from apps.correspondences.selectors import services_for_sender
from apps.correspondences.selectors_sending import (
    drafts_for_user,
    get_draft_for_user,
    get_sent_for_user,
    sent_for_user,
    sent_steps,
)
from apps.notifications.selectors import deliveries_for_correspondence

SENT_PAGE_SIZE = 25


def _sender_services(request):
    services = services_for_sender(request.user, party=request.party)
    if not services.exists():
        raise Http404
    return services


@require_http_methods(["GET", "POST"])
@party_required
def compose(request, draft_id=None):
    services = _sender_services(request)
    draft = None
    if draft_id is not None:
        draft = get_draft_for_user(
            request.user, party=request.party, public_id=draft_id
        )

    if request.method == "GET":
        initial = dict(draft.fields) if draft else {}
        form = ComposeForm(services=services, initial=initial)
        return _compose_page(request, form, draft=draft)

    action = request.POST.get("action")
    form = ComposeForm(
        request.POST,
        request.FILES,
        services=services,
        check_files=action == "send",
    )
    if action == "draft":
        draft = sending.draft_save(
            actor=request.user,
            party=request.party,
            fields=form.draft_fields(),
            draft=draft,
        )
        messages.success(request, _("The draft is saved."))
        return redirect("compose_draft", draft_id=draft.public_id)

    form.is_valid()
    if action == "send" and _ready(form):
        if request.POST.get("previewed") != form.recipients_key():
            messages.warning(request, _("Check the recipients before you send."))
        elif not form.errors:
            result = _send(request, form)
            if result is not None:
                if draft is not None:
                    sending.draft_delete(actor=request.user, draft=draft)
                return _sent_response(request, result)
    return _compose_page(request, form, draft=draft)


def _ready(form):
    # Attachments are chosen only in the last step, so their errors do not
    # take the preview away.
    return not set(form.errors) - {"attachments"}


def _send(request, form):
    data = form.cleaned_data
    try:
        return sending.correspondence_send(
            actor=request.user,
            party=request.party,
            service=data["service"],
            recipients=form.organizations,
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            language=data["language"],
            attachments=data["attachments"],
            publish_at=data["publish_at"],
            due_at=data["due_at"],
            requires_confirmation=data["requires_confirmation"],
            sender_reference=data["sender_reference"],
            notification=form.notification_spec(),
            idempotency_key=data["idempotency_key"],
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return None


def _sent_response(request, result):
    count = len(result.correspondences)
    if result.repeated:
        messages.info(request, _("This message had already been sent."))
    elif result.correspondences[0].status == "scheduled":
        messages.success(
            request,
            _("The message is scheduled for %(count)s recipients.") % {"count": count},
        )
    else:
        messages.success(
            request,
            _("The message is sent to %(count)s recipients.") % {"count": count},
        )
    for warning in result.warnings:
        messages.warning(request, warning)
    if count == 1:
        return redirect("sent_detail", public_id=result.correspondences[0].public_id)
    return redirect("sent")


def _compose_page(request, form, *, draft):
    preview = None
    if form.is_bound and _ready(form):
        preview = compose_preview(form, party=request.party)
    return render(
        request,
        "correspondences/compose.html",
        {
            "form": form,
            "draft": draft,
            "drafts": drafts_for_user(request.user, party=request.party)[:10],
            "preview": preview,
            "confidential_service_ids": [
                s.pk for s in form.fields["service"].queryset if s.is_confidential
            ],
        },
    )


@require_GET
@party_required
def sent(request):
    services = _sender_services(request)
    form = SentFilterForm(request.GET, services=services)
    filters = form.filters()
    paginator = Paginator(
        sent_for_user(request.user, party=request.party, **filters), SENT_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "correspondences/sent.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(filters.values()),
        },
    )


@require_GET
@party_required
def sent_detail(request, public_id):
    correspondence = get_sent_for_user(
        request.user, party=request.party, public_id=public_id
    )
    is_author = correspondence.created_by_id == request.user.pk
    return render(
        request,
        "correspondences/status.html",
        {
            "correspondence": correspondence,
            "steps": sent_steps(correspondence),
            "notification": deliveries_for_correspondence(
                correspondence=correspondence
            ),
            "is_author": is_author,
            "body": render_markdown(correspondence.body) if is_author else None,
            "attachments": correspondence.attachments.all() if is_author else (),
            "cancellable": is_author
            and correspondence.status == correspondence.Status.SCHEDULED,
        },
    )


@require_http_methods(["GET", "POST"])
@party_required
def sent_cancel(request, public_id):
    correspondence = get_sent_for_user(
        request.user, party=request.party, public_id=public_id
    )
    if correspondence.created_by_id != request.user.pk:
        raise Http404
    if request.method == "GET":
        return render(
            request,
            "correspondences/status_cancel.html",
            {"correspondence": correspondence},
        )

    try:
        sending.correspondence_cancel(actor=request.user, correspondence=correspondence)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The message is cancelled and will not be sent."))
    return redirect("sent_detail", public_id=correspondence.public_id)
