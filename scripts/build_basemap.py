"""Build static/map/basemap.json, the geography every map draws without any tile server.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz            # -> package/
    .venv/bin/python scripts/build_basemap.py package/ [STATES_FOLDER]

Countries come from Natural Earth through world-atlas (TopoJSON, decoded here): the Americas at
1:50m, the rest of the world at 1:110m as context. Brazil's states, optional, from a folder
of GeoJSON files, one per state (none is shipped today). Coordinates are rounded to 0.01° (about 1 km, finer than a pixel up to zoom 7) and thinned
with Douglas–Peucker, so the file stays small enough to load with every map.

Each feature: `code` (ISO 3166-1 alpha-2 for a country, `BR-XX` for a state), `level`
(`country` or `state`), a state's `name`, and for the countries of the Americas `label` ([lon, lat] where the name
goes) and `area` (square degrees, which map.js uses to choose the names that fit a zoom level).
"""

import argparse
import json
import sys
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "map" / "basemap.json"
# A country whose main part lies in this box (Mexico to Tierra del Fuego, the Caribbean) is drawn
# at 1:50m and labelled; the others at 1:110m, unlabelled, as context.
AMERICAS = (-170.0, -60.0, -30.0, 84.0)  # also labelled
DETAILED = (-120.0, -60.0, -30.0, 33.0)
CONTEXT_ONLY = {"US"}  # reaches into that box, but is context here
LEFT_OUT = {"AQ"}  # Antarctica: huge in Web Mercator, south of every initiative
TOLERANCE = {"detailed": 0.03, "context": 0.1, "state": 0.03}


# --- TopoJSON --------------------------------------------------------------------------------------


def decode_arcs(topology):
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes, arcs):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry, arcs):
    """A TopoJSON Polygon or MultiPolygon as a list of polygons (lists of rings)."""
    if geometry["type"] == "Polygon":
        return [[ring(r, arcs) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
    return []


# --- geometry --------------------------------------------------------------------------------------


def simplify(points, tolerance):
    """Douglas–Peucker on a closed ring, keeping its first and last point."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            if norm:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            else:
                distance = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def rounded(points):
    out = []
    for x, y in points:
        point = [round(x, 2), round(y, 2)]
        if not out or point != out[-1]:
            out.append(point)
    return out


def area_and_centroid(points):
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if not a:
        return 0.0, points[0]
    return abs(a) / 2, (cx / (3 * a), cy / (3 * a))


def inside(point, points):
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            result = not result
    return result


def within(polys, region):
    """Whether the centre of a country's largest polygon (France's is in Europe) is in the region."""
    (_, (x, y)) = max((area_and_centroid(poly[0]) for poly in polys), key=lambda m: m[0])
    return region[0] <= x <= region[2] and region[1] <= y <= region[3]


def clean(polys, tolerance):
    """Simplified, rounded polygons; rings that shrink to nothing are dropped."""
    out = []
    for poly in polys:
        # A ring crossing the antimeridian (Fiji, Chukotka) would be drawn as a line round the world.
        if max(x for x, _ in poly[0]) - min(x for x, _ in poly[0]) > 180:
            continue
        rings = [rounded(simplify(r, tolerance)) for r in poly]
        rings = [r for r in rings if len(r) >= 4]
        if rings:
            out.append(rings)
    return out


def feature(code, level, polys, labelled=False):
    properties = {"code": code, "level": level}
    if labelled:
        measured = [(area_and_centroid(poly[0]), poly[0]) for poly in polys]
        (area, centre), outer = max(measured, key=lambda m: m[0][0])
        if not inside(centre, outer):  # a crescent: fall back on a vertex-mean that is inside
            centre = min(outer, key=lambda p: (p[0] - centre[0]) ** 2 + (p[1] - centre[1]) ** 2)
        properties["label"] = [round(centre[0], 2), round(centre[1], 2)]
        properties["area"] = round(sum(m[0][0] for m in measured), 1)
    geometry = {"type": "MultiPolygon", "coordinates": polys}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def alpha2(numeric):
    if numeric is None:
        return ""
    country = pycountry.countries.get(numeric=str(numeric).zfill(3))
    return country.alpha_2 if country else ""


def countries(world_atlas: Path):
    detailed = json.loads((world_atlas / "countries-50m.json").read_text())
    context = json.loads((world_atlas / "countries-110m.json").read_text())
    detailed_arcs, context_arcs = decode_arcs(detailed), decode_arcs(context)
    features = []
    for geometry in detailed["objects"]["countries"]["geometries"]:
        polys = polygons(geometry, detailed_arcs)
        if polys and within(polys, DETAILED) and alpha2(geometry.get("id")) not in CONTEXT_ONLY:
            polys = clean(polys, TOLERANCE["detailed"])
            features.append(feature(alpha2(geometry.get("id")), "country", polys, labelled=True))
    taken = {f["properties"]["code"] for f in features}
    for geometry in context["objects"]["countries"]["geometries"]:
        code = alpha2(geometry.get("id"))
        polys = polygons(geometry, context_arcs)
        if not polys or (code and code in taken) or code in LEFT_OUT:
            continue
        labelled = within(polys, AMERICAS)  # the United States, Canada, Greenland
        features.append(feature(code, "country", clean(polys, TOLERANCE["context"]), labelled=labelled))
    return features


STATE_NAMES = {
    "AC": "Acre", "AL": "Alagoas", "AM": "Amazonas", "AP": "Amapá", "BA": "Bahia", "CE": "Ceará",
    "DF": "Distrito Federal", "ES": "Espírito Santo", "GO": "Goiás", "MA": "Maranhão", "MG": "Minas Gerais",
    "MS": "Mato Grosso do Sul", "MT": "Mato Grosso", "PA": "Pará", "PB": "Paraíba", "PE": "Pernambuco",
    "PI": "Piauí", "PR": "Paraná", "RJ": "Rio de Janeiro", "RN": "Rio Grande do Norte", "RO": "Rondônia",
    "RR": "Roraima", "RS": "Rio Grande do Sul", "SC": "Santa Catarina", "SE": "Sergipe", "SP": "São Paulo",
    "TO": "Tocantins",
}  # fmt: skip


def states(folder: Path):
    features = []
    for path in sorted(folder.glob("br_*.json")):
        code = "BR-" + path.stem.split("_")[1].upper()
        data = json.loads(path.read_text())
        polys = []
        for item in data["features"]:
            geometry = item["geometry"]
            raw = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            polys += [[[tuple(p) for p in r] for r in poly] for poly in raw]
        state = feature(code, "state", clean(polys, TOLERANCE["state"]))
        state["properties"]["name"] = STATE_NAMES[code[3:]]  # the same in every language of the site
        features.append(state)
    return features


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("world_atlas", type=Path, help="the unpacked world-atlas package")
    parser.add_argument(
        "br_states", type=Path, nargs="?", help="a folder of Brazil's state outlines, GeoJSON, one file per state"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    features = countries(args.world_atlas)
    if args.br_states:
        features += states(args.br_states)
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(body + "\n")
    print(f"{args.out}: {len(features)} features, {len(body):,} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
