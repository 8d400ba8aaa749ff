from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail. Its model keeps the table it had in the app "aipdash" (migrations 0001
    moved it by state only and renamed its content type)."""

    name = "aipdash.audit"
    label = "audit"
    verbose_name = "Audit trail"
