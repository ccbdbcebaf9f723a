"""The words of the demo cases: partner agencies, appeal scenarios and the notes workers write.

All fictional. Summaries carry no names or numbers, as the intake form asks.
"""

import random
from dataclasses import dataclass

from jinguo.cases.choices import AgencyKind as K
from jinguo.cases.choices import FollowUpResult, GbvType, MediationOutcome, Outcome, Urgency


@dataclass(frozen=True)
class AgencyRow:
    username: str
    real_name: str
    title: str
    unit: str
    kind: str
    name: str
    contact: str
    phone: str
    address: str
    services: str


# One account per agency; city agencies serve every unit, district ones their district.
AGENCIES = [
    AgencyRow("police", "郑警官", "春晖派出所社区民警", "990101", K.POLICE,
              "和平区公安分局春晖派出所", "郑警官", "8811 0110", "示范市和平区春晖路 18 号",
              "接警处置家庭暴力，出具告诫书，协助申请人身安全保护令。"),
    AgencyRow("police2", "冯警官", "明德派出所社区民警", "990102", K.POLICE,
              "新华区公安分局明德派出所", "冯警官", "8822 0110", "示范市新华区明德大街 66 号",
              "接警处置家庭暴力，出具告诫书，协助调查取证。"),
    AgencyRow("court", "罗法官", "家事审判庭法官", "990101", K.COURT,
              "和平区人民法院家事审判庭", "罗法官", "8811 2300", "示范市和平区法院路 1 号",
              "人身安全保护令、离婚及抚养纠纷的审理，委托妇联调解。"),
    AgencyRow("procurator", "梁检察官", "未成年人检察检察官", "9901", K.PROCURATORATE,
              "示范市人民检察院未成年人检察部", "梁检察官", "8800 1209", "示范市中心大道 9 号",
              "侵害未成年人和妇女权益案件的法律监督，公益诉讼。"),
    AgencyRow("legalaid", "宋律师", "法律援助律师", "9901", K.LEGAL_AID,
              "示范市法律援助中心", "宋律师", "8800 12348", "示范市人民路 120 号",
              "法律咨询、代写文书，经济困难和家庭暴力受害妇女的诉讼代理。"),
    AgencyRow("legalaid2", "唐律师", "法律援助工作站律师", "990102", K.LEGAL_AID,
              "新华区法律援助工作站", "唐律师", "8822 12348", "示范市新华区明德大街 30 号",
              "法律咨询和法律援助申请受理。"),
    AgencyRow("relief", "韩主任", "救助管理站主任", "9901", K.CIVIL_AFFAIRS,
              "示范市救助管理站", "韩主任", "8800 3100", "示范市北环路 200 号",
              "临时救助、最低生活保障申请指导，困境儿童保障。"),
    AgencyRow("shelter", "曹社工", "庇护中心社工", "9901", K.SHELTER,
              "示范市反家庭暴力庇护中心", "曹社工", "8800 3101", "地址保密（经妇联转介入住）",
              "家庭暴力受害人及其子女的临时庇护、心理支持和安全计划。"),
    AgencyRow("hospital", "许医生", "妇女保健科医生", "9901", K.HEALTH,
              "示范市妇幼保健院", "许医生", "8800 5120", "示范市健康路 8 号",
              "伤情诊治和病历记录，两癌筛查，孕产期保健。"),
    AgencyRow("hrbureau", "袁科长", "劳动保障监察科长", "9901", K.HUMAN_RESOURCES,
              "示范市劳动保障监察支队", "袁科长", "8800 12333", "示范市人民路 88 号",
              "女职工特殊劳动保护、拖欠工资和就业歧视的投诉处理。"),
    AgencyRow("education", "邓老师", "学生资助和安全科", "9901", K.EDUCATION,
              "示范市教育局学生资助和安全科", "邓老师", "8800 6600", "示范市文昌路 2 号",
              "控辍保学、学生资助、校园安全和家庭教育指导。"),
    AgencyRow("psychology", "彭老师", "心理咨询师", "9901", K.PSYCHOLOGY,
              "示范市心理援助中心", "彭老师", "8800 4525", "示范市健康路 16 号",
              "心理评估、危机干预和个体心理咨询。"),
    AgencyRow("socialorg", "蒋社工", "项目主管", "9901", K.SOCIAL_ORG,
              "示范市暖心巾帼社会工作服务中心", "蒋社工", "8800 7700", "示范市滨江路 58 号",
              "个案社会工作、单亲母亲互助小组、儿童托管和陪伴。"),
    AgencyRow("disabledfed", "吕主任", "残联维权部主任", "9901", K.OTHER,
              "示范市残疾人联合会维权部", "吕主任", "8800 8800", "示范市民生路 10 号",
              "残疾妇女的维权、康复和就业帮扶。"),
]  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    code: str  # category code (a sub-category where there is one)
    summary: str
    narrative: str
    outcome: str
    agencies: tuple = ()
    gbv: tuple = ()
    urgency: str = Urgency.NORMAL
    respondent: str = ""
    note: str = ""
    minor: bool = False
    child: str = ""
    mediation: bool = False
    mediation_parties: str = ""
    statements: str = ""
    agreement: str = ""
    weight: int = 3

    @property
    def sensitive(self) -> bool:
        return self.minor or self.code.startswith("children") or bool(self.gbv)

    @property
    def victim_is_complainant(self) -> bool:
        return bool(self.gbv) and not self.minor


