"""Load official holidays and make-up working days from chinese_calendar into the calendar."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from jinguo.core import workdays


class Command(BaseCommand):
    help = (
        "从 chinese_calendar 导入法定节假日和调休上班日（可重复运行，不覆盖人工录入的记录），"
        "并提示哪些年份还没有节假日数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            nargs="+",
            type=int,
            metavar="YEAR",
            help="要导入的年份；不填则导入 chinese_calendar 已知的全部年份",
        )

    def handle(self, *args, **options):
        result = workdays.seed_from_chinese_calendar(options["years"])
        if result["years"]:
            years = "、".join(str(y) for y in result["years"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"已导入 {years} 年：新增 {result['created']} 天，更新 {result['updated']} 天，"
                    f"未变 {result['unchanged']} 天，删除 {result['removed']} 天，"
                    f"保留人工录入 {result['kept_manual']} 天。"
                )
            )
        for year in result["unavailable"]:
            self.stderr.write(
                self.style.WARNING(
                    f"chinese_calendar 没有 {year} 年的节假日安排，未导入；"
                    "请在国务院公布后到“系统管理 › 节假日安排”中录入。"
                )
            )
        this_year = timezone.localdate().year
        asked = set(options["years"] or [])
        for year in workdays.years_without_data([this_year, this_year + 1]):
            if year in result["unavailable"] and year in asked:
                continue
            self.stderr.write(
                self.style.WARNING(f"{year} 年尚无国务院节假日安排，期限按周末计算，请尽快录入。")
            )
