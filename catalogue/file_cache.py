"""The file cache (without REDIS_URL), culled once every few writes instead of before each one.

Before every write Django's FileBasedCache lists every file of the cache, to know whether to evict
some: about 1–3 ms a listing at 1,000 entries, and a first render after an edit writes three or
more times (the vocabulary token, the facet counts, the page). Here a process lists the folder on
its first write and then once every `cull_every` writes (a twentieth of MAX_ENTRIES, at most 50;
every write for a small cache). So the bound is loose, not broken: between two listings each
process may add up to `cull_every` entries beyond MAX_ENTRIES, which the next listing evicts.

Entries are compressed with zlib's fastest level rather than its default: a rendered page of
130 kB (the API's page of 100) compresses in a third of the time (0.4 ms instead of 1.2 ms) into
a file about a third larger, and reads back faster too.
"""

import pickle
import threading
import zlib

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache as DjangoFileBasedCache

COMPRESSION_LEVEL = 1
MOST_WRITES_BETWEEN_CULLS = 50

# Entries written per cache folder in this process since its last listing. Not per instance: Django
# makes one instance per thread, and a server starting a thread per request would then list the
# folder at every first write.
_written_since_cull: dict[str, int] = {}
_lock = threading.Lock()


class FileBasedCache(DjangoFileBasedCache):
    _culling_done = False  # set during set_many(): its writes need no cull of their own

    @property
    def cull_every(self) -> int:
        return max(1, min(MOST_WRITES_BETWEEN_CULLS, self._max_entries // 20))

    def _write_content(self, file, timeout, value):
        # Django's own, with the compression level: what it reads back is the same zlib stream.
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), COMPRESSION_LEVEL))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        self._cull(len(data))
        self._culling_done = True
        try:
            for key, value in data.items():
                self.set(key, value, timeout, version)
        finally:
            self._culling_done = False
        return []

    def _cull(self, entries=1):
        """Before writing `entries`: list the folder (and evict) on the first write, then when
        `cull_every` entries have been written since the last listing."""
        if self._culling_done:
            return
        with _lock:
            written = _written_since_cull.get(self._dir)
            due = written is None or written + entries > self.cull_every
            _written_since_cull[self._dir] = entries if due else written + entries
        if due:
            super()._cull()
