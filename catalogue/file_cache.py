"""The file cache (without REDIS_URL), culled once per set_many() instead of once per key.

Before every write Django's FileBasedCache lists every file of the cache, to know whether to evict
some: about 3.5 ms a listing at 1,000 entries. A list page's first render after an edit writes its
facet counts together (ten keys), so it listed the folder ten times; now once, before them. The
cache may then hold a few entries beyond MAX_ENTRIES until the next write evicts them.

Entries are compressed with zlib's fastest level rather than its default: a rendered page of
130 kB (the API's page of 100) compresses in a third of the time (0.4 ms instead of 1.2 ms) into
a file about a third larger, and reads back faster too.
"""

import pickle
import zlib

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache as DjangoFileBasedCache

COMPRESSION_LEVEL = 1


class FileBasedCache(DjangoFileBasedCache):
    _culling_done = False  # set during set_many(): its writes need no cull of their own

    def _write_content(self, file, timeout, value):
        # Django's own, with the compression level: what it reads back is the same zlib stream.
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), COMPRESSION_LEVEL))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        self._cull()
        self._culling_done = True
        try:
            for key, value in data.items():
                self.set(key, value, timeout, version)
        finally:
            self._culling_done = False
        return []

    def _cull(self):
        if not self._culling_done:
            super()._cull()
