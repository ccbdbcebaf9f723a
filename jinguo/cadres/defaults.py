"""Shipped position types and retraining rules: created when missing, never overwritten."""

from .choices import PostKind, TrainingKind

FED, OTHER = PostKind.FEDERATION, PostKind.OTHER

# code, name, kind, executive, grid worker
POSITION_TYPES = [
    ("chair", "主席", FED, True, False),
    ("vice_chair", "副主席", FED, True, False),
    ("executive", "执委", FED, True, False),
    ("group_leader", "妇女小组长", FED, False, False),
    ("rights_cadre", "维权干部", OTHER, False, False),
    ("grid_worker", "网格员", OTHER, False, True),
    ("committee", "村(居)委委员", OTHER, False, False),
    ("juror", "人民陪审员", OTHER, False, False),
    ("mediator", "人民调解员", OTHER, False, False),
    ("labour_supervisor", "劳动法律监督员", OTHER, False, False),
    ("land_arbitrator", "土地承包仲裁员", OTHER, False, False),
]

# name, position type code, training kind, every months
RULES = [
    ("维权干部每两年复训", "rights_cadre", TrainingKind.RIGHTS, 24),
    ("人民调解员每三年复训", "mediator", TrainingKind.MEDIATION, 36),
]


def ensure_defaults(using: str = "default") -> None:
    from .models import PositionType, RetrainingRule

    for sort, (code, name, kind, executive, grid) in enumerate(POSITION_TYPES, start=1):
        PositionType.objects.using(using).get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "is_executive": executive,
                "is_grid_worker": grid,
                "sort": sort * 10,
            },
        )
    for name, code, kind, months in RULES:
        position_type = PositionType.objects.using(using).filter(code=code).first()
        if position_type is not None:
            RetrainingRule.objects.using(using).get_or_create(
                name=name,
                defaults={"position_type": position_type, "kind": kind, "every_months": months},
            )
