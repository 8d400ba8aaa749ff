"""The API's records: every field as stored, money as exact decimal strings (USD), capacity as
decimal strings (MW), codes as their stored values (the dashboard's filter values), and the
provenance of each record (source title and URL, as-of date, illustrative)."""

from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aipdash.records.provenance import PROVENANCE_FIELDS
from aipdash.scenarios.applied import GROUP_LABELS, values_in_words
from aipdash.scenarios.assumptions import GROUPS, Basis
from aipdash.scenarios.models import Scenario
from partners.models import Partner
from projects import columns
from projects.models import (
    Commitment,
    FundraisingUpdate,
    Investment,
    MarketIndicator,
    Note,
    Participation,
    Project,
    ProjectPhase,
    Target,
)

# A field named as an attribute DRF's stubs give every field or serializer (`parent`, `label`,
# `errors`): the metaclass takes declared fields out of the class, so they never meet; the
# stubs can't tell, hence an ignore on each.


class PartnerSerializer(CountryFieldMixin, serializers.ModelSerializer):
    parent: serializers.SlugRelatedField[Partner] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Partner
        fields = (
            "slug",
            "name",
            "short_name",
            "kind",
            "role",
            "parent",
            "headquarters_country",
            "joined_on",
            "website",
            "colour",
            "description",
            *PROVENANCE_FIELDS,
        )


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectPhase
        fields = columns.PHASE


class ParticipationSerializer(serializers.ModelSerializer):
    partner: serializers.SlugRelatedField[Partner] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Participation
        fields = columns.PARTICIPATION


class ProjectSerializer(CountryFieldMixin, serializers.ModelSerializer):
    investment: serializers.SlugRelatedField[Investment] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    phases = PhaseSerializer(many=True, read_only=True)
    participations = ParticipationSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = (*columns.PROJECT, "phases", "participations")


class CommitmentSerializer(serializers.ModelSerializer):
    partner: serializers.SlugRelatedField[Partner] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    project: serializers.SlugRelatedField[Project] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Commitment
        fields = ("id", *columns.COMMITMENT)


class FundraisingUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundraisingUpdate
        fields = ("amount_raised_usd", "statement", *PROVENANCE_FIELDS)


class TargetSerializer(serializers.ModelSerializer):
    updates = FundraisingUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = ("slug", "name", "scope", "amount_usd", "set_on", *PROVENANCE_FIELDS, "updates")


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = MarketIndicator
        fields = (
            "id",
            "series",
            "label",
            "region",
            "scenario",
            "year",
            "value",
            "unit",
            *PROVENANCE_FIELDS,
        )


class NoteSerializer(serializers.ModelSerializer):
    partner: serializers.SlugRelatedField[Partner] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    project: serializers.SlugRelatedField[Project] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Note
        fields = ("id", *columns.NOTE)


# Charts: documentation of the payloads `charts.payload()` builds (see views.py) ----------------


class ChartColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField(help_text="USD, MW, TWh, % or empty (text, dates, counts).")


class ChartSourceSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)


class ChartScenarioSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField(help_text="Replaced by every save of the scenario.")


class ChartSerializer(serializers.Serializer):
    chart = serializers.CharField()
    title = serializers.CharField()
    filters = serializers.DictField(
        child=serializers.JSONField(), help_text="The filters the figures are for."
    )
    query = serializers.CharField(help_text="Those filters as the dashboard's query string.")
    scenario = ChartScenarioSerializer(
        allow_null=True,
        help_text="The scenario the figures are under, beside the recorded ones (null: none).",
    )
    columns = ChartColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.JSONField(allow_null=True)),
        help_text="One object per row, keyed by column key (and a few keys for links and "
        "colours). Values of USD, MW, TWh and % columns are exact decimal strings.",
    )
    as_of = serializers.DateField(allow_null=True, help_text="Newest as-of date behind the rows.")
    illustrative = serializers.BooleanField(help_text="Any record behind the rows is demo data.")
    sources = ChartSourceSerializer(many=True)
    note = serializers.CharField(allow_blank=True)
    extras = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="What is not a row: the commitment charts' targets, the market context's "
        "reference.",
    )


class HeadlineFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField(allow_blank=True, help_text="USD, MW, % or empty (a count).")
    value = serializers.JSONField(
        allow_null=True,
        help_text="USD, MW and % as exact decimal strings, counts as integers; null when "
        "unknown (a target not on record).",
    )
    counts = serializers.CharField(help_text="What the figure counts, in words.")
    as_of = serializers.DateField(allow_null=True)
    illustrative = serializers.BooleanField()


class HeadlineScenarioFigureSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="A capacity figure's key (dc_pipeline, ...).")
    recorded = serializers.CharField(help_text="MW as recorded, an exact decimal string.")
    scenario = serializers.CharField(help_text="MW under the scenario.")
    difference = serializers.CharField(help_text="MW under the scenario minus as recorded.")


class HeadlineScenarioSerializer(ChartScenarioSerializer):
    figures = HeadlineScenarioFigureSerializer(
        many=True, help_text="The capacity figures under the scenario (money is as recorded)."
    )


class HeadlineSerializer(serializers.Serializer):
    filters = serializers.DictField(
        child=serializers.JSONField(), help_text="The filters the figures are for."
    )
    query = serializers.CharField(
        allow_blank=True, help_text="Those filters as the dashboard's query string."
    )
    scenario = HeadlineScenarioSerializer(
        allow_null=True,
        help_text="With `scenario`: its capacity figures beside the recorded ones (null: none).",
    )
    counted_statuses = serializers.ListField(
        child=serializers.CharField(),
        help_text="The commitment statuses that count as committed; announced money is given "
        "apart (equity_announced, total_announced) and in no committed figure.",
    )
    figures = HeadlineFigureSerializer(many=True)
    as_of = serializers.DateField(allow_null=True, help_text="Newest as-of date behind them.")
    illustrative = serializers.BooleanField(help_text="Any record behind them is demo data.")
    sources = ChartSourceSerializer(many=True)


class ChartEntrySerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()


class FilterErrorSerializer(serializers.Serializer):
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.CharField(), help_text="What is wrong, by query parameter."
    )


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# Scenarios (issue 17): a user's saved assumptions, not portfolio records -----------------------


class ScenarioBasisSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[Basis.SOURCE, Basis.RECORDED, Basis.OURS],
        help_text="source: a published source (title, URL, as-of date); recorded: the "
        "recorded portfolio itself (the default); ours: an assumption of ours, said so.",
    )
    note = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    as_of = serializers.DateField(allow_null=True)


class ScenarioAssumptionSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=list(GROUPS))
    label = serializers.CharField()  # type: ignore[assignment]
    values = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="The group's fields as stored: slips in whole months, attrition in percent "
        "and leverage (debt per $ of equity) as exact decimal strings, costs per MW in USD "
        "(null: the portfolio's median), attrition_by_kind as {kind: {stage: percent}}.",
    )
    in_words = serializers.CharField()
    basis = ScenarioBasisSerializer(help_text="Where the group's values come from.")


class ScenarioSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField(help_text="Username; null for the demo's own.")
    last_change = serializers.DateTimeField(source="updated", read_only=True)
    assumptions = serializers.SerializerMethodField()

    class Meta:
        model = Scenario
        fields = (
            "slug",
            "name",
            "owner",
            "visibility",
            "description",
            "version",
            "last_change",
            "assumptions",
        )

    def get_owner(self, scenario: Scenario) -> str | None:
        return scenario.owner.get_username() if scenario.owner is not None else None

    @extend_schema_field(ScenarioAssumptionSerializer(many=True))
    def get_assumptions(self, scenario: Scenario) -> list[dict[str, object]]:
        fields = scenario.assumptions.to_fields()
        words = values_in_words(scenario.assumptions)
        return [
            {
                "group": group,
                "label": GROUP_LABELS[group],
                "values": {name: fields[name] for name in names},
                "in_words": words[group],
                "basis": {"title": "", "url": "", "as_of": None, **scenario.basis(group).to_json()},
            }
            for group, names in GROUPS.items()
        ]