DV_AGREEMENT = (
    "一、男方保证今后不再实施任何形式的家庭暴力，不辱骂、威胁女方；二、家庭收入由双方共同"
    "管理，男方每月按时交付家用；三、男方参加社区组织的家庭教育课程；四、社区妇联每月回访一次。"
)
SCENARIOS = [
    Scenario("family-violence", "丈夫酒后多次殴打，要求制止家暴",
             "来电人称丈夫近半年来酒后多次动手，最近一次把她推倒在地，手臂有淤青，孩子受到惊吓。"
             "她暂时不想离婚，希望丈夫不再动手，询问能否申请人身安全保护令。",
             Outcome.REFERRED, (K.POLICE, K.LEGAL_AID), (GbvType.PHYSICAL,),
             respondent="丈夫，约40岁", note="已电话联系求助人，确认目前人身安全，告知紧急情况拨打110。",
             weight=10),
    Scenario("family-violence", "正在遭受殴打，躲在邻居家求助",
             "来电人声音颤抖，称丈夫喝酒后砸东西并打她，她带着孩子躲到邻居家，不敢回家。",
             Outcome.REFERRED, (K.POLICE, K.SHELTER), (GbvType.PHYSICAL,), Urgency.URGENT,
             respondent="丈夫，约35岁，酒后易冲动", note="已联系辖区派出所出警，求助人和孩子暂住亲戚家。",
             weight=5),
    Scenario("family-violence", "丈夫长期辱骂并限制外出",
             "求助人反映丈夫长期辱骂、贬低她，不许她与朋友来往，查看她的手机，她感到焦虑失眠。",
             Outcome.COUNSELLING, (K.PSYCHOLOGY, K.LEGAL_AID), (GbvType.PSYCHOLOGICAL,),
             respondent="丈夫，约45岁", weight=6),
    Scenario("family-violence", "丈夫控制全部收入，不给生活费",
             "求助人全职照顾两个孩子，丈夫掌握全部收入，拒绝给生活费和孩子的学费，还扣押她的证件。",
             Outcome.LEGAL_AID, (K.LEGAL_AID, K.CIVIL_AFFAIRS), (GbvType.DENIAL,),
             respondent="丈夫，约40岁", weight=4),
    Scenario("family-violence", "申请人身安全保护令需要帮助",
             "求助人此前已向派出所报警，民警出具过告诫书，但对方仍上门骚扰，她想申请人身安全保护令，"
             "不知道需要准备哪些材料。",
             Outcome.LEGAL_AID, (K.COURT, K.LEGAL_AID), (GbvType.PHYSICAL, GbvType.PSYCHOLOGICAL),
             respondent="前夫，约38岁", weight=5),
    Scenario("family-violence", "儿子儿媳对老人打骂",
             "老人反映与儿子儿媳同住，常因家务被打骂，不给吃饱，希望妇联帮忙。",
             Outcome.MEDIATED, (K.POLICE,), (GbvType.PHYSICAL,), respondent="儿子和儿媳",
             mediation=True, mediation_parties="求助人、其子及儿媳",
             statements="儿子承认有推搡行为，称因照顾压力大；儿媳表示愿意改善。",
             agreement="儿子儿媳保证不再打骂老人，保障老人饮食起居，每月给付生活费，社区每月回访。",
             weight=2),
    Scenario("family-violence", "家暴后想离婚，担心孩子抚养权",
             "求助人多次遭受丈夫殴打，决定离婚，担心丈夫争夺孩子抚养权，也没有收入来源。",
             Outcome.LEGAL_AID, (K.LEGAL_AID, K.COURT), (GbvType.PHYSICAL,),
             respondent="丈夫，约36岁", weight=4),
    Scenario("family-violence", "被丈夫打伤，需要验伤和就医",
             "求助人昨晚被丈夫用拳头打伤面部和手臂，想去医院检查并保留伤情记录，担心以后打官司没有证据。",
             Outcome.REFERRED, (K.HEALTH, K.POLICE), (GbvType.PHYSICAL,), Urgency.PRIORITY,
             respondent="丈夫，约42岁", weight=3),
    Scenario("family-violence", "带孩子离家无处可去，需要临时庇护",
             "求助人长期遭受丈夫殴打，昨天带着6岁的女儿离家，身上只有少量现金，娘家在外省。",
             Outcome.REFERRED, (K.SHELTER, K.LEGAL_AID), (GbvType.PHYSICAL, GbvType.DENIAL),
             Urgency.PRIORITY, respondent="丈夫，约38岁", weight=2),
    Scenario("personal-sexual", "在单位遭受上司性骚扰",
             "求助人称部门主管多次发送骚扰信息、借故单独约见并有不当触碰，她向公司反映后被调岗。",
             Outcome.REFERRED, (K.POLICE, K.HUMAN_RESOURCES), (GbvType.SEXUAL_ASSAULT,),
             respondent="所在公司部门主管", weight=2),
    Scenario("personal-sexual", "女儿疑似遭受性侵害",
             "母亲来电，称14岁的女儿近来情绪异常，透露曾被邻居成年男子猥亵。",
             Outcome.REFERRED, (K.POLICE, K.PROCURATORATE, K.HEALTH), (GbvType.SEXUAL_ASSAULT,),
             Urgency.URGENT, respondent="邻居，成年男子", minor=True, child="女儿，14岁",
             weight=1),
    Scenario("personal-trafficking", "外地女子疑似被骗婚后限制离开",
             "网格员反映一名外地女子经介绍嫁到本地，称证件被扣、不许离开，想回老家。",
             Outcome.REFERRED, (K.POLICE, K.CIVIL_AFFAIRS), (GbvType.FORCED_MARRIAGE,),
             Urgency.PRIORITY, respondent="所谓“丈夫”及其家人", weight=1),
    Scenario("personal-dignity", "隐私照片被前男友发到网上",
             "求助人与前男友分手后，对方把她的私人照片发到同学群里并威胁继续散布。",
             Outcome.REFERRED, (K.POLICE, K.PSYCHOLOGY), respondent="前男友，约25岁", weight=2),
    Scenario("labour-rights", "怀孕后被公司辞退",
             "求助人怀孕四个月，公司以“业务调整”为由通知她下月离职，不给任何补偿。",
             Outcome.REFERRED, (K.HUMAN_RESOURCES, K.LEGAL_AID), respondent="所在公司", weight=5),
    Scenario("labour-rights", "做家政工被拖欠三个月工资",
             "求助人在一家家政公司做保洁，公司已拖欠三个月工资，老板不接电话。",
             Outcome.REFERRED, (K.HUMAN_RESOURCES,), respondent="某家政服务公司", weight=3),
    Scenario("labour-discrimination", "招聘时被要求承诺三年内不生育",
             "求助人应聘文员，面试时被要求签署三年内不生育的承诺书，否则不予录用。",
             Outcome.REFERRED, (K.HUMAN_RESOURCES,), respondent="某贸易公司", weight=2),
    Scenario("labour-security", "生育津贴申领遇到困难",
             "求助人生育后申领生育津贴，单位迟迟不提交材料，她不清楚自己能否直接申领。",
             Outcome.ANSWERED, (K.HUMAN_RESOURCES,), weight=2),
    Scenario("property-land", "出嫁后村里收回土地承包地",
             "求助人出嫁后户口仍在本村，村里在调整土地时收回了她的承包地，不再分配征地补偿款。",
             Outcome.LEGAL_AID, (K.LEGAL_AID,), respondent="村民小组", weight=3),
    Scenario("property-housing", "离婚后被前夫家人赶出住房",
             "离婚判决房屋归双方共有，前夫家人换了门锁，不让求助人和孩子回家居住。",
             Outcome.LEGAL_AID, (K.LEGAL_AID, K.COURT), respondent="前夫及其父母", weight=2),
    Scenario("property-inheritance", "兄弟不让分父母遗产",
             "父母去世后留下一套老房，兄弟认为“出嫁女没有份”，拒绝分割。",
             Outcome.MEDIATED, (), respondent="两个哥哥", mediation=True,
             mediation_parties="求助人及其两个哥哥",
             statements="哥哥认为房子应由儿子继承；经讲解继承法，男女享有平等继承权。",
             agreement="老房由长兄居住，长兄按评估价给付求助人其应得份额，分两期付清。", weight=3),
    Scenario("family-dispute", "婆媳矛盾激化，希望调解",
             "求助人与婆婆因带孩子和家务分工长期争吵，丈夫夹在中间，家里气氛紧张。",
             Outcome.MEDIATED, (), respondent="婆婆", mediation=True,
             mediation_parties="求助人、丈夫及婆婆",
             statements="婆婆认为儿媳不尊重长辈；儿媳认为婆婆干涉过多。双方都愿意为孩子改善关系。",
             agreement="一、孩子的教育以父母为主，婆婆协助接送；二、家务按周排班；三、每周全家聚餐一次。",
             weight=8),
    Scenario("family-dispute", "夫妻因赡养老人发生矛盾",
             "求助人与丈夫因是否接公公来同住争执不下，丈夫多次摔门离家。",
             Outcome.MEDIATED, (), respondent="丈夫", mediation=True,
             mediation_parties="求助人及丈夫", statements="双方都同意照顾老人，分歧在居住安排。",
             agreement="老人由兄弟三家轮流照顾，每家四个月，费用均摊。", weight=4),
    Scenario("family-interference", "父母强迫女儿与他人订婚",
             "求助人22岁，父母收了对方彩礼，强迫她与不认识的男子订婚，她不同意。",
             Outcome.MEDIATED, (), respondent="求助人的父母", mediation=True,
             mediation_parties="求助人及其父母", statements="父母认为对方家境好；求助人坚持婚姻自主。",
             agreement="父母尊重女儿的婚姻自主，退还彩礼，不再干涉。", weight=2),
    Scenario("family-affair", "丈夫长期与他人同居",
             "求助人反映丈夫在外与他人同居一年多，很少回家，也不给家用，她想了解自己的权利。",
             Outcome.LEGAL_AID, (K.LEGAL_AID,), respondent="丈夫", weight=3),
    Scenario("family-divorce", "咨询离婚财产分割和孩子抚养",
             "求助人准备协议离婚，想了解婚后购买的房屋如何分割、孩子抚养费如何确定。",
             Outcome.ANSWERED, (), weight=5),
    Scenario("family-custody", "前夫拒付孩子抚养费",
             "离婚后孩子随求助人生活，前夫一年多未支付判决确定的抚养费。",
             Outcome.LEGAL_AID, (K.COURT, K.LEGAL_AID), respondent="前夫", weight=3),
    Scenario("family-cohabitation", "同居分手后对方索要财物",
             "求助人与男友同居两年后分手，对方索要恋爱期间的转账和礼物，并到她单位吵闹。",
             Outcome.MEDIATED, (), respondent="前男友", mediation=True,
             mediation_parties="求助人及其前男友", statements="双方对部分转账的性质有争议。",
             agreement="求助人返还共同购买的家电折价款，双方不再以任何方式纠缠对方。", weight=2),
    Scenario("children-neglect", "邻居孩子父母外出，无人照看",
             "网格员发现一名9岁男孩父母外出务工，跟着年迈的奶奶生活，经常一个人在外游荡到深夜。",
             Outcome.RELIEF, (K.CIVIL_AFFAIRS, K.SOCIAL_ORG), minor=True, child="男孩，9岁",
             weight=2),
    Scenario("children-education", "女儿被要求辍学打工",
             "求助人的丈夫要求读初二的女儿辍学去亲戚店里打工，女儿想继续上学。",
             Outcome.REFERRED, (K.EDUCATION,), respondent="孩子父亲", minor=True,
             child="女儿，14岁", weight=2),
    Scenario("children-abuse", "怀疑孩子被继父打",
             "学校老师发现一名小学生身上多处淤青，孩子说是继父打的，母亲不敢报警。",
             Outcome.REFERRED, (K.POLICE, K.EDUCATION, K.PROCURATORATE), (GbvType.PHYSICAL,),
             Urgency.URGENT, respondent="孩子的继父", minor=True, child="男孩，10岁", weight=1),
    Scenario("children-abuse", "受侵害儿童家庭生活困难，申请司法救助",
             "女儿遭受侵害的案件已进入司法程序，求助人为孩子治疗花光积蓄，询问能否获得救助。",
             Outcome.RELIEF, (K.PROCURATORATE, K.CIVIL_AFFAIRS), (GbvType.PHYSICAL,),
             respondent="已被追诉的侵害人", minor=True, child="女儿，12岁", weight=1),
    Scenario("consultation", "咨询人身安全保护令的申请流程",
             "来电人询问人身安全保护令向哪里申请、需要什么证据、多久能拿到。",
             Outcome.ANSWERED, (), weight=5),
    Scenario("consultation", "咨询产假和哺乳假规定",
             "来电人询问本省产假天数、哺乳假和生育津贴的规定。", Outcome.ANSWERED, (), weight=4),
    Scenario("other", "单亲母亲生活困难申请帮扶",
             "求助人离婚后独自抚养两个孩子，失业半年，房租和孩子学费都成问题。",
             Outcome.RELIEF, (K.CIVIL_AFFAIRS, K.SOCIAL_ORG), weight=4),
    Scenario("other", "留守妇女希望参加互助小组和技能培训",
             "求助人丈夫常年在外务工，她独自照顾老人孩子，情绪压抑，希望认识更多姐妹、学一门手艺。",
             Outcome.RELIEF, (K.SOCIAL_ORG,), weight=2),
    Scenario("other", "残疾妇女被拒绝参加技能培训",
             "求助人肢体残疾，报名街道组织的家政培训时被以“不方便”为由拒绝。",
             Outcome.REFERRED, (K.OTHER, K.HUMAN_RESOURCES), respondent="培训承办机构", weight=2),
    Scenario("political", "村委会选举中女性候选人被排斥",
             "求助人反映村委会换届时，有人私下劝说村民不要投票给女性候选人。",
             Outcome.OTHER, (), weight=1),
    Scenario("culture", "女儿报名职业培训被以性别为由拒绝",
             "求助人的女儿报名汽车维修培训班，被告知“只招男生”。",
             Outcome.ANSWERED, (K.EDUCATION,), weight=1),
]  # fmt: skip

