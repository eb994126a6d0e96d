"""Build resources/geo/china_provinces.json (the outlines of widgets/map_view.py) from echarts 4.9.0's map.

Source: the npm package echarts@4.9.0 (Apache-2.0), file map/json/china.json (34 province-level divisions,
coordinates "UTF8Encoding"-compressed), plus the two fixes echarts' own loader applies to that map:
lib/coord/geo/fix/nanhai.js (the South China Sea islands inset) and lib/coord/geo/fix/diaoyuIsland.js
(Diaoyu Island, added to Taiwan). echarts 5 dropped the bundled maps, so the version is pinned.
Run from the repository root:

    python installer/build_province_outlines.py            # runs `npm pack echarts@4.9.0` into a temp dir
    python installer/build_province_outlines.py /tmp/echarts-4.9.0.tgz

Standard library only; the output is byte-identical for the same tarball. See resources/geo/README.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "resources" / "geo"
OUT = GEO / "china_provinces.json"
PACKAGE = "echarts"
VERSION = "4.9.0"
TOLERANCE_DEG = 0.02
# Rings smaller than this (deg², about 2.5 km²) are specks at any zoom the map offers; dropping them saves
# hundreds of islets of Zhejiang and Fujian.
MIN_RING_AREA = 0.0002
# echarts quantises to 1/1024 deg, so 3 decimals lose nothing visible and keep shared points shared.
DECIMALS = 3

Point = tuple[float, float]

# The three divisions that provinces_cn.csv (GeoNames, mainland only) does not list.
EXTRA_NAMES = {
    "台湾": ("台湾省", "Taiwan"),
    "香港": ("香港特别行政区", "Hong Kong"),
    "澳门": ("澳门特别行政区", "Macau"),
}


# --- echarts' compressed coordinates ----------------------------------------------------------------------

def decode_ring(encoded: str, offset: list[int], scale: float) -> list[Point]:
    """echarts' decodePolygon (src/coord/geo/parseGeoJson.js): two chars per point, each char code - 64 is
    a zigzag-encoded delta from the previous point; the first delta is from encodeOffsets; divide by the
    scale."""
    prev_x, prev_y = offset
    out: list[Point] = []
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ -(x & 1)
        y = (y >> 1) ^ -(y & 1)
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        out.append((x / scale, y / scale))
    return out


def decode_features(doc: dict) -> list[tuple[dict, list[list[list[Point]]]]]:
    """(properties, polygons) per feature; a polygon is a list of rings (exterior first), each ring closed."""
    scale = doc.get("UTF8Scale") or 1024
    out = []
    for feature in doc["features"]:
        geom = feature["geometry"]
        if geom["type"] == "Polygon":
            polys, offsets = [geom["coordinates"]], [geom["encodeOffsets"]]
        elif geom["type"] == "MultiPolygon":
            polys, offsets = geom["coordinates"], geom["encodeOffsets"]
        else:
            raise ValueError(f"unexpected geometry {geom['type']}")
        if not doc.get("UTF8Encoding"):
            decoded = [[[tuple(p) for p in ring] for ring in poly] for poly in polys]
        else:
            decoded = [[decode_ring(ring, off, scale) for ring, off in zip(poly, poff, strict=True)]
                       for poly, poff in zip(polys, offsets, strict=True)]
        for poly in decoded:
            for ring in poly:
                if ring[0] != ring[-1]:
                    ring.append(ring[0])
        out.append((feature["properties"], decoded))
    return out


def diaoyu_island(js: str) -> list[list[Point]]:
    """The rings echarts' loader adds to 台湾 (lib/coord/geo/fix/diaoyuIsland.js), already in lon/lat."""
    points = json.loads(re.search(r"^var points = (\[.*?\]);$", js, re.M).group(1))
    return [[tuple(p) for p in ring] for ring in points]


def nanhai_inset(js: str) -> list[list[Point]]:
    """The South China Sea islands inset of echarts (lib/coord/geo/fix/nanhai.js), placed as echarts places
    it: a schematic frame in the sea south-east of Taiwan, in lon/lat."""
    origin = json.loads(re.search(r"var geoCoord = (\[[^\]]*\]);", js).group(1))
    points = json.loads(re.search(r"var points = (\[.*?\]);\n", js, re.S).group(1))
    # Same transform as the file's loop: x / 10.5, y / (-10.5 / 0.75), then shift to geoCoord.
    return [[(x / 10.5 + origin[0], y / (-10.5 / 0.75) + origin[1]) for x, y in ring] for ring in points]


# --- topology-preserving Douglas-Peucker ------------------------------------------------------------------

