"""Names of the audit events of inspection plans. Permanent once shipped."""

from __future__ import annotations

from enum import StrEnum


class InspectionEvent(StrEnum):
    PLAN_CREATE = "inspections.plan.create"
    PLAN_UPDATE = "inspections.plan.update"
    PLAN_SUBMIT = "inspections.plan.submit"
    PLAN_APPROVED = "inspections.plan.approved"
    PLAN_REJECTED = "inspections.plan.rejected"
    PLAN_MERGE = "inspections.plan.merge"
    PLAN_REFUSE = "inspections.plan.refuse"
    SETTINGS_UPDATE = "inspections.settings.update"
