"""Who is asking: `Authorization: Bearer <token>`, a personal API token or a share link's.

- A personal token (`aipk_…`, see tokens.py) reads as its owner: the owner's permissions
  decide (permissions.py). Unknown, revoked or expired tokens, and tokens of inactive users,
  are refused with 401.
- A share link's token (the `<token>` of `/s/<token>/`) reads as that link: the user stays
  anonymous and `request.auth` is the ShareLink, which opens the chart endpoints within the
  link's scope and nothing else. A link that is unknown, expired or revoked is refused with 401.

The logged-in session works as well (the interactive docs in a browser).
"""

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions

from aipdash.sharing import services as sharing
from api import tokens

KEYWORD = "Bearer"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # another scheme, or none: not ours to judge
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Give the token after “Bearer ”, with no space inside it."
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("A token is plain ASCII.") from None
        if tokens.looks_like_api_token(secret):
            token = tokens.authenticate(secret)
            if token is None:
                raise exceptions.AuthenticationFailed(
                    "This token is unknown, revoked or expired, or its owner is inactive."
                )
            return token.owner, token
        try:
            link = sharing.resolve(secret)
        except sharing.LinkUnavailable as unavailable:
            if unavailable.status == 410:
                raise exceptions.AuthenticationFailed(
                    "This shared link has expired or was revoked."
                ) from None
            raise exceptions.AuthenticationFailed("This token is unknown.") from None
        return AnonymousUser(), link

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'
