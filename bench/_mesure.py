"""Shared helpers of the benches (not a bench: `make bench` skips bench/_*.py).

- `preparer_django()`: settings for a bench (DEBUG off, a throwaway SQLite file unless
  DATABASE_URL is set), then django.setup();
- `base_jetable()`: a context manager that creates a fresh database (SQLite file, or the
  `test_…` database next to DATABASE_URL's on PostgreSQL), migrates it, and drops it at the end.
  `var/einclusion.sqlite3` and DATABASE_URL's own database are never touched;
- `mediane()`, `Ligne`, `tableau()`: timings and the Markdown table of bench/README.md;
- `machine()`: processor, cores, memory, Python, database — to paste into docs/performance.md.
"""

import contextlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def preparer_django(**env) -> None:
    """Environment defaults of `make bench` (so that the script also runs on its own), then setup."""
    defaults = {
        "DJANGO_SETTINGS_MODULE": "einclusion.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "CELERY_BROKER_URL": "",
        **env,
    }
    for cle, valeur in defaults.items():
        os.environ.setdefault(cle, valeur)
    if not os.environ.get("DATABASE_URL"):
        dossier = tempfile.mkdtemp(prefix="einclusion-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{dossier}/bench.sqlite3"
    if str(RACINE) not in sys.path:
        sys.path.insert(0, str(RACINE))
    # whitenoise warns that STATIC_ROOT does not exist: the benches serve no collected files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()


@contextlib.contextmanager
def base_jetable():
    """A fresh, migrated database for the bench; dropped (or deleted) afterwards."""
    from django.db import connection

    reglages = connection.settings_dict
    if connection.vendor == "sqlite":
        reglages.setdefault("TEST", {})["NAME"] = reglages["NAME"]  # the temporary file, not memory
    nom_original = reglages["NAME"]
    nom = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield nom
    finally:
        connection.creation.destroy_test_db(nom_original, verbosity=0)
        if connection.vendor == "sqlite":
            for suffixe in ("", "-wal", "-shm"):
                Path(nom + suffixe).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                Path(nom).parent.rmdir()


def mediane(fonction, *, repetitions: int = 15, echauffement: int = 1) -> float:
    """Median wall time of `fonction()` in milliseconds, after `echauffement` untimed calls."""
    for _ in range(echauffement):
        fonction()
    durees = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - debut) * 1000)
    return statistics.median(durees)


@dataclass
class Ligne:
    chiffre: str
    objectif: str  # "< 200 ms", "< 1 MB" or "—" (for information)
    mesure: float
    unite: str = "ms"
    plancher: float | None = None
    tenu: bool | None = None  # None: no target

    def cellules(self) -> list[str]:
        def fmt(valeur):
            if valeur is None:
                return "—"
            if self.unite == "kB":
                return f"{valeur:,.0f} kB".replace(",", " ")
            if self.unite == "s":
                return f"{valeur:.1f} s"
            if valeur < 1:
                return f"{valeur:.2f} ms"
            return f"{valeur:.1f} ms" if valeur < 100 else f"{valeur:.0f} ms"

        rapport = f"× {self.mesure / self.plancher:.1f}" if self.plancher else "—"
        verdict = "—" if self.tenu is None else ("tenu" if self.tenu else "**NON TENU**")
        return [self.chiffre, self.objectif, fmt(self.mesure), fmt(self.plancher), rapport, verdict]


def tableau(lignes: list[Ligne]) -> str:
    entete = ["chiffre", "objectif", "mesure (médiane)", "plancher", "rapport", "verdict"]
    rangs = [entete, ["---"] * len(entete), *(ligne.cellules() for ligne in lignes)]
    return "\n".join("| " + " | ".join(rang) + " |" for rang in rangs)


def machine() -> str:
    from django.db import connection

    modele = "?"
    with contextlib.suppress(OSError):
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                modele = ligne.split(":", 1)[1].strip()
                break
    memoire = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for ligne in Path("/proc/meminfo").read_text().splitlines():
            if ligne.startswith("MemTotal"):
                memoire = f"{int(ligne.split()[1]) / 1024 / 1024:.0f} Gio"
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            curseur.execute("SHOW server_version")
            base = f"PostgreSQL {curseur.fetchone()[0]}"
        else:
            curseur.execute("SELECT sqlite_version()")
            base = f"SQLite {curseur.fetchone()[0]}"
    commit = "?"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=RACINE,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    from django.conf import settings

    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return (
        f"{modele}, {os.cpu_count()} cœurs, {memoire} ; Python {platform.python_version()} ; {base} ; "
        f"cache {cache} ; commit {commit} (+ modifications locales)"
    )
