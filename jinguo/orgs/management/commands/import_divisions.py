"""manage.py import_divisions PATH [--under CODE] [--version 2023] [--dry-run]"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jinguo.orgs.importing import ImportFileError, import_units, read_path, rows_under

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import statistical division codes from a CSV/xlsx file (code, name, parent code) or "
        "from the directory of NBS files (provinces.csv, cities.csv, areas.csv, streets.csv)."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version is the division-code version, replacing Django's program --version.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV/xlsx file, or the directory of NBS division files")
        parser.add_argument(
            "--under",
            metavar="CODE",
            help="import only this unit, its ancestors and its subtree (e.g. 3205)",
        )
        parser.add_argument(
            "--version",
            dest="division_version",
            default="",
            metavar="VERSION",
            help="division-code version to record on new and renamed units (e.g. 2023)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )

    def handle(self, *args, path, under=None, division_version="", dry_run=False, **options):
        started = time.monotonic()
        try:
            rows = read_path(Path(path))
            if under:
                rows = rows_under(rows, under)
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(_("读取 %(n)d 行，正在校验……") % {"n": len(rows)})
        result = import_units(
            user=None,
            rows=rows,
            version=division_version,
            dry_run=dry_run,
            source=str(path),
        )
        if not result.ok:
            for error in result.errors[:SHOWN_ERRORS]:
                where = f"{error.source} " if error.source else ""
                self.stderr.write(
                    _("%(where)s第 %(line)d 行 [%(col)s] %(msg)s")
                    % {
                        "where": where,
                        "line": error.line,
                        "col": error.column,
                        "msg": error.message,
                    }
                )
            if len(result.errors) > SHOWN_ERRORS:
                self.stderr.write(
                    _("……其余 %(n)d 条错误未显示。") % {"n": len(result.errors) - SHOWN_ERRORS}
                )
            raise CommandError(_("发现 %(n)d 处错误，未导入任何数据。") % {"n": len(result.errors)})
        by_kind = "，".join(f"{label} {n}" for label, n in result.kind_summary())
        summary = _("新增 %(c)d 个，更新 %(u)d 个，未变 %(k)d 个（共 %(t)d 行）") % {
            "c": result.created,
            "u": result.updated,
            "k": result.unchanged,
            "t": result.total,
        }
        if by_kind:
            summary += _("；新增明细：%(detail)s") % {"detail": by_kind}
        prefix = _("校验通过（试运行，未写入）：") if dry_run else _("导入完成：")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{prefix}{summary}。" + _("用时 %(s).1f 秒。") % {"s": elapsed})
        )
