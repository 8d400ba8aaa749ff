"""The read-only API: records (partners, projects with their phases and participations,
commitments, targets, indicators, dated notes) and every dashboard chart's figures.

Thin views: the dashboard's own filters (`DashboardFilters`, the same parameters and the same
400s), its own selectors for filtered records, and its own cached chart path
(`aipdash.dashboard.chart`), so that the API's figures are the dashboard's.
"""

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from aipdash.charts import catalogue
from aipdash.charts.data import LABELS
from aipdash.core.cache.payloads import on_replica
from aipdash.dashboard import blocks, selectors
from aipdash.dashboard.filters import (
    MAX_VALUE_LENGTH,
    YEAR_MAX,
    YEAR_MIN,
    DashboardFilters,
    FilterError,
)
from aipdash.dashboard.pages import with_scenario
from aipdash.scenarios.selectors import visible_scenarios
from aipdash.sharing import services
from api import chartpayload, serializers
from api.permissions import ReadsCharts, ReadsRecords, is_share_link
from partners.models import Partner
from projects.models import FundraisingUpdate, MarketIndicator, Note, Participation, Target


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


PAGE_PARAMETERS = frozenset({Pages.page_query_param, Pages.page_size_query_param})


class FiltersRejected(exceptions.APIException):
    """400 naming each wrong parameter, as the dashboard's 400 page does."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_filters"

    def __init__(self, errors: dict[str, str]) -> None:
        # Through APIException's own constructor, so that each message is an ErrorDetail with
        # its code, as in DRF's other errors (get_codes() failed on plain strings).
        super().__init__({"errors": {key: str(message) for key, message in errors.items()}})


def _multi(name, description, enum=None):
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"type": "string", **({"enum": enum} if enum else {})}},
        OpenApiParameter.QUERY,
        description=description,
        style="form",
        explode=True,
    )


def _year(name, description):
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
        OpenApiParameter.QUERY,
        description=description,
    )


FILTER_PARAMETERS = [
    _multi("partner", "Partner slugs (any of them): projects it takes part in, its commitments."),
    _multi("kind", "Project kinds (any of them).", list(LABELS["kind"])),
    _multi("stage", "Project stages (any of them).", list(LABELS["stage"])),
    _multi("energy_source", "Energy sources (any of them).", list(LABELS["energy_source"])),
    OpenApiParameter(
        "country",
        {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
        OpenApiParameter.QUERY,
        description="ISO 3166 country codes, such as US (any of them).",
        style="form",
        explode=True,
    ),
    _year("online_from", "Expected online in this year or later."),
    _year("online_to", "Expected online in this year or earlier."),
]
# Issue 17: the chart endpoints' figures under a scenario the caller may see (its own, or one
# shared with everyone), beside the recorded ones; not for share-link tokens.
SCENARIO_PARAMETER = OpenApiParameter(
    "scenario",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,80}$"},
    OpenApiParameter.QUERY,
    description="A scenario's slug: the capacity figures under its assumptions beside the "
    'recorded ones (columns mw_scenario, or rows with case "scenario"). An unknown scenario, '
    "or another user's private one, is a 400 naming it.",
)
ERRORS = {
    400: serializers.FilterErrorSerializer,
    401: serializers.DetailSerializer,
    403: serializers.DetailSerializer,
}
RECORD_ERRORS = {
    401: serializers.DetailSerializer,
    403: serializers.DetailSerializer,
    404: serializers.DetailSerializer,
}


def dashboard_filters(request) -> DashboardFilters:
    """The dashboard's filters from the query string (paging parameters aside), or 400."""
    query = request.query_params.copy()
    for key in PAGE_PARAMETERS:
        query.pop(key, None)
    try:
        filters = DashboardFilters.from_query(query, partner_slugs=blocks.partner_slugs())
        return with_scenario(filters, request.user)
    except FilterError as error:
        raise FiltersRejected(error.errors) from None


# The API's views have no class docstrings: the API docs would show one as the description of
# every operation that has none of its own (extend_schema's `description`).
#
# API answers are for the caller alone: no shared cache keeps them.
class PrivateResponses:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response


def records_schema(serializer, *, summary, one, description=None, filtered=False):
    """The docs of a record list and of one record; a `filtered` list takes the dashboard's
    filters, any other only the paging parameters (and a list answers 400 for a wrong one)."""
    return extend_schema_view(
        list=extend_schema(
            summary=summary,
            description=description,
            parameters=FILTER_PARAMETERS if filtered else None,
            responses={200: serializer(many=True), **ERRORS, 404: serializers.DetailSerializer},
        ),
        retrieve=extend_schema(summary=one, responses={200: serializer, **RECORD_ERRORS}),
    )


