"""The benchmark's table and the performance targets, evaluated as PASS/FAIL (reporting only)."""

PAGES = ("list", "list_filtered_search", "detail", "api_list")


def _cold(result):
    return (result or {}).get("cold")


def _ms(result, key="median_ms"):
    return result.get(key) if result and result.get("status") == "ok" else None


def _target(name, value, limit, unit="ms", passed=None, note=""):
    if value is None:
        result = "missing"
    elif passed is None:
        result = "PASS" if value <= limit else "FAIL"
    else:
        result = "PASS" if passed else "FAIL"
    return {"target": name, "value": value, "limit": limit, "unit": unit, "result": result, "note": note}


def evaluate(run: dict, small: dict | None = None) -> list[dict]:
    results = run["results"]
    floor = _ms(results.get("floor"))
    targets = []

    def multiple(name):
        value = _ms(results.get(name))
        return round(value / floor, 1) if value is not None and floor else None

    def cold_note(name):
        cold = _ms(_cold(results.get(name)))
        return "" if cold is None or not floor else f"cold, after a change: {cold:,.1f} ms = {cold / floor:,.0f}× floor"

    for page in PAGES:
        targets.append(_target(f"{page}: median ≤ 15× floor", multiple(page), 15, "× floor", note=cold_note(page)))
        if small:
            for label, pick in (("", lambda r: r), (" (cold)", _cold)):
                here, there = _ms(pick(results.get(page))), _ms(pick(small["results"].get(page)))
                ratio = round(here / there, 2) if here is not None and there else None
                targets.append(_target(f"{page}{label}: ≤ 3× the same at N={small['meta']['n']:,}", ratio, 3, "×"))
    geo = results.get("geojson_all") or {}
    targets.append(_target("geojson_all: first response < 1 s", _ms(geo), 1000))
    first_gzip = (geo.get("first_gzip") or {}).get("median_ms") if geo.get("status") == "ok" else None
    targets.append(_target("geojson_all: first gzip response < 1 s", first_gzip, 1000))
    repeats = [_ms(geo.get(k)) for k in ("repeat", "conditional")]
    best = min((v for v in repeats if v is not None), default=None)
    targets.append(
        _target(
            "geojson_all: repeat or 304 ≤ 3× floor",
            round(best / floor, 1) if best is not None and floor else None,
            3,
            "× floor",
            note=f"conditional: HTTP {(geo.get('conditional') or {}).get('http_status', '-')}",
        )
    )
    gz = geo.get("bytes_gzip")
    targets.append(_target("geojson_all: gzipped < 3 MB", round(gz / 1e6, 2) if gz else None, 3, "MB"))
    targets.append(_target("home: median ≤ 5× floor", multiple("home"), 5, "× floor", note=cold_note("home")))
    csv = results.get("csv_all") or {}
    ttfb = (csv.get("ttfb") or {}).get("median_ms") if csv.get("status") == "ok" else None
    targets.append(
        _target(
            "csv_all: streamed, first byte ≤ 20× floor",
            round(ttfb / floor, 1) if ttfb is not None and floor else None,
            20,
            "× floor",
            passed=None if ttfb is None else (csv.get("streaming") and ttfb / floor <= 20),
            note=f"streaming={csv.get('streaming')}, memory={csv.get('memory')}",
        )
    )
    imp = results.get("import_polos") or {}
    targets.append(_target("import 77 polos / 1,249 municipalities < 3 s", _ms(imp), 3000))
    if small:
        sizes = f"N={small['meta']['n']:,} vs {run['meta']['n']:,}"
        varying = _varying_queries(results, small["results"])
        requests = [v for v in varying if not v[0].startswith("import_polos")]
        # A page may take one query fewer when the data lets it (the detail page's similar
        # initiatives found directly); what must never happen is a count that grows with N.
        growing = [v for v in requests if v[2] > v[1]]
        targets.append(
            _target(
                f"SQL queries per request do not grow with N ({sizes})",
                len(growing),
                0,
                "endpoints growing",
                note=", ".join(f"{name} {small_n}→{large_n}" for name, small_n, large_n in requests),
            )
        )
        imports = [f"{name} {a}→{b}" for name, a, b in varying if name.startswith("import_polos")]
        targets.append(_target(f"import: SQL queries constant ({sizes})", len(imports), 0, "", note=", ".join(imports)))
    return targets


def _varying_queries(results: dict, small: dict) -> list[tuple[str, int, int]]:
    """(endpoint, queries at the small N, queries at the large N) wherever the two differ."""
    pairs = [(name, result, small.get(name)) for name, result in results.items()]
    pairs += [(f"{name} cold", _cold(result), _cold(small.get(name))) for name, result in results.items()]
    return [
        (name, there.get("queries"), here.get("queries"))
        for name, here, there in pairs
        if (here or {}).get("status") == "ok"
        and (there or {}).get("status") == "ok"
        and here.get("queries") != there.get("queries")
    ]


def _fmt(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def rows(run: dict):
    results = run["results"]
    floor = _ms(results.get("floor"))
    for name, result in results.items():
        entries = [(name, result)]
        for sub in ("cold", "repeat", "conditional"):
            if isinstance(result.get(sub), dict) and "status" in result[sub]:
                entries.append((f"  {name} {sub}", result[sub]))
        for label, r in entries:
            median = _ms(r)
            size = r.get("bytes")
            size_text = "-" if size is None else f"{size / 1e3:,.0f} kB"
            if r.get("bytes_gzip"):
                size_text += f" ({r['bytes_gzip'] / 1e3:,.0f} gz)"
            yield (
                label,
                r.get("status", "-") if r.get("status") != "ok" else str(r.get("http_status", "ok")),
                _fmt(median),
                _fmt(_ms(r, "p95_ms")),
                _fmt(median / floor if median is not None and floor else None),
                "-" if r.get("queries") is None else str(r["queries"]),
                size_text,
            )


def print_report(document: dict) -> None:
    header = ("endpoint", "status", "median ms", "p95 ms", "× floor", "queries", "size")
    for run in document["runs"]:
        meta = run["meta"]
        print(f"\nN = {meta['n']:,} on {meta['database']} ({meta['method']}; {meta['repeat']} repeats)")
        table = [header, *rows(run)]
        widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
        for row in table:
            print(
                "  ".join(
                    str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                    for i, (cell, w) in enumerate(zip(row, widths, strict=True))
                )
            )
    print("\nTargets (reporting only)")
    for t in document["targets"]:
        value = "-" if t["value"] is None else f"{t['value']:,} {t['unit']}"
        note = f"  [{t['note']}]" if t["note"] else ""
        print(f"  {t['result']:<7} {t['target']:<60} {value}{note}")
