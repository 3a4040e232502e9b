"""What the facet rows' triggers (initiatives.facet_rows) add to writes: up to 2,000 sector links
added to published initiatives in one statement, in a transaction rolled back, with the triggers
and without them (dropped inside the transaction), alternately; medians of 5.

    DATABASE_URL=sqlite:////tmp/x-100k.sqlite3 PYTHONPATH=. .venv/bin/python benchmarks/facet_row_writes.py
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")


def main() -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    from initiatives import facet_rows
    from initiatives.models import Initiative, Sector

    through = Initiative.sectors.through
    sector = Sector.objects.order_by("-pk").first()
    ids = Initiative.objects.published().exclude(sectors=sector).order_by("pk").values_list("pk", flat=True)[:2000]
    links = [through(initiative_id=pk, sector_id=sector.pk) for pk in ids]
    times = {"with": [], "without": []}
    for _ in range(5):
        for mode in ("without", "with"):
            with transaction.atomic():
                if mode == "without":
                    facet_rows.drop_triggers(connection)
                started = time.perf_counter()
                through.objects.bulk_create(links)
                times[mode].append(time.perf_counter() - started)
                transaction.set_rollback(True)
    for mode, elapsed in times.items():
        print(
            f"{connection.vendor} {len(links)} links, {mode} the facet rows' triggers: {1000 * statistics.median(elapsed):.0f} ms"
        )


if __name__ == "__main__":
    main()
