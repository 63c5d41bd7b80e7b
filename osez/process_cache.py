"""A value built once per process and rebuilt when the data it stands for changes: the search indexes
(communes.search, portail.finder) are built from the database in memory, and a cheap *stamp* (the data
generation and a few aggregates) says when they are out of date."""

import threading


class StampedValue:
    """``get()`` returns the value ``build()`` made, built again when ``stamp()`` has changed since."""

    def __init__(self, build, stamp):
        self._build = build
        self._stamp = stamp
        self._lock = threading.Lock()
        self._cached = {"stamp": None, "value": None}

    def get(self):
        stamp = self._stamp()
        with self._lock:
            if self._cached["stamp"] != stamp or self._cached["value"] is None:
                self._cached["value"] = self._build()
                self._cached["stamp"] = stamp
            return self._cached["value"]

    def reset(self):
        with self._lock:
            self._cached.update(stamp=None, value=None)
