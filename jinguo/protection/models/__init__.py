"""The protection app's records, one module per concern. Every record about a person is
sensitive by default and reached through restrict(); child records carry the person (and the
case) they belong to and declare them as ``scope_parent``, so a share of either reaches them."""

from .alerts import Alert, AlertRule
from .emergency import (
    ChecklistStep,
    ChecklistTemplate,
    EmergencyAction,
    EmergencyEscalation,
    MandatoryReport,
)
from .followup import FollowUpPlan, FollowUpSchedule, ProtectiveVisit
from .orders import (
    EvidenceBundle,
    InjuryRecord,
    OrderBreach,
    OrderEvent,
    PoliceWarning,
    ProtectionOrder,
    WarningVisit,
)
from .risk import Instrument, InstrumentBand, InstrumentItem, RiskAssessment, SafetyPlan
from .screening import DisputeEntry, OpinionItem, ScreeningCampaign, ScreeningReport
from .shelter import Shelter, ShelterStay

__all__ = [
    "Alert",
    "AlertRule",
    "ChecklistStep",
    "ChecklistTemplate",
    "DisputeEntry",
    "EmergencyAction",
    "EmergencyEscalation",
    "EvidenceBundle",
    "FollowUpPlan",
    "FollowUpSchedule",
    "InjuryRecord",
    "Instrument",
    "InstrumentBand",
    "InstrumentItem",
    "MandatoryReport",
    "OpinionItem",
    "OrderBreach",
    "OrderEvent",
    "PoliceWarning",
    "ProtectionOrder",
    "ProtectiveVisit",
    "RiskAssessment",
    "SafetyPlan",
    "ScreeningCampaign",
    "ScreeningReport",
    "Shelter",
    "ShelterStay",
    "WarningVisit",
]
