"""Fixed vocabularies of the cases app. Lists a federation edits (categories, deadline
policies, agencies) are database rows instead; see models.py and defaults.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE_12338 = "hotline_12338", _("12338热线")
    HOTLINE_OTHER = "hotline_other", _("其他热线")
    WALK_IN = "walk_in", _("来访")
    LETTER = "letter", _("来信/维权信箱")
    EMAIL = "email", _("电子邮件")
    PORTAL = "portal", _("网上平台")
    GRID = "grid", _("网格上报")
    TRANSFER = "transfer", _("单位或部门转来")
    PUBLIC_OPINION = "public_opinion", _("舆情")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    PRIORITY = "priority", _("较急")
    URGENT = "urgent", _("紧急")


class Status(models.TextChoices):
    REGISTERED = "registered", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    DECLINED = "declined", _("不予受理")
    ASSIGNED = "assigned", _("已分派")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结待回访")
    CLOSED = "closed", _("已结案")


# States in which the case still needs work from the federation (queues, deadlines).
OPEN_STATUSES = (
    Status.REGISTERED,
    Status.ACCEPTED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.RESOLVED,
)
FINAL_STATUSES = (Status.DECLINED, Status.CLOSED)


class Outcome(models.TextChoices):
    MEDIATED = "mediated", _("调解成功")
    REFERRED = "referred", _("转介处理")
    LEGAL_AID = "legal_aid", _("法律援助")
    ANSWERED = "answered", _("咨询解答")
    COUNSELLING = "counselling", _("心理疏导")
    RELIEF = "relief", _("救助帮扶")
    OTHER = "other", _("其他")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class FollowUpResult(models.TextChoices):
    CLOSED = "closed", _("结案")
    REOPENED = "reopened", _("重新办理")
    ESCALATED = "escalated", _("上报上级")
    UNREACHABLE = "unreachable", _("无法联系，结案")


class GbvType(models.TextChoices):
    """The six GBVIMS core incident types; domestic or partner is context, not type."""

    RAPE = "rape", _("强奸")
    SEXUAL_ASSAULT = "sexual_assault", _("性侵犯")
    PHYSICAL = "physical", _("身体暴力")
    FORCED_MARRIAGE = "forced_marriage", _("强迫婚姻")
    DENIAL = "denial", _("剥夺资源、机会或服务")
    PSYCHOLOGICAL = "psychological", _("心理/情感虐待")


SEXUAL_GBV_TYPES = (GbvType.RAPE, GbvType.SEXUAL_ASSAULT)


class PartyRole(models.TextChoices):
    VICTIM = "victim", _("受害人")
    RESPONDENT = "respondent", _("被反映人/施暴人")
    CHILD = "child", _("涉及儿童")
    WITNESS = "witness", _("证人")
    GUARDIAN = "guardian", _("监护人")
    OTHER = "other", _("其他相关人")


class DueState(models.TextChoices):
    NONE = "none", _("无期限")
    OK = "ok", _("正常")
    SOON = "soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("小时")
    DAYS = "days", _("自然日")
    WORKING_DAYS = "working_days", _("工作日")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class AgencyKind(models.TextChoices):
    POLICE = "police", _("公安机关")
    COURT = "court", _("人民法院")
    PROCURATORATE = "procuratorate", _("人民检察院")
    LEGAL_AID = "legal_aid", _("司法行政/法律援助")
    CIVIL_AFFAIRS = "civil_affairs", _("民政/社会救助")
    SHELTER = "shelter", _("庇护机构")
    HEALTH = "health", _("医疗卫生")
    HUMAN_RESOURCES = "human_resources", _("人力资源和社会保障")
    EDUCATION = "education", _("教育部门/学校")
    PSYCHOLOGY = "psychology", _("心理服务机构")
    SOCIAL_ORG = "social_org", _("社会组织")
    OTHER = "other", _("其他部门")


# Which consent (people.ConsentPurpose) a referral to each kind of agency needs.
AGENCY_CONSENT_PURPOSE = {
    AgencyKind.POLICE: "share_police",
    AgencyKind.COURT: "share_court",
    AgencyKind.PROCURATORATE: "share_court",
    AgencyKind.LEGAL_AID: "share_legal_aid",
    AgencyKind.CIVIL_AFFAIRS: "share_civil_affairs",
    AgencyKind.SHELTER: "share_shelter",
    AgencyKind.HEALTH: "share_health",
    AgencyKind.HUMAN_RESOURCES: "share_hr",
    AgencyKind.EDUCATION: "share_education",
    AgencyKind.PSYCHOLOGY: "share_psychology",
    AgencyKind.SOCIAL_ORG: "share_social_org",
    AgencyKind.OTHER: "share_social_org",
}


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    DECLINED = "declined", _("已退回")
    REPORTED = "reported", _("已反馈")
    CLOSED = "closed", _("已完结")
    WITHDRAWN = "withdrawn", _("已撤回")


REFERRAL_OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.REPORTED)


class MediationMode(models.TextChoices):
    FEDERATION = "federation", _("妇联调解")
    ADMINISTRATIVE = "administrative", _("行政调解")
    ARBITRATION = "arbitration", _("仲裁调解")
    COURT_ENTRUSTED = "court_entrusted", _("法院委托调解")


class MediationOutcome(models.TextChoices):
    AGREED = "agreed", _("达成协议")
    PARTIAL = "partial", _("部分达成")
    CONTINUE = "continue", _("继续调解")
    FAILED = "failed", _("调解不成")


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("登记")
    UPDATED = "updated", _("修改信息")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("不予受理")
    ASSIGNED = "assigned", _("分派")
    STARTED = "started", _("开始办理")
    NOTE = "note", _("办理记录")
    RESOLVED = "resolved", _("办结")
    FOLLOWED_UP = "followed_up", _("回访")
    CLOSED = "closed", _("结案")
    REOPENED = "reopened", _("重新办理")
    PASSED_DOWN = "passed_down", _("交办下级")
    ESCALATED = "escalated", _("上报上级")
    TRANSFERRED = "transferred", _("转办")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_REJECTED = "extension_rejected", _("驳回延期")
    REFERRED = "referred", _("转介")
    REFERRAL_ACCEPTED = "referral_accepted", _("机构接收转介")
    REFERRAL_DECLINED = "referral_declined", _("机构退回转介")
    REFERRAL_REPORTED = "referral_reported", _("机构反馈办理情况")
    REFERRAL_CLOSED = "referral_closed", _("转介完结")
    REFERRAL_WITHDRAWN = "referral_withdrawn", _("撤回转介")
    REFERRAL_URGED = "referral_urged", _("督促机构办理")
    MEDIATION = "mediation", _("调解")
    ATTACHMENT = "attachment", _("上传附件")
    PARTY_ADDED = "party_added", _("添加当事人")
    DUE_SOON = "due_soon", _("即将到期提醒")
    OVERDUE = "overdue", _("超期提醒")
    REPEAT = "repeat", _("重复诉求")


STATUS_LABELS = dict(Status.choices)
REFERRAL_STATUS_LABELS = dict(ReferralStatus.choices)


def status_label(kind: str, status: str) -> str:
    """A referral step moves the referral's status, every other step the case's."""
    labels = REFERRAL_STATUS_LABELS if kind.startswith("referral_") else STATUS_LABELS
    return str(labels.get(status, ""))