def _seg_dist(p: Point, a: Point, b: Point) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    if dx == 0 and dy == 0:
        return math.hypot(p[0] - ax, p[1] - ay)
    t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def douglas_peucker(pts: list[Point], tol: float) -> list[Point]:
    """Keep both ends. Ties go to the larger point, so a shared border simplified in either direction gives
    the same points on both sides (no slivers or gaps between neighbours)."""
    if len(pts) < 3:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best: tuple[float, Point] = (-1.0, (-math.inf, -math.inf))
        best_k = -1
        for k in range(i + 1, j):
            key = (_seg_dist(pts[k], pts[i], pts[j]), pts[k])
            if key > best:
                best, best_k = key, k
        if best[0] > tol:
            keep[best_k] = True
            stack.append((i, best_k))
            stack.append((best_k, j))
    return [p for p, k in zip(pts, keep, strict=True) if k]


def ring_area(ring: list[Point]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))) / 2


def simplify_rings(rings: list[list[Point]], tol: float) -> list[list[Point]]:
    """Simplify closed rings so that borders shared by two provinces stay shared.

    A vertex is pinned where the set of rings using it changes (where a shared border starts or ends); the
    runs between pinned vertices are simplified on their own, and both neighbours see the same run, so they
    get the same result. A ring with no pinned vertex (an island) pins its smallest point and the point
    farthest from it. Small rings get a smaller tolerance (a fifth of their extent) so Macau and Hong Kong
    keep their shape; a run uses the smallest tolerance of the rings that share it, which both sides compute
    alike.
    """
    users: dict[Point, set[int]] = {}
    for r, ring in enumerate(rings):
        for p in ring[:-1]:
            users.setdefault(p, set()).add(r)
    ring_tol = []
    for ring in rings:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        ring_tol.append(min(tol, math.hypot(max(xs) - min(xs), max(ys) - min(ys)) / 5))
    out = []
    for ring in rings:
        pts = ring[:-1]
        n = len(pts)
        use = [frozenset(users[p]) for p in pts]
        pinned = [i for i in range(n) if use[i] != use[i - 1] or use[i] != use[(i + 1) % n]]
        if not pinned:
            first = min(range(n), key=lambda i: pts[i])
            fx, fy = pts[first]
            far = max(range(n), key=lambda i: ((pts[i][0] - fx) ** 2 + (pts[i][1] - fy) ** 2, pts[i]))
            pinned = sorted({first, far})
        result: list[Point] = []
        for a, b in zip(pinned, pinned[1:] + [pinned[0] + n], strict=True):
            run = [pts[k % n] for k in range(a, b + 1)]
            shared_by = set.intersection(*(set(use[k % n]) for k in range(a, b + 1)))
            run_tol = min(ring_tol[r] for r in shared_by)
            result.extend(douglas_peucker(run, run_tol)[:-1])
        result.append(result[0])
        out.append(result)
    return out


# --- label points -----------------------------------------------------------------------------------------

def _inside(x: float, y: float, ring: list[Point]) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def label_point(ring: list[Point]) -> Point:
    """A point well inside the ring (the grid point farthest from its border): where a province's name reads
    best. The centroid can fall outside a crescent such as Gansu or Inner Mongolia."""
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    best, best_p = -1.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    steps = 40
    for i in range(1, steps):
        for j in range(1, steps):
            x = min(xs) + (max(xs) - min(xs)) * i / steps
            y = min(ys) + (max(ys) - min(ys)) * j / steps
            if not _inside(x, y, ring):
                continue
            # Distances in a locally undistorted frame: longitude degrees shrink with cos(latitude).
            k = math.cos(math.radians(y))
            d = min(_seg_dist((x * k, y), (a[0] * k, a[1]), (b[0] * k, b[1]))
                    for a, b in zip(ring, ring[1:], strict=False))
            if d > best:
                best, best_p = d, (x, y)
    return best_p


# --- assembling -------------------------------------------------------------------------------------------

def province_table() -> dict[str, tuple[str, str, str, str]]:
    """echarts short name -> (full name_zh, name_en, GeoNames code, region code) from provinces_cn.csv."""
    with open(GEO / "provinces_cn.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["name_zh"]: (r["name_zh"], r["name_en"], r["code"], r["region_code"]) for r in rows}


def match_province(short: str, table: dict[str, tuple[str, str, str, str]],
                   ) -> tuple[str, str, str | None, str | None]:
    if short in EXTRA_NAMES:
        full, en = EXTRA_NAMES[short]
        return full, en, None, None  # no GeoNames CN admin1 code and no sales region: no stores there
    hits = [v for k, v in table.items() if k.startswith(short)]
    if len(hits) != 1:
        raise ValueError(f"cannot match echarts name {short!r} to provinces_cn.csv: {hits}")
    return hits[0]


def rounded(ring: list[Point]) -> list[list[float]]:
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring]


