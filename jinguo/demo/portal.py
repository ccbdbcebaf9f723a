"""Demo data of the public portal: knowledge pages and FAQs, the legal-consultation schedule,
and online appeals from 示范市's communities in several states, with the replies the district
officers published. Everything goes through the portal's and the cases' services (the demo's
rights officer 陈静 of 和平区 and 刘芳 of 新华区 work the appeals). Skipped when knowledge
pages already exist. The demo codes and PINs are printed so a tester can read the replies."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cases import choices as C
from jinguo.cases.services import workflow
from jinguo.orgs.models import OrgUnit
from jinguo.portal.models import ConsultationSlot, KnowledgePage
from jinguo.portal.services.appeals import appeal_submit, format_code
from jinguo.portal.services.content import page_save, slot_save
from jinguo.portal.services.replies import reply_publish

PAGES = [
    (
        "page",
        "遇到家庭暴力，可以怎么做",
        "# 先保护自己\n- 有危险时马上拨打 110，报警后记下出警民警和回执。\n"
        "- 受伤要去医院看，保留病历和照片。\n\n"
        "# 可以请谁帮忙\n- 妇女维权热线 12338，工作日有人接听。\n"
        "- 居委会、村委会、妇联、公安派出所都应当帮助您。\n\n"
        "# 法律上的办法\n1. 公安机关可以出具**告诫书**。\n"
        "2. 可以向人民法院申请**人身安全保护令**，法院一般在 72 小时内作出裁定，"
        "情况紧急的在 24 小时内。\n3. 申请保护令不收费。",
    ),
    (
        "page",
        "人身安全保护令怎么申请",
        "# 谁可以申请\n本人可以申请；本人不方便时，近亲属、公安机关、妇联、居委会村委会、"
        "救助管理机构可以代为申请。\n\n"
        "# 向哪里申请\n向您居住地、对方居住地或家庭暴力发生地的基层人民法院申请。\n\n"
        "# 要准备什么\n- 申请书（法院有样本）\n- 能证明暴力的材料：报警回执、告诫书、病历、照片、"
        "聊天记录、向妇联求助的记录都可以。",
    ),
    (
        "page",
        "离婚时孩子和财产怎么办",
        "# 孩子\n不满两周岁的子女，以由母亲直接抚养为原则。已满八周岁的，要尊重孩子本人的意愿。\n\n"
        "# 财产\n婚后共同财产一般平分，照顾子女、女方和无过错方的权益。"
        "家务劳动多的一方离婚时可以请求补偿。\n\n"
        "需要律师帮忙，可以看[法律咨询安排](/portal/schedule/)。",
    ),
    (
        "faq",
        "在网上求助，会不会被家里人知道？",
        "不会主动告诉任何人。您可以**匿名**，可以选择**不要联系我**，"
        "只用查询码和查询密码看回复。填完后请清除浏览记录。",
    ),
    (
        "faq",
        "忘了查询码或密码怎么办？",
        "为了保护您，查询码和密码都找不回来。请拨打 12338 妇女维权热线，说明您在网上求助过。",
    ),
    (
        "faq",
        "求助要花钱吗？",
        "妇联的咨询和帮助**不收费**。法律援助对符合条件的妇女也免费。",
    ),
]

# (community code, topic, in danger, contact, story, [(actor, step)], [replies])
APPEALS = [
    (
        "990101001003",
        "violence",
        True,
        "sms",
        "丈夫喝酒后打我，昨天又推我撞到门上，孩子吓得一直哭。我不敢回娘家。",
        ["accept"],
        ["您的求助已收到。我们已请社区妇联主席在您方便的时间短信联系您，有危险请立即拨打 110。"],
    ),
    (
        "990101002001",
        "work",
        False,
        "none",
        "我怀孕以后公司说要调岗降薪，不同意就让我走人。",
        ["accept", "assign", "start"],
        [
            "怀孕期间用人单位不得因此降低工资或解除劳动合同。我们已联系区人社局劳动监察，"
            "请保留公司发的通知和工资条。"
        ],
    ),
    (
        "990102001002",
        "marriage",
        False,
        "phone",
        "想离婚，孩子三岁，想知道孩子能不能跟我。",
        ["accept", "assign", "start", "resolve"],
        [
            "已为您预约本月律师在线咨询。",
            "律师已与您电话沟通，如需法律援助可到区法律援助中心申请。",
        ],
    ),
    (
        "990102003001",
        "other",
        False,
        "none",
        "村里修路占了我家的地，想问问怎么办。",
        ["decline"],
        [
            "这件事属于国土和村务管理范围，建议向镇政府或自然资源部门反映；"
            "如涉及您的土地承包权益受侵害，可以再找妇联。"
        ],
    ),
    ("990101001001", "advice", False, "none", "想了解一下妇女之家有哪些活动。", [], []),
]
PIN = "2580"


def _step(user, case, step):
    case.refresh_from_db()
    if step == "accept":
        workflow.case_accept(user=user, case=case, note="网上求助已受理")
    elif step == "assign":
        workflow.case_assign(user=user, case=case, worker=user)
    elif step == "start":
        workflow.case_start(user=user, case=case)
    elif step == "resolve":
        workflow.case_resolve(
            user=user, case=case, outcome=C.Outcome.ANSWERED, outcome_note="已提供法律咨询"
        )
    elif step == "decline":
        workflow.case_decline(user=user, case=case, reason="不属于妇联受理范围，已告知反映渠道")


def _slots(user) -> int:
    today = timezone.localdate()
    count = 0
    for months_ahead in range(3):
        year = today.year + (today.month - 1 + months_ahead) // 12
        month = (today.month - 1 + months_ahead) % 12 + 1
        for day, way, topic, where in (
            (10, "online", "律师在线：婚姻家庭与反家暴", "网上妇女之家“律师在线”栏目"),
            (25, "phone", "律师电话咨询：劳动权益与社会保障", "12338"),
        ):
            start = timezone.make_aware(datetime.combine(datetime(year, month, day), time(14)))
            slot_save(
                user=user,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                topic=topic,
                way=way,
                where=where,
                is_published=True,
            )
            count += 1
    return count


def load_portal(*, stdout=None) -> dict:
    if KnowledgePage.objects.exists():
        return {"pages": 0, "slots": 0, "appeals": 0}
    leader = User.objects.get(username="leader")
    for order, (kind, title, body) in enumerate(PAGES, 1):
        page_save(
            user=leader, kind=kind, title=title, body=body, sort_order=order, is_published=True
        )
    slots = _slots(leader) if not ConsultationSlot.objects.exists() else 0
    officers = {
        "990101": User.objects.get(username="weiquan"),
        "990102": User.objects.get(username="weiquan2"),
    }
    codes = []
    for unit_code, topic, danger, contact, story, steps, replies in APPEALS:
        unit = OrgUnit.objects.get(code=unit_code)
        appeal, code = appeal_submit(
            unit=unit,
            topic=topic,
            story=story,
            in_danger=danger,
            contact_way=contact,
            phone="13800138000" if contact != "none" else "",
            safe_time="工作日上午" if contact != "none" else "",
            anonymous=True,
            pin=PIN,
            queued=False,  # the demo works its cases at once, whatever the settings say
        )
        officer = officers[unit_code[:6]]
        for step in steps:
            _step(officer, appeal.case, step)
        for body in replies:
            reply_publish(user=officer, case=appeal.case, body=body)
        appeal.case.refresh_from_db()
        codes.append((format_code(code), appeal.case.get_status_display()))
    if stdout is not None:
        stdout.write(f"网上求助演示查询码（查询密码均为 {PIN}）：\n")
        for code, status in codes:
            stdout.write(f"  {code}  {status}\n")
    return {"pages": len(PAGES), "slots": slots, "appeals": len(codes)}
