"""The request type of a view behind the login, for the type checker.

LoginRequiredMiddleware (settings.MIDDLEWARE) answers every anonymous request to a view that is
not marked `login_not_required` before the view runs, so such a view's `request.user` is a
signed-in User. django-stubs types `HttpRequest.user` as User or AnonymousUser; a view that
takes an AuthenticatedHttpRequest says which (the pattern django-stubs documents). Nothing
changes at run time: Django still passes its own request.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    user: User
