"""PostgreSQL for the test suite: Django's own backend, with a faster flush between transactional tests.

After each transactional test (``transaction=True``, the live server of the browser tests) Django empties
every table with one ``TRUNCATE`` of all of them. On PostgreSQL that costs about 2.5 s however little the
test wrote: each truncated table gets new files, and the old ones' pages are looked for in the whole of
shared_buffers, for each of the ~250 tables and indexes. The suite has a few hundred such tests: that was
a third of its time on two cores. ``DELETE`` of the few rows a test leaves takes milliseconds, and the
foreign keys Django creates are ``DEFERRABLE INITIALLY DEFERRED``, so the order of the deletes does not
matter within the flush's transaction. Where Django asks for more than emptying every table — sequences
reset, or the cascade of a test limited to some apps — the stock ``TRUNCATE`` does it.

Used by ``osez/settings/test.py`` only: production and development run Django's backend unchanged.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        deletes = [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(t))};" for t in tables
        ]
        return [f"{style.SQL_KEYWORD('SET CONSTRAINTS ALL DEFERRED')};", *deletes]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