def build(tgz: Path) -> dict:
    with tarfile.open(tgz) as tar:
        def read(name: str) -> str:
            return tar.extractfile(f"package/{name}").read().decode("utf-8")

        meta = json.loads(read("package.json"))
        if (meta["name"], meta["version"]) != (PACKAGE, VERSION):
            raise SystemExit(f"expected {PACKAGE}@{VERSION}, got {meta['name']}@{meta['version']}")
        china = json.loads(read("map/json/china.json"))
        nanhai = read("lib/coord/geo/fix/nanhai.js")
        diaoyu = read("lib/coord/geo/fix/diaoyuIsland.js")
    features = decode_features(china)
    for props, polys in features:
        if props["name"] == "台湾":  # as echarts' geoJSONLoader does for the china map
            polys.extend([ring] for ring in diaoyu_island(diaoyu))
    table = province_table()

    flat: list[list[Point]] = []
    where: list[tuple[int, int]] = []  # (feature, polygon) of each ring in flat
    for f, (_, polys) in enumerate(features):
        for p, poly in enumerate(polys):
            for ring in poly:
                flat.append(ring)
                where.append((f, p))
    simplified = simplify_rings(flat, TOLERANCE_DEG)

    provinces = []
    kept_points = 0
    for f, (props, polys) in enumerate(features):
        full, en, code, region = match_province(props["name"], table)
        out_polys: list[list[list[list[float]]]] = [[] for _ in polys]
        for (ff, p), ring in zip(where, simplified, strict=True):
            if ff == f and len(ring) >= 4 and ring_area(ring) >= MIN_RING_AREA:
                out_polys[p].append(rounded(ring))
        out_polys = [poly for poly in out_polys if poly]  # a polygon whose exterior vanished goes whole
        if not out_polys:
            raise ValueError(f"{props['name']} lost all its polygons")
        kept_points += sum(len(r) for poly in out_polys for r in poly)
        largest = max((ring for ring in (poly[0] for poly in out_polys)), key=lambda r: ring_area(
            [tuple(p) for p in r]))
        lx, ly = label_point([tuple(p) for p in largest])
        provinces.append({
            "adcode": props["id"],  # GB/T 2260 code, e.g. 110000 Beijing
            "code": code,  # GeoNames CN admin1 code of provinces_cn.csv; null for Taiwan, Hong Kong, Macau
            "name_zh": props["name"],
            "full_name_zh": full,
            "name_en": en,
            "region_code": region,
            "label": [round(lx, 2), round(ly, 2)],
            "polygons": out_polys,
        })
    provinces.sort(key=lambda p: p["adcode"])
    source_points = sum(len(r) for r in flat)
    print(f"{len(provinces)} provinces, {source_points} -> {kept_points} points", file=sys.stderr)
    return {
        "source": (f"npm {PACKAGE}@{VERSION}: map/json/china.json, lib/coord/geo/fix/nanhai.js, "
                   "diaoyuIsland.js"),
        "source_sha256": hashlib.sha256(tgz.read_bytes()).hexdigest(),
        "licence": "Apache-2.0 (see LICENSE-provinces.txt)",
        "simplification": f"Douglas-Peucker, shared borders kept shared, tolerance {TOLERANCE_DEG} deg",
        "coordinates": "[lon, lat] WGS84-ish degrees as echarts ships them; rings closed, exterior first",
        "provinces": provinces,
        "south_china_sea_inset": [rounded(r) for r in nanhai_inset(nanhai)],
    }


def fetch_tarball(dest: Path) -> Path:
    """`npm pack` downloads the published tarball without installing anything."""
    subprocess.run(["npm", "pack", "--silent", f"{PACKAGE}@{VERSION}", "--pack-destination", str(dest)],
                   check=True, stdout=subprocess.DEVNULL)
    return dest / f"{PACKAGE}-{VERSION}.tgz"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", nargs="?", type=Path,
                        help=f"{PACKAGE}-{VERSION}.tgz (default: npm pack it)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tgz = args.tarball or fetch_tarball(Path(tmp))
        doc = build(tgz)
    buf = io.StringIO()
    # One province per line: diffs stay readable, and the file stays compact.
    buf.write("{\n")
    for key, value in doc.items():
        if key == "provinces":
            buf.write('"provinces": [\n')
            buf.write(",\n".join(json.dumps(p, ensure_ascii=False, separators=(",", ":")) for p in value))
            buf.write("\n],\n")
        else:
            end = "\n" if key == "south_china_sea_inset" else ",\n"
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            buf.write(f"{json.dumps(key)}: {text}{end}")
    buf.write("}\n")
    args.out.write_text(buf.getvalue(), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
