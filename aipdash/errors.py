"""The error pages (400, 403, 404, 500, and CSRF failures): in the site's look, no internals.

Wired in `urls.py` (handler400 ... handler500) and `settings.CSRF_FAILURE_VIEW`. Each page
shows the request id (RequestIdMiddleware) so that a person can quote it to the staff. The 500
page renders without a request context: whatever broke must not break the error page too.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from aipdash.middleware import request_id_of

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def _page(request, template, status, **context):
    return render(
        request, template, {"request_id": request_id_of(request), **context}, status=status
    )


@requires_csrf_token
def bad_request(request, exception=None):
    if isinstance(exception, TOO_LARGE):
        # 413 Content Too Large: the request was refused before it was read.
        return _page(request, "413.html", 413)
    return _page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, "404.html", 404)


@requires_csrf_token
def server_error(request):
    body = loader.get_template("500.html").render({"request_id": request_id_of(request)})
    return HttpResponse(body, status=500)


def csrf_failure(request, reason=""):
    """The form was stale (or came from elsewhere): say so, and how to go on."""
    return _page(request, "403_csrf.html", 403)
