"""Re-encrypt every encrypted field under the current data key and cipher.

Run after setting a new JINGUO_DATA_KEY (the old one moved to JINGUO_DATA_OLD_KEYS) or a new
JINGUO_CIPHER; when it reports no failures, the old key can be removed. Audit rows keep their
ciphertexts as written (rewriting them would break the hash chain); the audit viewer never
decrypts them.
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from jinguo.core import audit, crypto
from jinguo.core.context import ActorContext, acting
from jinguo.core.fields import encrypted_fields


@dataclass
class Counts:
    checked: int = 0
    rotated: int = 0
    plaintext: int = 0
    changed_meanwhile: int = 0
    failed: int = 0


class Command(BaseCommand):
    help = (
        "用当前数据密钥和算法重新加密所有加密字段（更换 JINGUO_DATA_KEY 或 JINGUO_CIPHER 后运行）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批处理的行数")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不写入")

    def handle(self, *args, **options):
        batch_size = max(1, options["batch_size"])
        dry_run = options["dry_run"]
        kid, _ring = crypto.keyring()
        self.stdout.write(f"当前数据密钥编号 {kid}，算法 {settings.JINGUO_CIPHER}")
        totals = Counts()
        report = {}
        with acting(ActorContext(channel="system", request_id="rotate_data_key")):
            for model in apps.get_models():
                meta = model._meta
                if meta.proxy or not meta.managed:
                    continue
                fields = encrypted_fields(model)
                if not fields:
                    continue
                counts = self.rotate_model(model, fields, batch_size, dry_run)
                report[meta.label] = counts
                for name in vars(totals):
                    setattr(totals, name, getattr(totals, name) + getattr(counts, name))
                self.stdout.write(
                    f"{meta.label}（{', '.join(f.name for f in fields)}）："
                    f"检查 {counts.checked} 行，重新加密 {counts.rotated} 行"
                    f"（其中原为明文 {counts.plaintext} 行），"
                    f"期间被修改而跳过 {counts.changed_meanwhile} 行，失败 {counts.failed} 行"
                )
            if not dry_run and totals.rotated:
                audit.record_security(
                    action="key_rotation",
                    key_id=kid,
                    cipher=settings.JINGUO_CIPHER,
                    rows={label: vars(c) for label, c in report.items()},
                )
        verb = "需要重新加密" if dry_run else "已重新加密"
        summary = f"完成：检查 {totals.checked} 行，{verb} {totals.rotated} 行。"
        if totals.failed:
            raise CommandError(
                summary + f"{totals.failed} 行无法解密（密钥不在密钥环中或密文被篡改），"
                "请保留旧密钥并排查后重试。"
            )
        if totals.changed_meanwhile:
            summary += f"{totals.changed_meanwhile} 行在处理期间被修改，请再运行一次。"
        self.stdout.write(self.style.SUCCESS(summary))

    def rotate_model(self, model, fields, batch_size: int, dry_run: bool) -> Counts:
        counts = Counts()
        qn = connection.ops.quote_name
        pk = qn(model._meta.pk.column)
        columns = ", ".join(qn(f.column) for f in fields)
        # Raw SQL: the ORM would hand back plaintext, and the stored token is what we need.
        select = f"SELECT {pk}, {columns} FROM {qn(model._meta.db_table)}"  # noqa: S608
        first = f"{select} ORDER BY {pk} LIMIT %s"
        after = f"{select} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"
        last = None
        while True:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    if last is None:
                        cursor.execute(first, [batch_size])
                    else:
                        cursor.execute(after, [last, batch_size])
                    rows = cursor.fetchall()
                for row in rows:
                    last = row[0]
                    counts.checked += 1
                    self.rotate_row(model, fields, row[0], row[1:], counts, dry_run)
            if len(rows) < batch_size:
                return counts

    def rotate_row(self, model, fields, pk, stored, counts: Counts, dry_run: bool) -> None:
        old, new = {}, {}
        was_plaintext = False
        for field, token in zip(fields, stored, strict=True):
            if token is None or token == "" or not crypto.needs_rotation(token):
                continue
            try:
                plaintext = crypto.decrypt(token) if crypto.is_encrypted(token) else token
            except crypto.DecryptionError as exc:
                counts.failed += 1
                self.stderr.write(f"{model._meta.label} #{pk} {field.name}：{exc}")
                return
            was_plaintext |= not crypto.is_encrypted(token)
            old[field.attname] = token
            new[field.attname] = crypto.encrypt(plaintext)
        if not new:
            return
        counts.rotated += 1
        counts.plaintext += was_plaintext
        if dry_run:
            return
        # Only if the row still holds what was read: a concurrent edit must not be overwritten.
        # Raw SQL again, so a legacy plaintext compares as the text it is.
        qn = connection.ops.quote_name
        columns = {f.attname: f.column for f in fields}
        assignments = ", ".join(f"{qn(columns[name])} = %s" for name in new)
        conditions = " AND ".join(f"{qn(columns[name])} = %s" for name in old)
        sql = (
            f"UPDATE {qn(model._meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {qn(model._meta.pk.column)} = %s AND {conditions}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*new.values(), pk, *old.values()])
            updated = cursor.rowcount
        if not updated:
            counts.rotated -= 1
            counts.plaintext -= was_plaintext
            counts.changed_meanwhile += 1
