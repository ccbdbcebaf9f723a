"""The fictional city 示范市. Codes start with 99, which no real division code uses."""

from jinguo.orgs.choices import UnitKind

CITY = ("9901", "示范市妇联", "示范市", UnitKind.CITY)

# district code suffix, name, [(street suffix, name, [community names])]
DISTRICTS = [
    (
        "01",
        "和平区妇联",
        [
            (
                "001",
                "春晖街道妇联",
                ["芳草社区妇联", "杏林社区妇联", "朝阳社区妇联", "兰亭社区妇联"],
            ),
            (
                "002",
                "安澜街道妇联",
                ["锦绣社区妇联", "静安社区妇联", "紫荆社区妇联", "丽水社区妇联"],
            ),
            ("003", "柳岸镇妇联", ["柳岸村妇联", "东湖村妇联", "桃源村妇联"]),
        ],
    ),
    (
        "02",
        "新华区妇联",
        [
            (
                "001",
                "明德街道妇联",
                ["桃李社区妇联", "文华社区妇联", "书香社区妇联", "育才社区妇联"],
            ),
            ("002", "康宁街道妇联", ["康乐社区妇联", "福寿社区妇联", "安居社区妇联"]),
            ("003", "青禾镇妇联", ["青禾村妇联", "稻香村妇联", "麦田村妇联", "荷塘村妇联"]),
        ],
    ),
    (
        "03",
        "滨江区妇联",
        [
            (
                "001",
                "望江街道妇联",
                ["望江社区妇联", "临江社区妇联", "观澜社区妇联", "江畔社区妇联"],
            ),
            ("002", "白鹭湾镇妇联", ["白鹭村妇联", "渔港村妇联", "芦花村妇联", "海棠村妇联"]),
        ],
    ),
]

# Communities that get grids (code of the community, number of grids).
GRIDS = {
    "990101001001": 3,
    "990101001002": 2,
    "990102001001": 2,
    "990103001001": 2,
}

# Non-territorial federations hanging under a territorial parent: code, name, kind, parent.
OTHER_UNITS = [
    ("9901H01", "示范市教育系统妇联", UnitKind.INDUSTRY, "9901"),
    ("9901H02", "示范市卫生健康系统妇联", UnitKind.INDUSTRY, "9901"),
    ("9901Q01", "示范高新区区域妇联", UnitKind.AREA, "9901"),
    ("990103Q01", "滨江商圈区域妇联", UnitKind.AREA, "990103"),
    ("990101E01", "和平纺织集团妇联", UnitKind.ENTERPRISE, "990101"),
    ("990102N01", "新华快递物流行业新领域妇联", UnitKind.NEW_SECTOR, "990102"),
]

# One account per shipped role: username, real name, unit code, role code, title.
USERS = [
    ("admin", "王立新", "9901", "sysadmin", "信息中心系统管理员"),
    ("auditor", "赵敏华", "9901", "auditor", "安全审计员"),
    ("leader", "林秀英", "9901", "leader", "市妇联主席"),
    ("hotline", "周晓燕", "9901", "hotline_operator", "12338 热线接线员"),
    ("weiquan", "陈静", "990101", "rights_officer", "和平区妇联权益部干部"),
    ("weiquan2", "刘芳", "990102", "rights_officer", "新华区妇联权益部干部"),
    ("jiedao", "黄丽", "990101001", "rights_officer", "春晖街道妇联主席"),
    ("chair", "李芳", "990101001001", "community_chair", "芳草社区妇联主席"),
    ("chair2", "吴桂兰", "990102001001", "community_chair", "桃李社区妇联主席"),
    ("grid", "张小红", "990101001001G01", "grid_worker", "芳草社区第一网格网格员、执委"),
    ("partner", "何律师", "9901", "partner", "示范市法律援助中心"),
]
