"""manage.py demo_scale --units N [--root 98] [--replace]

Generates a realistic territorial tree of exactly N units (province → cities → counties →
townships → villages/communities) under a fictional division code, with bulk inserts in
batches: 700,000 units take a few minutes on SQLite or PostgreSQL. Code 98 is not a real
province and 9901 (the demo city) lies outside it, so nothing collides.
"""

import random
import time
from itertools import product

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.paths import SEPARATOR
from jinguo.orgs.choices import CODE_LENGTH, KIND_BY_CODE_LENGTH, LEVEL_BY_KIND, UnitKind
from jinguo.orgs.models import OrgUnit

LEVELS = [UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.TOWNSHIP, UnitKind.COMMUNITY]
# Average children per unit of each level, after China's own ratios (≈ 340 cities, 2,900
# counties, 41,000 townships, 660,000 villages), scaled together until N is reached.
BASE_FANOUT = {
    UnitKind.PROVINCE: 13,
    UnitKind.CITY: 9,
    UnitKind.COUNTY: 14,
    UnitKind.TOWNSHIP: 16,
}
SYLLABLES = (
    "青溪临江云龙安平长乐永和新丰金山白石桃源清河东湖西岭南塘北苑凤鸣龙泉"
    "瑞安宁远兴隆福田华阳静海康乐太和泰安文昌德胜明珠玉林春晖秋实嘉禾丰泽"
)


def child_width(kind) -> int:
    """Digits a child adds to its parent's code."""
    index = LEVELS.index(kind)
    return CODE_LENGTH[LEVELS[index + 1]] - CODE_LENGTH[kind]


def level_counts(total: int, levels: list) -> list[int]:
    """Units per level below the root so that root + all levels == total, shaped like China."""
    below = levels[:-1]

    def fanouts(scale: float) -> list[int]:
        return [max(1, min(10 ** child_width(k) - 1, round(BASE_FANOUT[k] * scale))) for k in below]

    def full(scale: float) -> list[int]:
        counts, width = [], 1
        for f in fanouts(scale):
            width *= f
            counts.append(width)
        return counts

    low, high = 0.01, 1000.0
    for _step in range(60):
        mid = (low + high) / 2
        if 1 + sum(full(mid)) >= total:
            high = mid
        else:
            low = mid
    counts, remaining = [], total - 1
    for n in full(high):
        take = min(n, remaining)
        counts.append(take)
        remaining -= take
    if remaining:
        raise CommandError(_("%(n)d 个单位超出了该层级代码的容量。") % {"n": total})
    return counts


def spread(rng: random.Random, total: int, parents: int, cap: int) -> list[int]:
    """Split ``total`` children over ``parents`` unevenly (±40%), none above ``cap``."""
    if parents == 0:
        return []
    weights = [rng.uniform(0.6, 1.4) for _ in range(parents)]
    scale = total / sum(weights)
    shares = [min(cap, int(w * scale)) for w in weights]
    short = total - sum(shares)
    order = sorted(range(parents), key=lambda i: shares[i])
    while short > 0:
        progressed = False
        for i in order:
            if short == 0:
                break
            if shares[i] < cap:
                shares[i] += 1
                short -= 1
                progressed = True
        if not progressed:
            raise CommandError(_("单位数量超出了该层级代码的容量。"))
    return shares


class Namer:
    """Plausible two-character place names, unique among siblings."""

    def __init__(self, rng: random.Random):
        chars = list(dict.fromkeys(SYLLABLES))
        self.pairs = ["".join(p) for p in product(chars, repeat=2) if p[0] != p[1]]
        rng.shuffle(self.pairs)
        self.rng = rng

    def names(self, count: int) -> list[str]:
        start = self.rng.randrange(len(self.pairs))
        return [self.pairs[(start + i) % len(self.pairs)] for i in range(count)]


def unit_name(kind, base: str, index: int, siblings: int) -> str:
    if kind == UnitKind.CITY:
        return f"{base}市妇联"
    if kind == UnitKind.COUNTY:
        return f"{base}{'区' if index < max(1, siblings // 3) else '县'}妇联"
    if kind == UnitKind.TOWNSHIP:
        return f"{base}{'街道' if index < max(1, siblings * 3 // 10) else '镇'}妇联"
    return f"{base}{'社区' if index < max(1, siblings // 3) else '村'}妇联"


