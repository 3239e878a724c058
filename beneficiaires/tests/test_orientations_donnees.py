"""Shared data of the orientation tests (no test here): a person in Guéret followed by a CCAS,
places around, and the people who act on them."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from beneficiaires.diagnostic import DEMARCHES, OUTILS, PARENTALITE
from beneficiaires.models import Beneficiaire, Orientation
from comptes.models import Membership, Role
from comptes.tests.factories import LieuFactory, OrganismePrescripteurFactory, make_member
from prescripteurs.models import OrganismePrescripteur
from structures.models import Lieu

from .factories import GUERET, BeneficiaireFactory, OrientationFactory, commune

LIMOGES = "87085"
# Guéret's centre in the test communes; 0.0288° of latitude north is 3.2 km.
LAT, LON = 46.1718, 1.8717


@dataclass
class Reseau:
    personne: Beneficiaire
    organisme: OrganismePrescripteur
    agent: Membership
    proche: Lieu  # 3.2 km, outils, Pass numérique, hours and phone
    loin: Lieu  # ~30 km, outils + démarches
    demarches: Lieu  # ~5 km, démarches only
    parents: Lieu  # ~6 km, parentalité only
    ferme: Lieu  # closed, 1 km, outils
    ailleurs: Lieu  # Haute-Vienne, outils
    mediateur: Membership  # of `proche`


def lieu(departement, nom: str, lat: float, lon: float, services, **kwargs) -> Lieu:
    valeurs = {
        "nom": nom,
        "latitude": lat,
        "longitude": lon,
        "services": list(services),
        "est_actif": True,
        "adresse": "1 place Bonnyaud",
        "code_postal": "23000",
        "commune": "Guéret",
    }
    return LieuFactory(departement=departement, **(valeurs | kwargs))


def reseau() -> Reseau:
    gueret = commune(GUERET)
    creuse = gueret.departement
    organisme = OrganismePrescripteurFactory(departement=creuse, nom="CCAS de Guéret", telephone="+33555000000")
    personne = BeneficiaireFactory(
        commune=gueret,
        organisme=organisme,
        nom="Lachaud",
        prenom="Yvette",
        telephone="+33611223344",
        email="yvette.lachaud@exemple.test",
        besoins=["ordinateur", "demarches"],
    )
    proche = lieu(
        creuse,
        "Médiathèque du Fil",
        LAT + 0.0288,
        LON,
        [OUTILS],
        telephone="+33555123456",
        horaires="Mo-Fr 09:00-12:00,14:00-18:30",
        accepte_pass_numerique=True,
        accessibilite="Bus ligne 2, arrêt Mairie. Accès en fauteuil.",
        modalites_acces=["Se présenter"],
    )
    loin = lieu(creuse, "Espace numérique de La Souterraine", 46.2379, 1.486, [OUTILS, DEMARCHES])
    demarches = lieu(creuse, "France Services de Saint-Fiel", 46.2142, 1.8945, [DEMARCHES])
    parents = lieu(creuse, "Centre social des familles", 46.139, 1.9153, [PARENTALITE])
    ferme = lieu(
        creuse, "Ancien cyber-espace", LAT + 0.009, LON, [OUTILS], est_actif=False, ferme_le=timezone.localdate()
    )
    haute_vienne = commune(LIMOGES).departement
    ailleurs = lieu(haute_vienne, "Tiers-lieu de Limoges", 45.8336, 1.2476, [OUTILS], code_postal="87000")
    return Reseau(
        personne=personne,
        organisme=organisme,
        agent=make_member(Role.AGENT, organisation=organisme),
        proche=proche,
        loin=loin,
        demarches=demarches,
        parents=parents,
        ferme=ferme,
        ailleurs=ailleurs,
        mediateur=make_member(Role.MEDIATEUR, organisation=proche),
    )


def orientation(r: Reseau, *, lieu: Lieu | None = None, jours: int = 0, **kwargs) -> Orientation:
    """An orientation of `r.personne` (or kwargs' beneficiaire) by `r.agent`, `jours` days old."""
    kwargs.setdefault("beneficiaire", r.personne)
    kwargs.setdefault("organisme", r.organisme)
    o = OrientationFactory(lieu=lieu or r.proche, cree_par=r.agent.user, **kwargs)
    if jours:
        Orientation.objects.filter(pk=o.pk).update(cree_le=timezone.now() - datetime.timedelta(days=jours))
        o.refresh_from_db()
    return o


def autre_personne(r: Reseau, **kwargs) -> Beneficiaire:
    return BeneficiaireFactory(commune=r.personne.commune, organisme=r.organisme, **kwargs)
