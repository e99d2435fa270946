"""
The two ways out: email through Django's mailers, SMS through a transport.

Every transport returns the provider's reference on success and raises
TransientError (worth trying again later) or PermanentError (the provider
refused this message for good) otherwise. The error's text is the
provider's reason as it gave it; it never holds the text we sent.
"""

import json
import smtplib
import sys
import threading
import urllib.error
import urllib.request
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.utils import timezone
from django.utils.module_loading import import_string

REASON_LENGTH = 500


class DeliveryError(Exception):
    def __init__(self, reason):
        super().__init__(str(reason)[:REASON_LENGTH])

    @property
    def reason(self):
        return self.args[0]


class TransientError(DeliveryError):
    pass


class PermanentError(DeliveryError):
    pass


def email_send(*, to, subject, body, reference):
    """Send one plain-text email through the default mailer.

    The Message-ID is made from `reference`, so that a copy sent twice
    after a worker died carries the same id and a careful mail server or
    client can drop it.
    """
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or None
    message_id = make_msgid(idstring=f"taushet.{reference}", domain=domain)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )
    try:
        mailers.default.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        code, reason = next(iter(error.recipients.values()))
        raise _smtp_error(code, reason) from error
    except smtplib.SMTPResponseException as error:
        raise _smtp_error(error.smtp_code, error.smtp_error) from error
    except (smtplib.SMTPException, OSError) as error:
        # Refused or dropped connections, timeouts, TLS failures: the mail
        # server may be back in a minute.
        raise TransientError(f"{type(error).__name__}: {error}") from error
    except ValueError as error:
        raise PermanentError(str(error)) from error
    return message_id


def _smtp_error(code, reason):
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    text = f"{code} {reason}"
    # 4xx is a temporary refusal; an authentication failure is our own
    # configuration, which an operator can put right, not the address's fault.
    if 400 <= code < 500 or code in (530, 535):
        return TransientError(text)
    return PermanentError(text)


class SmsTransport:
    def send(self, *, to, text, reference):
        """Hand the SMS to the provider and return its reference."""
        raise NotImplementedError


class ConsoleSmsTransport(SmsTransport):
    """Print every SMS, for development."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, to, text, reference):
        self.stream.write(f"SMS from {settings.SMS_SENDER} to {to}:\n{text}\n\n")
        self.stream.flush()
        return f"console-{reference}"


_file_lock = threading.Lock()


class FileSmsTransport(SmsTransport):
    """Append each SMS as one JSON line to settings.SMS_FILE_PATH."""

    def send(self, *, to, text, reference):
        line = json.dumps(
            {
                "from": settings.SMS_SENDER,
                "to": to,
                "text": text,
                "reference": reference,
                "at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        )
        # One write of one line to a file opened for appending: lines from
        # several worker processes do not interleave.
        with _file_lock, open(settings.SMS_FILE_PATH, "a", encoding="utf-8") as f:
            f.write(line + "\n")
        return f"file-{reference}"


class HttpSmsTransport(SmsTransport):
    """POST each SMS as JSON to settings.SMS_GATEWAY_URL.

    The gateway answers 2xx with {"id": ...}, 4xx for a message it will
    never take (the reason in the body), 5xx when it may take it later.
    """

    def send(self, *, to, text, reference):
        payload = {
            "from": settings.SMS_SENDER,
            "to": to,
            "text": text,
            "reference": reference,
        }
        request = urllib.request.Request(  # noqa: S310 (the URL is ours)
            settings.SMS_GATEWAY_URL,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                # A gateway that knows the key takes a repeated send once.
                "Idempotency-Key": reference,
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.SMS_GATEWAY_TIMEOUT
            ) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            reason = f"{error.code} {_gateway_reason(error.read()) or error.reason}"
            if error.code >= 500 or error.code in (408, 429):
                raise TransientError(reason) from error
            raise PermanentError(reason) from error
        except OSError as error:
            raise TransientError(f"{type(error).__name__}: {error}") from error
        return _gateway_reference(body) or reference


def _gateway_json(body):
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _gateway_reason(body):
    data = _gateway_json(body)
    if data is None:
        return body.decode("utf-8", "replace").strip()[:REASON_LENGTH]
    for key in ("reason", "error", "message", "detail"):
        if data.get(key):
            return str(data[key])
    return ""


def _gateway_reference(body):
    data = _gateway_json(body) or {}
    value = data.get("id") or data.get("reference")
    return str(value)[:255] if value else ""


SMS_TRANSPORTS = {
    "console": ConsoleSmsTransport,
    "file": FileSmsTransport,
    "http": HttpSmsTransport,
}


def sms_transport():
    """Return the transport that settings.SMS_TRANSPORT names.

    A dotted path to a class is accepted too, for a transport of one's own.
    """
    name = settings.SMS_TRANSPORT
    cls = SMS_TRANSPORTS.get(name) or import_string(name)
    return cls()