DECLINE_REASONS = [
    "属于民间借贷纠纷，不属于妇女权益保障事项，已告知可向人民法院起诉。",
    "同一事项已由人民法院立案审理，已告知等待审理结果并可申请法律援助。",
    "来信未留联系方式，内容无法核实，暂不受理；如再次来信留下联系方式将重新受理。",
    "同一事项已由区信访部门受理办理，已告知办理单位和联系方式。",
    "属于物业服务纠纷，已告知向街道物业管理部门反映。",
]
PASS_NOTES = [
    "属地管理，交由所在地妇联办理。",
    "求助人居住在辖区内，请尽快联系核实。",
    "请按期限受理并及时反馈办理情况。",
]
ACCEPT_NOTE = "符合受理条件，予以受理。"
FIRST_CONTACT = "已电话联系求助人，了解具体情况并告知办理流程。"
GRID_NOTE = "网格员上报，社区妇联接手办理。"
TRANSFER_NOTE = "求助人户籍和居住地均在新华区，转请新华区妇联办理。"
ESCALATE_NOTE = "涉及多个部门协调，街道层面难以解决，请区妇联统筹。"
REOPEN_NOTE = "回访不满意，重新办理：再次约谈双方，联系相关部门跟进。"
MEDIATORS = ["人民调解员王建华", "社区法律顾问刘律师", "执委张桂英", "巾帼志愿者陈淑珍"]
MEDIATION_PLACE = {
    "weiquan": "和平区妇联婚姻家庭纠纷调解室",
    "weiquan2": "新华区妇联调解室",
    "weiquan3": "滨江区妇联调解室",
    "jiedao": "春晖街道妇女之家调解室",
    "chair": "芳草社区妇女之家",
    "chair2": "桃李社区妇女之家",
}
MEDIATION_OUTCOMES = [
    MediationOutcome.AGREED,
    MediationOutcome.PARTIAL,
    MediationOutcome.CONTINUE,
    MediationOutcome.FAILED,
]
AGREEMENT_OUTCOMES = (MediationOutcome.AGREED, MediationOutcome.PARTIAL)
EXTENSION_REASONS = [
    "需等待法院审理结果后再行办结。",
    "涉及多个部门协调，相关部门尚未反馈。",
    "当事人在外地务工，约谈时间需要延后。",
]
EXTENSION_DECISIONS = {
    "approved": "同意延期 30 天，请抓紧协调。",
    "rejected": "不同意延期，请按原期限办结，确有困难可上报。",
}
OUTCOME_NOTES = {
    Outcome.MEDIATED: "经调解双方达成协议，已签订调解协议书，约定一个月后回访。",
    Outcome.REFERRED: "已转介相关部门处理并收到办理反馈，求助人对处理结果知情。",
    Outcome.LEGAL_AID: "已协助求助人申请法律援助，援助律师已介入。",
    Outcome.ANSWERED: "已详细解答相关政策和法律规定，并告知后续可寻求帮助的渠道。",
    Outcome.COUNSELLING: "已安排心理咨询师提供疏导，求助人情绪明显好转。",
    Outcome.RELIEF: "已协助申请临时救助，并链接社会组织提供持续帮扶。",
    Outcome.OTHER: "已向有关部门反映情况，相关部门已作出说明并整改。",
}
FOLLOW_UP_NOTES = {
    FollowUpResult.CLOSED: "电话回访，求助人表示问题已解决，对办理过程认可。",
    FollowUpResult.REOPENED: "电话回访，求助人表示对方仍未履行约定，要求继续办理。",
    FollowUpResult.ESCALATED: "回访中求助人反映问题复杂，需上级协调。",
    FollowUpResult.UNREACHABLE: "连续三天电话回访均无人接听，短信告知后结案。",
}
REFERRAL_REQUESTS = {
    K.POLICE: "请核实家庭暴力情况，依法处置，必要时出具告诫书，并协助固定证据。",
    K.COURT: "当事人拟申请人身安全保护令（或提起诉讼），请依法受理并提供诉讼指导。",
    K.PROCURATORATE: "涉及侵害未成年人权益，请依法开展监督并协调相关部门保护。",
    K.LEGAL_AID: "当事人经济困难，请提供法律咨询并审查是否符合法律援助条件。",
    K.CIVIL_AFFAIRS: "当事人生活困难，请评估临时救助和最低生活保障条件。",
    K.SHELTER: "当事人及其子女需临时庇护，请安排入住并制定安全计划。",
    K.HEALTH: "请为当事人提供检查诊治，并规范记录伤情以备作为证据。",
    K.HUMAN_RESOURCES: "涉及女职工劳动权益，请依法调查处理。",
    K.EDUCATION: "涉及未成年人受教育权，请联系学校和家长做好控辍保学工作。",
    K.PSYCHOLOGY: "当事人情绪低落、焦虑，请安排心理评估和咨询。",
    K.SOCIAL_ORG: "请安排社工上门，提供个案跟进和互助小组服务。",
    K.OTHER: "请依职责协助维护当事人的合法权益。",
}
REFERRAL_REPORTS = {
    K.POLICE: "已出警调查，对施暴人进行训诫并出具告诫书，已通知社区居委会做好回访。",
    K.COURT: "已受理当事人的申请，72 小时内作出裁定，已签发人身安全保护令。",
    K.PROCURATORATE: "已介入监督，督促相关部门落实保护措施，已开展司法救助。",
    K.LEGAL_AID: "已指派援助律师，完成法律咨询并代写起诉材料，案件正在办理中。",
    K.CIVIL_AFFAIRS: "已发放临时救助金，低保申请已进入审核程序。",
    K.SHELTER: "当事人及孩子已入住庇护中心 10 天，已制定安全计划，现已返回亲属家居住。",
    K.HEALTH: "已完成检查，伤情已记录在病历中，出具了诊断证明。",
    K.HUMAN_RESOURCES: "已约谈用人单位，单位已改正违法行为并补发相应待遇。",
    K.EDUCATION: "已协调学校做好家访，学生已返校就读。",
    K.PSYCHOLOGY: "已完成心理评估和三次咨询，当事人情绪趋于稳定。",
    K.SOCIAL_ORG: "社工已上门三次，当事人已加入互助小组，孩子参加了托管班。",
    K.OTHER: "已协调相关机构，当事人诉求已得到落实。",
}
REFERRAL_ACCEPT_NOTE = "已接收，指定专人办理。"
REFERRAL_DECLINES = [
    "该事项不属于本机构职责，建议转介至当事人户籍地相关部门。",
    "当事人未到场，材料不全，请补充后重新转介。",
]
REFERRAL_CLOSE = "机构反馈已收到，转介完结。"
CONSENT_SCOPE = "本次维权个案转介所需的必要信息"

NEW_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
NEW_GIVEN = "秀英 丽 芳 娜 敏 静 艳 娟 霞 燕 玲 丹 萍 红 婷 雪 琳 洁 颖 倩".split()  # noqa: SIM905


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10)}{rng.randrange(10**8):08d}"


def new_person(rng: random.Random) -> dict:
    """A caller not yet on file: the operator creates her record from the call."""
    return {
        "name": rng.choice(NEW_SURNAMES) + rng.choice(NEW_GIVEN),
        "gender": "F",
        "phone": phone(rng),
        "id_number": "",
        "birth_date": None,
    }
