"""Closed lists of the protection app. Labels are what staff read; values are stored."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    # Ordered from low to high: LEVEL_RANK gives the comparison.
    STANDARD = "standard", _("一般风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


LEVEL_RANK = {RiskLevel.STANDARD: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("是/否")
    YES_NO_UNKNOWN = "yes_no_unknown", _("是/否/不清楚")


class ApplicantKind(models.TextChoices):
    VICTIM = "victim", _("受害人本人")
    FEDERATION = "federation", _("妇女联合会")
    POLICE = "police", _("公安机关")
    COMMITTEE = "committee", _("居民委员会/村民委员会")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门/救助管理机构")
    RELATIVE = "relative", _("近亲属")
    OTHER = "other", _("其他依法可代为申请的组织")


class OrderStatus(models.TextChoices):
    PREPARING = "preparing", _("准备申请")
    APPLIED = "applied", _("已提交申请")
    ACCEPTED = "accepted", _("法院已受理")
    GRANTED = "granted", _("已签发")
    PARTLY = "partly", _("部分支持")
    REFUSED = "refused", _("驳回申请")
    WITHDRAWN = "withdrawn", _("已撤回")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已失效")


# An order in one of these states protects someone now (until effective_until).
ORDER_IN_FORCE = (OrderStatus.GRANTED, OrderStatus.PARTLY)


class OrderChange(models.TextChoices):
    # The typed timeline of an order: its application steps, then the changes after the ruling.
    CREATED = "created", _("登记")
    APPLIED = "applied", _("提交申请")
    ACCEPTED = "accepted", _("法院受理")
    RULED = "ruled", _("作出裁定")
    WITHDRAWN = "withdrawn", _("撤回申请")
    EXPIRED = "expired", _("期满失效")
    EXTENSION = "extension", _("延长")
    VARIATION = "variation", _("变更")
    REVOCATION = "revocation", _("撤销")
    RECONSIDERATION = "reconsideration", _("复议")


class Sanction(models.TextChoices):
    PENDING = "pending", _("待处理")
    NONE = "none", _("未处罚")
    REPRIMAND = "reprimand", _("训诫")
    FINE = "fine", _("罚款")
    DETENTION = "detention", _("拘留")
    CRIMINAL = "criminal", _("追究刑事责任")


class InjurySeverity(models.TextChoices):
    NONE = "none", _("未构成轻微伤")
    SLIGHT = "slight", _("轻微伤")
    MINOR = "minor", _("轻伤")
    SERIOUS = "serious", _("重伤")
    PENDING = "pending", _("鉴定中")


class VisitState(models.TextChoices):
    DUE = "due", _("待回访")
    DONE = "done", _("已回访")
    UNREACHABLE = "unreachable", _("未联系上")
    MISSED = "missed", _("逾期未回访")
    CANCELLED = "cancelled", _("已取消")


class VisitMode(models.TextChoices):
    PHONE = "phone", _("电话回访")
    IN_PERSON = "in_person", _("上门回访")


class SafeAnswer(models.TextChoices):
    SAFE = "safe", _("安全")
    UNSAFE = "unsafe", _("不安全")
    UNKNOWN = "unknown", _("无法判断")


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("回访中")
    ENDED = "ended", _("已结束")


class StayDestination(models.TextChoices):
    HOME = "home", _("返回原住所")
    RELATIVES = "relatives", _("投靠亲友")
    NEW_HOME = "new_home", _("另行租住/新住所")
    OTHER_SHELTER = "other_shelter", _("转其他庇护/救助机构")
    OTHER = "other", _("其他")


class ReporterKind(models.TextChoices):
    SCHOOL = "school", _("学校")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    MEDICAL = "medical", _("医疗机构")
    COMMITTEE = "committee", _("居民委员会/村民委员会")
    SOCIAL_WORK = "social_work", _("社会工作服务机构")
    RELIEF = "relief", _("救助管理机构")
    WELFARE = "welfare", _("福利机构")
    OTHER = "other", _("其他")


class ReportStatus(models.TextChoices):
    NEW = "new", _("待处理")
    CASE = "case", _("已立案/并案")
    DISMISSED = "dismissed", _("经核实不予立案")


class AlertLevel(models.TextChoices):
    RED = "red", _("红色")
    ORANGE = "orange", _("橙色")
    YELLOW = "yellow", _("黄色")


ALERT_RANK = {AlertLevel.RED: 0, AlertLevel.ORANGE: 1, AlertLevel.YELLOW: 2}


class AlertAudience(models.TextChoices):
    WORKER = "worker", _("承办人")
    LEADER = "leader", _("单位负责人")
    BOTH = "both", _("承办人和单位负责人")


class AlertResolves(models.TextChoices):
    # How a rule's warnings end: by themselves once the check no longer finds the danger, or
    # only by a person's recorded decision (an event such as a breach does not "stop").
    CONDITION = "condition", _("情形消除时自动解除")
    MANUAL = "manual", _("须人工处置后解除")


class RecurrenceAction(models.TextChoices):
    REOPEN = "reopen", _("重新办理原个案")
    NEW_CASE = "new_case", _("登记新的关联个案")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待签收")
    ACKNOWLEDGED = "acknowledged", _("处置中")
    RESOLVED = "resolved", _("已解除")


class CampaignKind(models.TextChoices):
    ROUTINE = "routine", _("日常排查")
    PERIODIC = "periodic", _("定期排查")
    SPECIAL = "special", _("专项排查")


class CampaignTargets(models.TextChoices):
    COMMUNITIES = "community", _("全部村（社区）妇联")
    TOWNSHIPS = "township", _("全部乡镇（街道）妇联")
    COUNTIES = "county", _("全部县（区）妇联")
    CHILDREN = "children", _("直属下级单位")


class DisputeKind(models.TextChoices):
    VIOLENCE = "violence", _("家庭暴力")
    MARRIAGE = "marriage", _("婚姻家庭纠纷")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    PROPERTY = "property", _("财产/继承纠纷")
    LAND = "land", _("土地/宅基地纠纷")
    LABOUR = "labour", _("劳动权益纠纷")
    OTHER = "other", _("其他")


class DisputeRisk(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高（可能激化）")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("化解中")
    RESOLVED = "resolved", _("已化解")
    CASE = "case", _("已转为个案")
    MEDIATION = "mediation", _("已转入调解")


class ScreeningReportStatus(models.TextChoices):
    PENDING = "pending", _("未上报")
    SUBMITTED = "submitted", _("已上报")


class OpinionSource(models.TextChoices):
    MEDIA = "media", _("新闻媒体")
    ONLINE = "online", _("网络平台")
    PETITION = "petition", _("信访")
    OTHER = "other", _("其他")


class OpinionLevel(models.TextChoices):
    GENERAL = "general", _("一般")
    LARGE = "large", _("较大")
    MAJOR = "major", _("重大")


class OpinionStatus(models.TextChoices):
    OPEN = "open", _("处置中")
    CLOSED = "closed", _("已办结")
