"""The unsubscribe link in every mail: signed, no login needed. It names the subscription and
carries its token, so a forged or altered link is refused (BadSignature) and a link from
before a "new links" reset is refused too (the token no longer matches)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from aipdash.digests.models import Subscription

SALT = "aipdash.digests.unsubscribe"


class BadLink(Exception):
    """The link is not one we made for a subscription that exists."""


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps([subscription.pk, subscription.token], salt=SALT, compress=True)


def unsubscribe_url(subscription: Subscription) -> str:
    path = reverse("digests:unsubscribe", args=[unsubscribe_token(subscription)])
    site: str = settings.SITE_URL
    return site + path


def subscription_of(token: str) -> Subscription:
    try:
        pk, secret = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadLink from None
    subscription = Subscription.objects.filter(pk=pk, token=secret).select_related("user").first()
    if subscription is None or not isinstance(secret, str):
        raise BadLink
    return subscription
