"""The Subscriptions page (a signed-in user's own subscriptions: list, add, change, delete,
and a preview of the digest as it would be mailed now) and the unsubscribe link (no login).

The unsubscribe address shows a page with one button; mail clients that offer one-click
unsubscribe (RFC 8058: List-Unsubscribe-Post) POST to the same address. The signed token is
the credential, so that POST needs no CSRF token and no session.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from aipdash.core.requests import AuthenticatedHttpRequest
from aipdash.dashboard.filters import FilterError
from aipdash.digests import alerts, digest, mails, schedule
from aipdash.digests.access import ViewClosed, check_at_send, open_view
from aipdash.digests.forms import SubscriptionForm
from aipdash.digests.models import SentMail, Subscription
from aipdash.digests.tokens import BadLink, subscription_of


def _page(
    request: AuthenticatedHttpRequest, form: SubscriptionForm, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    subs = list(Subscription.objects.filter(user=request.user))
    for sub in subs:
        sub.next_digest = schedule.next_slot(sub, now)  # type: ignore[attr-defined]
    mails_sent = SentMail.objects.filter(user=request.user).only(
        "kind", "subject", "state", "created_at", "sent_at", "error"
    )[:20]
    return render(
        request,
        "digests/list.html",
        {"subscriptions": subs, "form": form, "mails": mails_sent},
        status=status,
    )


def _starting_stale(sub: Subscription) -> None:
    """The stale alert names what goes stale from now on, not what already is."""
    if sub.alert_stale and not sub.stale_named:
        try:
            view = open_view(sub.user, sub.query)
        except (ViewClosed, FilterError):
            return
        sub.stale_named = alerts.current_stale_keys(view)
        sub.save(update_fields=["stale_named"])


@require_http_methods(["GET"])
def subscription_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {"time_zone": "UTC", "view": request.GET.get("view", "")[:2100], "name": "My view"}
    return _page(request, SubscriptionForm(user=request.user, initial=initial))


@require_POST
def subscription_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form, status=400)
    sub = form.save()
    _starting_stale(sub)
    messages.success(request, f"Subscribed: “{sub.name}”.")
    return redirect("digests:list")


@require_http_methods(["GET", "POST"])
def subscription_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(Subscription, pk=pk, user=request.user)
    form = SubscriptionForm(request.POST or None, instance=sub, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            sub = form.save(commit=False)
            sub.active = True
            sub.paused_reason = ""
            sub.save()
            _starting_stale(sub)
            messages.success(request, f"Saved: “{sub.name}”.")
            return redirect("digests:list")
        status = 400
    else:
        status = 200
    return render(request, "digests/edit.html", {"form": form, "subscription": sub}, status=status)


@require_POST
def subscription_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(Subscription, pk=pk, user=request.user)
    sub.delete()
    messages.success(request, f"Deleted: “{sub.name}”.")
    return redirect("digests:list")


# The mail's HTML styles itself with inline attributes (what mail clients read); this one
# response may use them, and nothing else: no script, no remote anything, no frame.
PREVIEW_CSP = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
}


@csp_override(PREVIEW_CSP)
@require_http_methods(["GET"])
def preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The digest's HTML part as it would be mailed now (nothing is sent or recorded)."""
    sub = get_object_or_404(Subscription, pk=pk, user=request.user)
    try:
        view = check_at_send(request.user, sub.query)
    except ViewClosed as closed:
        messages.error(request, str(closed))
        return redirect("digests:list")
    now = timezone.now()
    content = digest.build(sub, view, sub.digest_until or sub.created_at, now)
    message = mails.build(
        to=request.user.email or "you@example.com",
        subject="preview",
        template="digests/mail/digest",
        context={"digest": content, "subscription": sub},
        unsubscribe=sub,
    )
    html, _mimetype = message.alternatives[0]
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        sub = subscription_of(token)
    except BadLink:
        return render(request, "digests/unsubscribe_refused.html", status=400)
    if request.method == "POST":
        Subscription.objects.filter(pk=sub.pk).update(
            active=False, paused_reason="Unsubscribed from a mail."
        )
        return render(request, "digests/unsubscribed.html", {"subscription": sub})
    return render(request, "digests/unsubscribe.html", {"subscription": sub, "token": token})
