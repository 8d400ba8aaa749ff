"""The mails themselves: a plain-text part and an HTML part from templates, with the headers
every mail of ours carries (its own Message-ID, one-click unsubscribe per RFC 8058, and
Auto-Submitted so that no auto-responder answers it).

The HTML part works in a mail client: no script, no remote image, no stylesheet link; its
styles are inline attributes (mail clients drop <style> blocks or the page's CSS). Every
figure carries its unit, and the sources and the illustrative flag are said as on the pages.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string

from aipdash.digests.models import Subscription
from aipdash.digests.tokens import unsubscribe_url

DOMAIN_DEFAULT = "aipdash.localhost"


def message_id() -> str:
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return make_msgid(domain=domain or DOMAIN_DEFAULT)


def build(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe: Subscription | None,
) -> EmailMultiAlternatives:
    """A mail from `template` (.txt and .html), with the unsubscribe link of `unsubscribe`."""
    unsubscribe_link = unsubscribe_url(unsubscribe) if unsubscribe is not None else ""
    context = {
        **context,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_link,
        "subscriptions_url": settings.SITE_URL + "/subscriptions/",
    }
    headers = {"Message-ID": message_id(), "Auto-Submitted": "auto-generated"}
    if unsubscribe_link:
        headers["List-Unsubscribe"] = f"<{unsubscribe_link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    mail.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return mail
