"""First renders after an edit made by another process, in-process: where the peer benchmark's
cold figures differ from cold_render.py's. For each URL and each mode, R times, alternately:

- `here`: the version bumped in this process and connection, then the request (cold_render.py);
- `here-idle`: the same, then CATALOGUE_VERSION_RECHECK_SECONDS + 0.2 s asleep before the request;
- `here-busy`: the same wait spent spinning (the CPU kept busy), so only the recheck differs;
- `other` / `other-busy`: the version bumped by benchmarks.peer.Editor's child process (its own
  connection, as an edit in the admin), then that wait asleep / spinning (the peer's sequence).

Prints the medians of wall time and of this process's CPU time, and the cyclic garbage
collector's pauses inside the timed requests.

    DATABASE_URL=sqlite:////tmp/x-100k.sqlite3 PYTHONPATH=. .venv/bin/python benchmarks/cold_after_edit.py \
        [--repeat R] [--modes here,here-idle,other] URL...
"""

import argparse
import gc
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ.setdefault("PUBLIC_PAGE_STALE_SECONDS", "0")
os.environ.setdefault("CACHE_DIR", "/tmp/catalogue-cold-render-cache")

MODES = ("here", "here-idle", "here-busy", "other", "other-busy")


class GcPauses:
    def __init__(self):
        self.started = 0.0
        self.pauses: list[float] = []
        gc.callbacks.append(self.callback)

    def callback(self, phase, info):
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self.started) * 1000)


def wait(seconds: float, busy: bool) -> None:
    if not busy:
        time.sleep(seconds)
        return
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--modes", default=",".join(MODES))
    args = parser.parse_args()
    modes = args.modes.split(",")
    if unknown := set(modes) - set(MODES):
        raise SystemExit(f"Unknown modes {sorted(unknown)}; choose among {', '.join(MODES)}")

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from benchmarks.peer import Editor
    from initiatives.cache import bump_catalogue_version

    editor = Editor(os.environ["DATABASE_URL"]) if any(m.startswith("other") for m in modes) else None
    pause = settings.CATALOGUE_VERSION_RECHECK_SECONDS + 0.2
    client, pauses = Client(), GcPauses()
    for url in args.urls:  # imports, templates, connection: not what an edit costs
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} did not answer 200")
    samples = {(url, mode): ([], [], []) for url in args.urls for mode in modes}
    try:
        for _ in range(args.repeat):
            for url in args.urls:
                for mode in modes:
                    if mode.startswith("here"):
                        bump_catalogue_version()
                    else:
                        editor.bump()
                    if mode != "here":
                        wait(pause, busy=mode.endswith("busy"))
                    pauses.pauses.clear()
                    started, started_cpu = time.perf_counter(), time.process_time()
                    status = client.get(url).status_code
                    wall, cpu, in_gc = samples[(url, mode)]
                    wall.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                    in_gc.append(sum(pauses.pauses))
                    if status != 200:
                        raise SystemExit(f"{url} answered {status}")
    finally:
        if editor:
            editor.close()
    for (url, mode), (wall, cpu, in_gc) in samples.items():
        print(
            f"{url}  {mode:10} wall median {statistics.median(wall):5.1f} ms (max {max(wall):.0f}),"
            f" CPU median {statistics.median(cpu):5.1f} ms, in the collector {sum(in_gc):.0f} ms"
            f" in all (max {max(in_gc):.0f})"
        )


if __name__ == "__main__":
    main()
