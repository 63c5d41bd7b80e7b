"""Small helpers shared by test packages."""

import html

from django.core.cache import cache


def clear_worker_cache():
    """Forget this test worker's cache entries only.

    With Redis, ``cache.clear()`` flushes the whole database: the entries of the other xdist workers
    (a refresh lock, a rate-limit counter) would vanish under their feet. ``delete_pattern`` stays
    within this worker's key prefix (see osez/settings/test.py).
    """
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


def record_redis_round_trips(monkeypatch):
    """A list that receives, for every write to any Redis connection, the names of the commands it sent.

    Counted where every command leaves redis-py, whichever road it took (the client, a pipeline, or a
    connection used directly as the page cache's hit path does): one entry is one round trip.
    """
    import re

    from redis.connection import AbstractConnection

    round_trips = []
    real_send = AbstractConnection.send_packed_command

    def send_packed_command(self, command, *args, **kwargs):
        data = command.encode() if isinstance(command, str) else b"".join(command)
        round_trips.append(
            [name.decode() for name in re.findall(rb"\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n", data)]
        )
        return real_send(self, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", send_packed_command)
    return round_trips


def page_text(response):
    """The page as a person reads it: HTML entities (&#x27; for ') turned back into characters."""
    return html.unescape(response.content.decode())
