"""Issue 3, bullet 8: the public API and the nearest places, with 18,000 places.

Targets (issue 3):
- the GeoJSON of the whole country (18,000 places, 100 départements): < 200 ms server time warm,
  < 1 MB gzipped;
- the 20 nearest places to a commune: < 50 ms.

What it does: a throwaway database (a temporary SQLite file, or — with DATABASE_URL set, e.g. a
throwaway PostgreSQL started with `scripts/services.sh start && source var/services.env` — a
`test_…` database next to it), the communes reference (`charger_territoires`), then
`seed_scale --profil national`; everything is dropped at the end.

- GeoJSON "chaud": through Django's test Client in this process (every middleware, the view,
  gzip), after one warm-up request that fills the server-side cache; median of 15.
- GeoJSON "froid": the same with the cache cleared before each request (what the first visitor
  after a change pays); for information.
- 20 nearest places: `structures.selectors.lieux_autour` (bounding box, then haversine in SQL),
  with a radius widened until 20 places are in it, for 6 communes from Paris to rural Creuse and
  La Réunion; the full Lieu rows are fetched. Median over communes × repetitions.
- Floors, same process: the minimal view `/sante/` (middlewares + `SELECT 1`) for the HTTP
  figures; for the nearest places, the final query's SQL (the radius that holds 20 places) run
  raw through a cursor: the ratio is the cost of the ORM and of widening the radius.

Run: `make bench` (or `make bench BENCH=bench/lieux_api.py`). Exit status 1 if a target is missed.
"""

import gzip
import io
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mesure import Ligne, base_jetable, machine, mediane, preparer_django, tableau

COMMUNES = {
    "75056": "Paris",
    "69123": "Lyon",
    "23096": "Guéret",
    "23176": "Royère-de-Vassivière",
    "2A004": "Ajaccio",
    "97411": "Saint-Denis (La Réunion)",
}
RAYONS_KM = (5, 10, 20, 50, 100, 200, 500, 2000, 20000)
NOMBRE_PROCHES = 20


def plus_proches(lieux, *, latitude: float, longitude: float, nombre: int = NOMBRE_PROCHES) -> list:
    """The `nombre` nearest active places: the directory's `lieux_autour` (bounding box +
    haversine in SQL) with a radius widened until enough places fall inside."""
    from structures.selectors import lieux_autour

    for rayon in RAYONS_KM:
        trouves = list(lieux_autour(lieux, latitude=latitude, longitude=longitude, rayon_km=rayon)[:nombre])
        if len(trouves) == nombre:
            return trouves
    return trouves


def requete_finale(lieux, *, latitude: float, longitude: float) -> tuple[str, tuple]:
    """The SQL of the last query `plus_proches` runs for this point (the radius that holds 20)."""
    from structures.selectors import lieux_autour

    for rayon in RAYONS_KM:
        requete = lieux_autour(lieux, latitude=latitude, longitude=longitude, rayon_km=rayon)[:NOMBRE_PROCHES]
        if requete.count() == NOMBRE_PROCHES:
            break
    return requete.query.sql_with_params()


def plancher_sql(curseur, sql: str, parametres: tuple) -> None:
    """Floor for the nearest places: that one query, raw, through a cursor (no ORM, no widening)."""
    curseur.execute(sql, parametres)
    curseur.fetchall()


