from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from aipdash.core import health
from aipdash.core.forms import LoginForm
from aipdash.portfolio import urls as portfolio_urls

urlpatterns = [
    path("", include("aipdash.dashboard.urls")),
    path("", include("aipdash.sharing.urls")),
    path("", include("aipdash.portfolio.urls")),
    path("", include("aipdash.boardpack.urls")),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on every page, the admin's included.
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"))),
    ),
    # Only log in and out: no e-mail is configured, so no public password-reset pages.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("partners/", include(portfolio_urls.partner_patterns)),
    path("projects/", include(portfolio_urls.project_patterns)),
    path("api/", include("api.urls")),
    path("api-tokens/", include("api.token_urls")),
    path("jobs/", include("aipdash.jobs.urls")),
    path("", include("aipdash.digests.urls")),
    path("admin/", admin.site.urls),
]

# Error pages in the site's look, with the request id to quote (aipdash/core/errors.py).
handler400 = "aipdash.core.errors.bad_request"
handler403 = "aipdash.core.errors.permission_denied"
handler404 = "aipdash.core.errors.page_not_found"
handler500 = "aipdash.core.errors.server_error"
