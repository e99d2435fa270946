"""
The compose page's preview: the recipients by their registered names, the
text as the receiver will see it, and the notification as the first
recipient will get it.
"""

from dataclasses import dataclass

from apps.correspondences.markdown import render_markdown
from apps.correspondences.models import Correspondence
from apps.correspondences.selectors_sending import organizations_without_address
from apps.notifications.models import NotificationOrder
from apps.notifications.services import token_values
from apps.notifications.sms import sms_segments
from apps.notifications.texts import render_tokens
from apps.organizations.models import NotificationAddress

Channel = NotificationOrder.Channel
EMAIL_CHANNELS = {Channel.EMAIL, Channel.EMAIL_PREFERRED, Channel.BOTH}
SMS_CHANNELS = {Channel.SMS, Channel.SMS_PREFERRED, Channel.BOTH}
# The address kinds that a channel can reach, a preferred one falling back.
REACHED_BY = {
    Channel.EMAIL: [NotificationAddress.Channel.EMAIL],
    Channel.SMS: [NotificationAddress.Channel.SMS],
    Channel.EMAIL_PREFERRED: list(NotificationAddress.Channel.values),
    Channel.SMS_PREFERRED: list(NotificationAddress.Channel.values),
    Channel.BOTH: list(NotificationAddress.Channel.values),
}


@dataclass(frozen=True)
class NotificationPreview:
    recipient: object
    email_subject: str
    email_body: str
    sms_text: str
    sms: object
    shows_email: bool
    shows_sms: bool
    reminder_sms: object


def compose_preview(form, *, party):
    """Return what the preview shows of a form whose fields are valid."""
    data = form.cleaned_data
    organizations = form.organizations
    preview = {
        "recipients": organizations,
        "recipients_key": form.recipients_key(),
        "title": data["title"],
        "summary": data["summary"],
        "body": render_markdown(data["body"]),
        "confidential": data["service"].is_confidential,
        "notification": None,
        "without_address": [],
    }
    spec = form.notification_spec()
    if spec is None or not organizations:
        return preview

    preview["without_address"] = organizations_without_address(
        organizations, channels=REACHED_BY[spec.channel]
    )
    example = Correspondence(
        sender=party,
        recipient=organizations[0],
        service=data["service"],
        title=data["title"],
        language=data["language"],
    )
    values = token_values(example)
    try:
        rendered = {
            name: render_tokens(getattr(spec, name), values=values)
            for name in ("email_subject", "email_body", "sms_text", "reminder_sms_text")
        }
    except ValueError:
        return preview
    preview["notification"] = NotificationPreview(
        recipient=organizations[0],
        email_subject=rendered["email_subject"],
        email_body=rendered["email_body"],
        sms_text=rendered["sms_text"],
        sms=sms_segments(rendered["sms_text"]),
        shows_email=spec.channel in EMAIL_CHANNELS,
        shows_sms=spec.channel in SMS_CHANNELS,
        reminder_sms=sms_segments(rendered["reminder_sms_text"])
        if spec.reminder_enabled
        else None,
    )
    return preview
