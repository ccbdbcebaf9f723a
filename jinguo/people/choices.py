from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "F", _("女")
    MALE = "M", _("男")
    UNKNOWN = "U", _("未知")


class IdType(models.TextChoices):
    RESIDENT = "resident", _("居民身份证")
    HK_MO_TW = "hmt", _("港澳台居民居住证/通行证")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")
    PASSPORT = "passport", _("护照")
    NONE = "none", _("无证件")


class Registration(models.TextChoices):
    LOCAL = "local", _("本地户籍")
    FLOATING = "floating", _("流动人口")
    OTHER = "other", _("其他")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("未婚")
    MARRIED = "married", _("已婚")
    DIVORCED = "divorced", _("离异")
    WIDOWED = "widowed", _("丧偶")
    SEPARATED = "separated", _("分居")
    UNKNOWN = "unknown", _("不详")


class Education(models.TextChoices):
    NONE = "none", _("未上学")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")
    UNKNOWN = "unknown", _("不详")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("在职")
    SELF_EMPLOYED = "self", _("个体/灵活就业")
    FARMING = "farming", _("务农")
    UNEMPLOYED = "unemployed", _("失业")
    STUDENT = "student", _("在校学生")
    RETIRED = "retired", _("退休")
    NOT_WORKING = "not_working", _("无业/家务")
    UNKNOWN = "unknown", _("不详")


class Disability(models.TextChoices):
    NONE = "none", _("无")
    PHYSICAL = "physical", _("肢体残疾")
    VISUAL = "visual", _("视力残疾")
    HEARING = "hearing", _("听力/言语残疾")
    INTELLECTUAL = "intellectual", _("智力残疾")
    MENTAL = "mental", _("精神残疾")
    MULTIPLE = "multiple", _("多重残疾")


class LivingSituation(models.TextChoices):
    WITH_FAMILY = "family", _("与家人同住")
    LEFT_BEHIND = "left_behind", _("留守")
    ALONE = "alone", _("独居")
    WITH_GRANDPARENTS = "grandparents", _("隔代抚养")
    INSTITUTION = "institution", _("机构供养")
    OTHER = "other", _("其他")


class Relationship(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GUARDIAN = "guardian", _("监护人")
    GRANDCHILD = "grandchild", _("孙子女")
    OTHER = "other", _("其他")


class VisitMethod(models.TextChoices):
    HOME = "home", _("入户走访")
    PHONE = "phone", _("电话")
    ONLINE = "online", _("微信/网络")
    AT_OFFICE = "office", _("来访（妇女之家）")
    OTHER = "other", _("其他")


class ConsentPurpose(models.TextChoices):
    PROCESSING = "processing", _("个人信息处理")
    SHARE_POLICE = "share_police", _("向公安机关提供")
    SHARE_COURT = "share_court", _("向法院、检察院提供")
    SHARE_LEGAL_AID = "share_legal_aid", _("向司法行政、法律援助机构提供")
    SHARE_CIVIL_AFFAIRS = "share_civil_affairs", _("向民政、救助机构提供")
    SHARE_SHELTER = "share_shelter", _("向庇护机构提供")
    SHARE_HEALTH = "share_health", _("向医疗卫生机构提供")
    SHARE_EDUCATION = "share_education", _("向教育部门、学校提供")
    SHARE_HR = "share_hr", _("向人社部门提供")
    SHARE_PSYCHOLOGY = "share_psychology", _("向心理服务机构提供")
    SHARE_SOCIAL_ORG = "share_social_org", _("向社会组织、志愿者提供")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("书面签字")
    ORAL = "oral", _("口头（有记录）")
    ELECTRONIC = "electronic", _("电子确认")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("导入中")
    FAILED = "failed", _("校验未通过")
    DONE = "done", _("已完成")
    ERROR = "error", _("系统错误")