def main() -> int:
    preparer_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from demo import scale
    from structures.models import Lieu
    from territoires.models import Commune

    with base_jetable():
        debut = time.perf_counter()
        call_command("charger_territoires", verbosity=0, stdout=io.StringIO())
        duree_territoires = time.perf_counter() - debut
        bilan = scale.construire("national")
        print(
            f"Données : référentiel des communes en {duree_territoires:.1f} s ; "
            f"seed_scale national : {bilan.crees} lieux en {bilan.secondes:.1f} s "
            f"({'positions des communes' if bilan.avec_referentiel else 'positions aléatoires'})."
        )
        actifs = Lieu.objects.actifs()
        print(
            f"Lieux actifs : {actifs.count()}, dont {actifs.exclude(latitude=None).count()} avec une position ; "
            f"départements : {actifs.values('departement').distinct().count()}."
        )

        client = Client()
        url = "/api/v1/lieux.geojson"
        gz = {"HTTP_ACCEPT_ENCODING": "gzip"}

        def geojson_chaud():
            reponse = client.get(url, **gz)
            assert reponse.status_code == 200, reponse.status_code
            return reponse

        def geojson_froid():
            cache.clear()
            return geojson_chaud()

        def sante():
            assert client.get("/sante/").status_code == 200

        reponse = geojson_chaud()
        taille_gz = len(reponse.content) / 1000
        taille_brute = len(gzip.decompress(reponse.content)) / 1000
        nb_features = len(json.loads(gzip.decompress(reponse.content))["features"])
        etag = reponse["ETag"]

        plancher_http = mediane(sante, repetitions=30)
        chaud = mediane(geojson_chaud)
        froid = mediane(geojson_froid, repetitions=7)
        revalidation = mediane(lambda: client.get(url, HTTP_IF_NONE_MATCH=etag, **gz), repetitions=15)
        liste = mediane(lambda: client.get("/api/v1/lieux", {"par_page": 100, "page": 50}, **gz), repetitions=15)

        # 20 nearest places, over several communes.
        communes = Commune.objects.filter(code_insee__in=COMMUNES)
        positions = {code: (lat, lon) for code, lat, lon in communes.values_list("code_insee", "latitude", "longitude")}
        durees, planchers = [], []
        with connection.cursor() as curseur:
            for code in COMMUNES:
                lat, lon = positions[code]
                trouves = plus_proches(actifs, latitude=lat, longitude=lon)
                assert len(trouves) == NOMBRE_PROCHES, (code, len(trouves))
                durees.append(mediane(lambda lat=lat, lon=lon: plus_proches(actifs, latitude=lat, longitude=lon)))
                sql, parametres = requete_finale(actifs, latitude=lat, longitude=lon)
                planchers.append(mediane(lambda sql=sql, parametres=parametres: plancher_sql(curseur, sql, parametres)))
                print(f"  {COMMUNES[code]} : {durees[-1]:.1f} ms, le 20e lieu à {trouves[-1].distance_km:.1f} km")
        proches = statistics.median(durees)

        # The CSV: time, then peak Python memory while streaming it (tracemalloc, a second run: it
        # slows allocations down). A third of the places, then all of them: the peak must not grow.
        def csv_complet(params: dict) -> tuple[float, float, float]:
            def lire() -> int:
                return sum(len(m) for m in client.get("/api/v1/lieux.csv", params).streaming_content)

            debut = time.perf_counter()
            octets = lire()
            duree = time.perf_counter() - debut
            tracemalloc.start()
            lire()
            pic = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            return octets / 1e6, duree, pic

        csv_partiel = csv_complet({"pass_numerique": "1"})
        csv_france = csv_complet({})

        lignes = [
            Ligne(f"GeoJSON France entière ({nb_features} lieux), chaud", "< 200 ms", chaud, plancher=plancher_http,
                  tenu=chaud < 200),
            Ligne("GeoJSON France entière, taille gzip", "< 1 MB", taille_gz, unite="kB", tenu=taille_gz < 1000),
            Ligne("GeoJSON France entière, froid (cache vidé)", "—", froid, plancher=plancher_http),
            Ligne("GeoJSON, revalidation If-None-Match → 304", "—", revalidation, plancher=plancher_http),
            Ligne("JSON paginé, page 50 de 100 lieux", "—", liste, plancher=plancher_http),
            Ligne(f"20 lieux les plus proches (médiane de {len(COMMUNES)} communes)", "< 50 ms", proches,
                  plancher=statistics.median(planchers), tenu=proches < 50),
        ]  # fmt: skip
        print()
        print(f"Machine : {machine()}")
        print(f"GeoJSON : {taille_brute:.0f} kB sans compression, {taille_gz:.0f} kB en gzip.")
        for libelle, (taille, duree, pic) in (("pass_numerique=1", csv_partiel), ("complet", csv_france)):
            print(
                f"CSV {libelle} : {taille:.1f} MB en {duree:.2f} s, pic de mémoire Python {pic:.1f} MB (tracemalloc)."
            )
        print("Planchers : /sante/ (vue minimale + SELECT 1) ; la dernière requête des plus proches, en SQL brut.")
        print()
        print(tableau(lignes))
    return 0 if all(ligne.tenu is not False for ligne in lignes) else 1


if __name__ == "__main__":
    sys.exit(main())
