"""Test data and fixtures of the report requests, the production and the cost lines.

`creer_equipe()` gives a département (Creuse) with its coordinatrice, its lecteur and a dispositif, and a
second département (Haute-Vienne) with its own team and dispositif. `accelerer(monkeypatch)` replaces the
figures and the writers by small deterministic ones (the orchestration is what is tested; the
happy-path and command tests use the real ones).
"""

import contextlib
import datetime
from dataclasses import dataclass

from comptes.models import Role
from comptes.tests.factories import DepartementFactory, make_member
from pass_numerique.tests.factories import DispositifFactory
from rapports import calculs, formats
from rapports.contenu import ENTIER, Colonne, ContenuRapport, Indicateur, Section, Tableau
from rapports.models import Rapport
from rapports.services import demandes


@dataclass
class Equipe:
    departement: object
    coordinatrice: object
    lecteur: object
    dispositif: object
    autre_departement: object
    autre_coordinatrice: object
    autre_dispositif: object


def creer_equipe() -> Equipe:
    creuse = DepartementFactory(code="23")
    vienne = DepartementFactory(code="87")
    coordinatrice = make_member(Role.COORDINATEUR, departement=creuse, email="coordinatrice@creuse.test")
    lecteur = make_member(Role.LECTEUR, organisation=coordinatrice.organisation, email="lecteur@creuse.test")
    autre = make_member(Role.COORDINATEUR, departement=vienne, email="coordinatrice@vienne.test")
    return Equipe(
        departement=creuse,
        coordinatrice=coordinatrice,
        lecteur=lecteur,
        dispositif=DispositifFactory(departement=creuse, nom="Pass Creuse"),
        autre_departement=vienne,
        autre_coordinatrice=autre,
        autre_dispositif=DispositifFactory(departement=vienne, nom="Pass Haute-Vienne"),
    )


def contenu_minimal(*, dispositifs, du, au, departement, genere_le=None, parametres=None, progression=None):
    if progression:
        progression(40, "Chèques")
    return ContenuRapport(
        titre="Rapport de financement",
        departement=f"{departement.nom} ({departement.code})" if departement else "Toutes les instances",
        couleur="#1f4e79",
        dispositifs=[d.nom for d in dispositifs],
        du=du,
        au=au,
        genere_le=genere_le,
        parametres=parametres or [],
        indicateurs=[Indicateur("Dispositifs", len(dispositifs), ENTIER)],
        sections=[Section("cheques", "Chèques", [Tableau("t", "T", [Colonne("n", ENTIER)], [[1]])])],
    )


def ecrire_minimal(format, contenu, destination):
    destination.write(f"{format}|{contenu.du}|{contenu.au}|{','.join(contenu.dispositifs)}".encode())


def accelerer(monkeypatch) -> None:
    monkeypatch.setattr(calculs, "construire_contenu", contenu_minimal)
    monkeypatch.setattr(formats, "ecrire", ecrire_minimal)


def demander(par, dispositifs, *, du=None, au=None, formats_=("pdf", "xlsx")) -> Rapport:
    return demandes.demander_rapport(
        par=par,
        dispositifs=dispositifs,
        du=du or datetime.date(2026, 1, 1),
        au=au or datetime.date(2026, 3, 31),
        formats=list(formats_),
    )


BROKER_FERME = "redis://127.0.0.1:1/0"


@contextlib.contextmanager
def file_en_panne(settings):
    """Eager mode off and a broker on a closed port: publishing fails at once (Redis down).
    The publishing connection is forced (with CELERY_BROKER_URL set, Celery reads the namespaced
    setting first, so changing app.conf.broker_url is not enough)."""
    from kombu import pools

    from einclusion.celery import app

    def _oublier_connexions():
        pools.reset()  # kombu's registries of connection and producer pools
        app._pool = None
        app.amqp._producer_pool = None

    _oublier_connexions()
    eager = app.conf.task_always_eager
    connexion = app.connection_for_write
    app.conf.task_always_eager = False
    app.connection_for_write = lambda url=None, **kwargs: connexion(BROKER_FERME, **kwargs)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        yield app
    finally:
        del app.connection_for_write
        _oublier_connexions()
        app.conf.task_always_eager = eager