def only_paging(request) -> None:
    """A list that takes no filters says so, rather than answer ?slug=gip with every record."""
    unknown = sorted(set(request.query_params) - PAGE_PARAMETERS)
    if unknown:
        raise FiltersRejected(
            {
                name[:MAX_VALUE_LENGTH]: f"“{name[:MAX_VALUE_LENGTH]}” is not a "
                "parameter of this list: it takes only page and page_size."
                for name in unknown
            }
        )


class RecordViewSet(PrivateResponses, viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadsRecords]
    pagination_class = Pages

    def get_queryset(self):
        if self.action == "list":
            only_paging(self.request)
        return super().get_queryset()

    # The records from a replica that has replayed the data version (aipdash/core/replicas.py);
    # authentication and throttling, before these, from the primary and the cache.
    @on_replica
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @on_replica
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


@records_schema(serializers.PartnerSerializer, summary="Partners", one="One partner")
class PartnerViewSet(RecordViewSet):
    serializer_class = serializers.PartnerSerializer
    required_perms = ("partners.view_partner",)
    lookup_field = "slug"
    queryset = Partner.objects.select_related("parent").order_by("name", "pk")


# Records whose list is filtered as the dashboard filters them (the same parameters, the same
# 400s); one record, by its key, whatever the filters.
class FilteredRecordViewSet(RecordViewSet):
    def records(self, filters: DashboardFilters):
        raise NotImplementedError

    def get_queryset(self):
        filters = dashboard_filters(self.request) if self.action == "list" else DashboardFilters()
        return self.records(filters)


PROJECT_PREFETCH = (
    "phases",
    Prefetch("participations", queryset=Participation.objects.select_related("partner")),
)


@records_schema(
    serializers.ProjectSerializer,
    filtered=True,
    summary="Projects, with their phases and participations",
    description="Filtered as the dashboard filters them (the same parameters).",
    one="One project",
)
class ProjectViewSet(FilteredRecordViewSet):
    serializer_class = serializers.ProjectSerializer
    required_perms = (
        "projects.view_project",
        "projects.view_projectphase",
        "projects.view_participation",
    )
    lookup_field = "slug"

    def records(self, filters):
        return (
            selectors.projects(filters)
            .select_related("investment")
            .prefetch_related(*PROJECT_PREFETCH)
            .order_by("name", "pk")
        )


@records_schema(
    serializers.CommitmentSerializer,
    filtered=True,
    summary="Commitments",
    description="Filtered as the dashboard's commitment charts filter them: a partner "
    "filter keeps its own commitments; project filters narrow the commitments made to "
    "projects, while commitments to the partnership as a whole stay in.",
    one="One commitment",
)
class CommitmentViewSet(FilteredRecordViewSet):
    serializer_class = serializers.CommitmentSerializer
    required_perms = ("projects.view_commitment",)

    def records(self, filters):
        return (
            selectors.commitments(filters)
            .select_related("partner", "project")
            .order_by("committed_on", "pk")
        )


@records_schema(
    serializers.TargetSerializer,
    summary="The partnership's targets, with the capital raised toward them",
    one="One target",
)
class TargetViewSet(RecordViewSet):
    serializer_class = serializers.TargetSerializer
    required_perms = ("projects.view_target", "projects.view_fundraisingupdate")
    lookup_field = "slug"
    queryset = Target.objects.prefetch_related(
        Prefetch("updates", queryset=FundraisingUpdate.objects.order_by("as_of", "pk"))
    ).order_by("amount_usd", "pk")


@records_schema(
    serializers.IndicatorSerializer,
    summary="Market indicators (published series points)",
    one="One market indicator",
)
class IndicatorViewSet(RecordViewSet):
    serializer_class = serializers.IndicatorSerializer
    required_perms = ("projects.view_marketindicator",)
    queryset = MarketIndicator.objects.order_by("series", "region", "scenario", "year", "pk")


@records_schema(
    serializers.NoteSerializer,
    summary="Dated notes (what happened on a day, with its source)",
    description="Oldest first. A note names the partner or project it is about, if one; its "
    "text is as typed (escape it where you show it as markup).",
    one="One note",
)
class NoteViewSet(RecordViewSet):
    serializer_class = serializers.NoteSerializer
    required_perms = ("projects.view_note",)
    queryset = Note.objects.select_related("partner", "project").order_by("date", "pk")


