"""Print fresh secrets for a production .env file."""

import secrets

from django.core.management.base import BaseCommand

from jinguo.core.crypto import generate_key


class Command(BaseCommand):
    help = (
        "生成生产环境 .env 所需的新密钥（JINGUO_SECRET_KEY、JINGUO_DATA_KEY、JINGUO_INDEX_KEY）。"
    )
    requires_system_checks = []

    def handle(self, *args, **options):
        lines = [
            "# 巾帼平台密钥 —— 仅写入服务器上的 .env（权限 600），不要提交到代码仓库。",
            "# 数据密钥用于加密个人信息：丢失即无法解密。更换时把旧值追加到",
            "# JINGUO_DATA_OLD_KEYS（逗号分隔），运行 manage.py rotate_data_key 后再移除。",
            "# 索引密钥用于盲索引（手机号、身份证号的精确查找），部署后不要更换。",
            f"JINGUO_SECRET_KEY={secrets.token_urlsafe(50)}",
            f"JINGUO_DATA_KEY={generate_key()}",
            f"JINGUO_INDEX_KEY={generate_key()}",
        ]
        self.stdout.write("\n".join(lines))