class Command(BaseCommand):
    help = "Generate a realistic federation tree of N units under a fictional division code."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=10_000, help="total units, root included")
        parser.add_argument("--root", default="98", help="root division code (default 98)")
        parser.add_argument("--replace", action="store_true", help="delete and rebuild the root")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, units, root, replace, seed, batch_size, **options):
        started = time.monotonic()
        if not root.isdigit() or len(root) not in KIND_BY_CODE_LENGTH or len(root) == 12:
            raise CommandError(_("--root 须为 2、4、6 或 9 位数字的区划代码。"))
        if units < 1:
            raise CommandError(_("--units 至少为 1。"))
        root_kind = KIND_BY_CODE_LENGTH[len(root)]
        levels = LEVELS[LEVELS.index(root_kind) :]
        counts = level_counts(units, levels)
        rng = random.Random(seed)
        with transaction.atomic():
            existing = OrgUnit.objects.filter(code=root).first()
            if existing is not None:
                size = OrgUnit.objects.filter(path__subtree=existing.path).count()
                if not replace:
                    raise CommandError(
                        _("单位 %(code)s 已存在（含下级共 %(n)d 个单位）；如需重建请加 --replace。")
                        % {"code": root, "n": size}
                    )
                self.delete_subtree(existing)
                self.stdout.write(_("已删除原有的 %(n)d 个单位。") % {"n": size})
            parent = self.root_parent(root)
            root_unit = OrgUnit.objects.create(
                code=root,
                name="演示省妇联" if root_kind == UnitKind.PROVINCE else f"演示{root}妇联",
                kind=root_kind,
                level=parent.level + 1 if parent else LEVEL_BY_KIND[root_kind],
                parent=parent,
                path=f"{parent.path if parent else ''}{root}{SEPARATOR}",
                division_version="demo",
            )
            made = {root_kind: 1}
            namer = Namer(rng)
            frontier = [(root_unit.pk, root_unit.code, root_unit.path, root_unit.level)]
            for depth, count in enumerate(counts):
                parent_kind, kind = levels[depth], levels[depth + 1]
                keep = depth + 1 < len(counts) and counts[depth + 1] > 0
                frontier = self.make_level(
                    frontier, parent_kind, kind, count, rng, namer, batch_size, keep
                )
                made[kind] = count
                self.stdout.write(
                    _("  %(kind)s：%(n)s（%(s).1f 秒）")
                    % {"kind": kind.label, "n": f"{count:,}", "s": time.monotonic() - started}
                )
            audit.record_change(
                None,
                root_unit,
                "generate",
                after={"units": units},
                by_kind={str(k): n for k, n in made.items()},
                seed=seed,
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                _("已在 %(code)s 下生成 %(n)s 个单位，用时 %(s).1f 秒。")
                % {"code": root, "n": f"{units:,}", "s": elapsed}
            )
        )

    def root_parent(self, root: str):
        if len(root) == 2:
            return None
        kind = KIND_BY_CODE_LENGTH[len(root)]
        parent_len = CODE_LENGTH[LEVELS[LEVELS.index(kind) - 1]]
        return OrgUnit.objects.filter(code=root[:parent_len]).first()

    def delete_subtree(self, root: OrgUnit) -> None:
        """Remove a generated subtree in one statement, if nothing else refers to it."""
        for rel in OrgUnit._meta.related_objects:
            if rel.related_model is OrgUnit:
                continue
            refs = rel.related_model._base_manager.filter(
                **{f"{rel.field.name}__path__subtree": root.path}
            ).count()
            if refs:
                raise CommandError(
                    _("单位 %(code)s 的子树仍被 %(n)d 条“%(model)s”记录引用，不能重建。")
                    % {"code": root.code, "n": refs, "model": rel.related_model._meta.verbose_name}
                )
        table = connection.ops.quote_name(OrgUnit._meta.db_table)
        sql, params = (
            OrgUnit.objects.filter(path__subtree=root.path).values("pk").query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({sql})", params)  # noqa: S608

    def make_level(self, frontier, parent_kind, kind, count, rng, namer, batch_size, keep):
        """Create ``count`` units of ``kind`` spread over ``frontier``; return the new frontier."""
        width = child_width(parent_kind)
        shares = spread(rng, count, len(frontier), 10**width - 1)
        created = []
        batch: list[OrgUnit] = []

        def flush():
            OrgUnit.objects.bulk_create(batch, batch_size=batch_size)
            if keep:
                if any(u.pk is None for u in batch):
                    ids = dict(
                        OrgUnit.objects.filter(path__in=[u.path for u in batch]).values_list(
                            "path", "pk"
                        )
                    )
                    for u in batch:
                        u.pk = ids[u.path]
                created.extend((u.pk, u.code, u.path, u.level) for u in batch)
            batch.clear()

        for (parent_pk, parent_code, parent_path, parent_level), n in zip(
            frontier, shares, strict=True
        ):
            for index, base in enumerate(namer.names(n)):
                code = f"{parent_code}{index + 1:0{width}d}"
                batch.append(
                    OrgUnit(
                        code=code,
                        name=unit_name(kind, base, index, n),
                        kind=kind,
                        level=parent_level + 1,
                        parent_id=parent_pk,
                        path=f"{parent_path}{code}{SEPARATOR}",
                        division_version="demo",
                    )
                )
                if len(batch) >= batch_size:
                    flush()
        if batch:
            flush()
        return created
