"""Sending mail: plain SMTP through the standard library, only when it is configured.

The app mails nothing unless ``MAIL_SERVER`` is set (config.py reads it and its
companions from the environment: ``MAIL_PORT``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``,
``MAIL_USE_TLS`` for STARTTLS, ``MAIL_USE_SSL`` for SMTP over TLS, and
``MAIL_DEFAULT_SENDER``). ``send`` sends one message, each step within a short
timeout; it can still take seconds, so the app calls it only from background jobs
(references/mailing.py), never in a web request. Any failure is raised as
``MailError`` with a reason a person can read, so the caller can say so and offer
another way (a reference link to copy by hand).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

#: Seconds to wait for the mail server before giving up.
SMTP_TIMEOUT = 10
DEFAULT_SENDER = "portfolio@localhost"


class MailError(RuntimeError):
    """A message could not be sent; ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send mail."""

    server: str
    port: int = 25
    username: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    sender: str = DEFAULT_SENDER


def settings_from(config: Mapping[str, Any]) -> MailSettings | None:
    """Return the app's mail settings, or None when mail is not configured."""
    server = str(config.get("MAIL_SERVER") or "").strip()
    if not server:
        return None
    use_ssl = bool(config.get("MAIL_USE_SSL"))
    return MailSettings(
        server=server,
        port=int(config.get("MAIL_PORT") or (465 if use_ssl else 25)),
        username=str(config.get("MAIL_USERNAME") or ""),
        password=str(config.get("MAIL_PASSWORD") or ""),
        use_tls=bool(config.get("MAIL_USE_TLS")),
        use_ssl=use_ssl,
        sender=str(config.get("MAIL_DEFAULT_SENDER") or DEFAULT_SENDER),
    )


def build_message(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    """Return a plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send(settings: MailSettings, to: str, subject: str, body: str) -> None:
    """Send one plain-text message, or raise MailError saying why it could not go."""
    message = build_message(settings, to, subject, body)
    try:
        if settings.use_ssl:
            context = ssl.create_default_context()
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.server, settings.port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.server, settings.port, timeout=SMTP_TIMEOUT)
        with smtp:
            if settings.use_tls and not settings.use_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused:
        raise MailError("the mail server refused the address") from None
    except smtplib.SMTPAuthenticationError:
        raise MailError("the mail server refused the app's login") from None
    except TimeoutError:
        raise MailError("the mail server did not answer in time") from None
    except smtplib.SMTPServerDisconnected as error:
        # smtplib reports a server that went silent as a disconnection.
        if "timed out" in str(error):
            raise MailError("the mail server did not answer in time") from None
        raise MailError("the mail server closed the connection") from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
        reason = f"the mail server could not be reached or refused it: {type(error).__name__}"
        raise MailError(reason) from None
