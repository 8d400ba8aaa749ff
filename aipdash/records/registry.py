"""THE list of portfolio models: the records editors keep and the dashboard reads.

Every place that must treat "the portfolio" as a whole reads it here: the data version that
invalidates cached charts (signals.py), "since your last visit" (aipdash/audit), backup and
restore (which keeps its own load order and foreign keys beside this list) and the viewer and
editor groups' grants (grants.py). Labels, not classes: this kernel sits below the apps that
define the models.
"""

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db.models import Model

# In the order a backup loads them: a model after every model it refers to.
PORTFOLIO_MODELS = (
    "partners.Partner",
    "projects.Investment",
    "projects.Target",
    "projects.FundraisingUpdate",
    "projects.MarketIndicator",
    "projects.Project",
    "projects.ProjectPhase",
    "projects.Participation",
    "projects.Commitment",
    "projects.Note",
)
_LABELS_LOWER = frozenset(label.lower() for label in PORTFOLIO_MODELS)


def is_portfolio_model(model: type[Model]) -> bool:
    """Whether `model` (a class; a migration's historical model too) is one of the portfolio's."""
    return model._meta.label_lower in _LABELS_LOWER


def portfolio_models(apps: Apps = global_apps) -> list[type[Model]]:
    """The model classes, in PORTFOLIO_MODELS' order (from `apps`: a migration's registry)."""
    return [apps.get_model(label) for label in PORTFOLIO_MODELS]


def by_app() -> dict[str, list[str]]:
    """{app label: [model name, lower case]}, as permissions name them."""
    grouped: dict[str, list[str]] = {}
    for label in PORTFOLIO_MODELS:
        app_label, model = label.split(".")
        grouped.setdefault(app_label, []).append(model.lower())
    return grouped
