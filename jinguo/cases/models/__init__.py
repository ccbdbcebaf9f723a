from .case import Case, CaseParty
from .config import CaseCounter, Category, DeadlinePolicy
from .inbox import CLIENT_REFERENCE_PATTERN, IntakeSubmission, SubmissionStatus
from .partners import Agency, AgencyMember, Referral
from .work import Attachment, CaseEvent, Extension, FollowUp, Mediation

__all__ = [
    "CLIENT_REFERENCE_PATTERN",
    "Agency",
    "AgencyMember",
    "Attachment",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "CaseParty",
    "Category",
    "DeadlinePolicy",
    "Extension",
    "FollowUp",
    "IntakeSubmission",
    "Mediation",
    "Referral",
    "SubmissionStatus",
]