@records_schema(
    serializers.ScenarioSerializer,
    summary="Scenarios you may see",
    description="Your own scenarios and those shared with everyone, by name: each with its "
    "owner, visibility, version (replaced by every save) and last change, and every "
    "assumption with where it comes from. Another user's private scenario is never listed, "
    "and reading it by its slug is a 404. Give a slug as `scenario` to the chart endpoints.",
    one="One scenario you may see",
)
class ScenarioViewSet(PrivateResponses, viewsets.ReadOnlyModelViewSet):
    # A user's assumptions, not portfolio records: read from the primary (a replica replays
    # the portfolio's data version, not a scenario's save), never through a share link.
    serializer_class = serializers.ScenarioSerializer
    permission_classes = [ReadsRecords]
    pagination_class = Pages
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "list":
            only_paging(self.request)
        return visible_scenarios(self.request.user).order_by("name", "pk")


# Charts ---------------------------------------------------------------------------------------


def _chart_filters(request) -> DashboardFilters:
    """The user's filters, or within a share link's scope exactly as on `/s/<token>/`."""
    if not is_share_link(request):
        return dashboard_filters(request)
    page_only = sorted(services.VIEW_PARAMETERS & set(request.query_params))
    if page_only:
        raise FiltersRejected(
            {page_only[0]: f"“{page_only[0]}” is a parameter of the shared page, not of the API."}
        )
    try:
        filters, _asked = services.scoped_filters(
            request.auth, request.query_params, partner_slugs=blocks.partner_slugs()
        )
    except FilterError as error:
        raise FiltersRejected(error.errors) from None
    return filters


class CountsShareLinkViews:
    """A share link's token answered on the API counts as a view of the link, as opening the
    link does (refused or throttled requests open nothing and do not count)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == status.HTTP_200_OK and is_share_link(request):
            services.count_view(request.auth)
        return response


class ChartListView(CountsShareLinkViews, PrivateResponses, APIView):
    permission_classes = [ReadsCharts]

    @extend_schema(
        summary="The dashboard's charts",
        responses={
            200: serializers.ChartEntrySerializer(many=True),
            401: serializers.DetailSerializer,
            403: serializers.DetailSerializer,
        },
    )
    def get(self, request):
        return Response(
            [
                {
                    "name": name,
                    "title": catalogue.TITLES[name],  # no chart computed to list them
                    "url": request.build_absolute_uri(reverse("api:chart", args=[name])),
                }
                for name in blocks.CHART_NAMES
            ]
        )


class ChartView(CountsShareLinkViews, PrivateResponses, APIView):
    permission_classes = [ReadsCharts]

    @extend_schema(
        summary="One chart's figures for the dashboard's filters",
        description="The rows the dashboard draws for these filters, with their columns and "
        "units, as-of date, sources and illustrative flag. With a shared link's token: only "
        "within the link's scope, as on the shared page (other values are a 400 that says why).",
        parameters=[
            OpenApiParameter(
                "chart", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(blocks.CHART_NAMES)
            ),
            *FILTER_PARAMETERS,
            SCENARIO_PARAMETER,
        ],
        responses={200: serializers.ChartSerializer, **ERRORS, 404: serializers.DetailSerializer},
    )
    def get(self, request, chart):
        if chart not in blocks.CHART_NAMES:
            raise exceptions.NotFound(f"No chart “{chart[:80]}”.")
        filters = _chart_filters(request)
        return Response(chartpayload.chart(chart, filters))


class HeadlineView(PrivateResponses, APIView):
    permission_classes = [ReadsCharts]

    @extend_schema(
        summary="The dashboard's headline figures for its filters",
        description="The values of the dashboard's headline tiles: equity and total committed "
        "(money committed or called / deployed, see counted_statuses) with the money only "
        "announced given apart and never added in, the targets and the capital raised, "
        "capacity operational and in the pipeline (data-centre IT load; generation and "
        "storage; grid links' transfer capacity, in no other figure), projects and partners. "
        "Each says what it counts. With a shared link's token: only within the link's scope, "
        "as on the shared page.",
        parameters=[*FILTER_PARAMETERS, SCENARIO_PARAMETER],
        responses={200: serializers.HeadlineSerializer, **ERRORS},
    )
    def get(self, request):
        filters = _chart_filters(request)
        return Response(chartpayload.headline(blocks.headline(filters), filters))
