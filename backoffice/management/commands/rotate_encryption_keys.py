"""Re-encrypt every ``EncryptedTextField`` value under the newest key in FIELD_ENCRYPTION_KEYS."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from kernel.crypto import EncryptedTextField, rotate


class Command(BaseCommand):
    help = "Re-encrypt all secrets under the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if fields:
                total += self._rotate_model(model, fields)
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {total} values"))

    def _rotate_model(self, model, fields) -> int:
        """Rotate raw column values (no decrypt into Python objects, no save() side effects).

        Each UPDATE is a compare-and-set on the value read: a secret an operator changes while
        the command runs is not overwritten with the re-encrypted old one (the new value is
        already under the newest key, since every write encrypts with the first key)."""
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            for field in fields:
                col = connection.ops.quote_name(field.column)
                cursor.execute(f"SELECT {pk}, {col} FROM {table} WHERE {col} <> ''")  # noqa: S608
                for row_pk, raw in cursor.fetchall():
                    if raw:
                        cursor.execute(
                            f"UPDATE {table} SET {col} = %s WHERE {pk} = %s AND {col} = %s",  # noqa: S608
                            [rotate(raw), row_pk, raw],
                        )
                        count += cursor.rowcount
        return count
