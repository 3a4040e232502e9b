"""The file cache the project uses without REDIS_URL, on real files in a folder of the test's own."""

import pickle
import zlib

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

file_cache = pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"), reason="the cache is Redis"
)


def project_file_cache(folder, max_entries=1000):
    backend = import_string(settings.CACHES["default"]["BACKEND"])
    return backend(str(folder), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


@file_cache
def test_it_lists_its_folder_once_for_many_keys_written_together(tmp_path):
    """Each listing reads every entry's name: ten of them made a page's facet counts cost more to
    store than to count."""
    cache = project_file_cache(tmp_path)
    listings = []
    list_files = cache._list_cache_files
    cache._list_cache_files = lambda: listings.append(1) or list_files()

    cache.set_many({f"facet-{n}": {"BR": n} for n in range(10)})

    assert len(listings) == 1
    assert cache.get_many([f"facet-{n}" for n in range(10)]) == {f"facet-{n}": {"BR": n} for n in range(10)}


@file_cache
def test_it_still_evicts_entries_beyond_its_limit(tmp_path):
    cache = project_file_cache(tmp_path, max_entries=30)
    cache.set_many({f"first-{n}": n for n in range(30)})
    cache.set_many({f"more-{n}": n for n in range(5)})
    cache.set("last", 1)

    assert len(cache._list_cache_files()) <= 30
    assert cache.get("last") == 1
    assert cache.get_many([f"more-{n}" for n in range(5)]) == {f"more-{n}": n for n in range(5)}


@file_cache
def test_it_writes_a_page_with_zlibs_fastest_compression_and_reads_it_back(tmp_path):
    cache = project_file_cache(tmp_path)
    page = ("version", "page_size=100", b'{"results":[' + b",".join(b'{"n":%d}' % n for n in range(5000)) + b"]}", {})
    cache.set("page", page, 60)

    [entry] = cache._list_cache_files()
    with open(entry, "rb") as file:
        pickle.load(file)  # the expiry
        stored = file.read()
    assert stored == zlib.compress(pickle.dumps(page, cache.pickle_protocol), 1)
    assert cache.get("page") == page


@file_cache
def test_it_lists_its_folder_once_every_fifty_writes_not_before_each(tmp_path):
    """A first render after an edit writes three or more times; each listing of a 1,000-entry
    folder cost 1–3 ms."""
    cache = project_file_cache(tmp_path, max_entries=1000)
    listings = []
    list_files = cache._list_cache_files
    cache._list_cache_files = lambda: listings.append(1) or list_files()

    for n in range(100):
        cache.set(f"page-{n}", n)

    assert len(listings) == 2  # before the 1st and the 51st write
    assert cache.get_many([f"page-{n}" for n in range(100)]) == {f"page-{n}": n for n in range(100)}


@file_cache
def test_it_keeps_its_entries_within_a_few_of_its_limit_over_many_writes(tmp_path):
    cache = project_file_cache(tmp_path, max_entries=100)
    assert cache.cull_every == 5
    most = 0
    for n in range(600):
        if n % 7 == 0:
            cache.set_many({f"facet-{n}-{m}": m for m in range(3)})
        else:
            cache.set(f"page-{n}", n)
        most = max(most, len(cache._list_cache_files()))

    assert 100 <= most <= 100 + cache.cull_every + 3
    assert cache.get("page-599") == 599
