"""How drf-spectacular describes the API's authentication (a bearer token)."""

from django_countries import countries
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (made on the API tokens page), or a shared "
            "link's token (its charts only, within its scope).",
        }


def country_choices():
    """ISO 3166 codes and names, for the one enum of countries in the schema."""
    return [(code, name) for code, name in countries]


THROTTLED = {
    "description": "Too many requests: the limit of this user (or shared link) is reached. "
    "Ask again after Retry-After seconds.",
    "headers": {
        "Retry-After": {
            "description": "Seconds until the next request is allowed.",
            "schema": {"type": "integer"},
        }
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}},
}


def document_throttling(result, generator, request, public):
    """drf-spectacular post-processing hook: the 429 that every operation may answer
    (api/throttling.py)."""
    for operations in result["paths"].values():
        for operation in operations.values():
            operation["responses"].setdefault("429", THROTTLED)
    return result
