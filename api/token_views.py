"""The page where a user with the viewer role makes, lists and revokes their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from api import tokens
from api.forms import ApiTokenForm
from api.permissions import VIEWER_PERMS

viewer_role = permission_required(VIEWER_PERMS, raise_exception=True)


def _page(request, form, status=200):
    return render(
        request,
        "api/tokens.html",
        {"tokens": tokens.of(request.user), "form": form},
        status=status,
    )


@require_GET
@viewer_role
def token_list(request):
    return _page(request, ApiTokenForm())


@require_POST
@viewer_role
def token_new(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        issued = tokens.create(
            owner=request.user, label=form.cleaned_data["label"], days=form.cleaned_data["days"]
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return _page(request, form, status=400)
    response = render(
        request,
        "api/issued.html",
        {
            "token": issued.token,
            "secret": issued.secret,
            "api_url": request.build_absolute_uri(reverse("api:charts")),
        },
    )
    response["Cache-Control"] = "private, no-store"  # the only page that shows the token
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
@viewer_role
def token_revoke(request, pk):
    token = get_object_or_404(tokens.of(request.user), pk=pk)
    tokens.revoke(token)
    messages.success(request, f"“{token.label}” is revoked: it opens nothing from now on.")
    return redirect("api-tokens:list")
