"""The Permissions-Policy header, exactly: every powerful browser feature the site does not use
is turned off (settings.PERMISSIONS_POLICY), on pages, error pages and API answers alike."""

import pytest

pytestmark = pytest.mark.django_db

EXPECTED = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/healthz", 200), ("/accounts/login/", 200), ("/no-such-page/", 404), ("/api/charts/", 401)],
)
def test_the_header_is_exactly_the_policy(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response["Permissions-Policy"] == EXPECTED
