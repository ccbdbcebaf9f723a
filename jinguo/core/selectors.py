from django.db.models import Count

from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit


def home_summary(user) -> dict:
    """Counts over the user's own subtree, each through restrict()."""
    unit = user.home_unit
    summary = {"unit": unit, "unit_kinds": [], "units_total": 0, "users_total": None}
    if user.has_perm("orgs.view_orgunit"):
        units = OrgUnit.objects.restrict(user, "view").filter(path__subtree=unit.path)
        by_kind = dict(units.values_list("kind").annotate(n=Count("id")).order_by())
        summary["unit_kinds"] = [
            {"label": label, "count": by_kind.get(value, 0)}
            for value, label in UnitKind.choices
            if by_kind.get(value)
        ]
        summary["units_total"] = sum(by_kind.values())
    if user.has_perm("accounts.view_user"):
        from jinguo.accounts.models import User

        summary["users_total"] = (
            User.objects.restrict(user, "view")
            .filter(org_path__subtree=unit.path, is_active=True)
            .count()
        )
    return summary
