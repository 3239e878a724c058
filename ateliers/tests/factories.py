"""Test data for the workshops. `seance(...)` gives a session of a new or given workshop;
`inscrire(seance, personne)` registers without going through the services (tests of the
services build their own way). Always pass the département (or a place) explicitly."""

import datetime

import factory
from django.utils import timezone

from beneficiaires.models import Accueil
from beneficiaires.tests.factories import BeneficiaireFactory
from comptes.tests.factories import LieuFactory

from ..models import Atelier, Inscription, Seance
from ..themes import Theme


class AtelierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Atelier

    lieu = factory.SubFactory(LieuFactory)
    titre = factory.Sequence(lambda n: f"Premiers pas sur smartphone n°{n}")
    themes = factory.LazyFunction(lambda: [Theme.PRISE_EN_MAIN.value, Theme.COURRIEL.value])
    duree_minutes = 120
    capacite = 8


def seance(atelier=None, *, lieu=None, debut=None, dans_jours: int = 1, heure: int = 14, mediateurs=(), **kwargs):
    """A session `dans_jours` days from today at `heure` o'clock (negative: in the past)."""
    if atelier is None:
        atelier = AtelierFactory(**({"lieu": lieu} if lieu is not None else {}))
    if debut is None:
        jour = timezone.localdate() + datetime.timedelta(days=dans_jours)
        debut = timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure, 0)))
    kwargs.setdefault("duree_minutes", atelier.duree_minutes)
    kwargs.setdefault("capacite", atelier.capacite)
    s = Seance.objects.create(atelier=atelier, lieu=atelier.lieu, debut=debut, **kwargs)
    if mediateurs:
        s.mediateurs.set(mediateurs)
    return s


def personne_du_lieu(lieu, **kwargs):
    """A person the place sees (met at the door)."""
    kwargs.setdefault("departement", lieu.departement)
    b = BeneficiaireFactory(**kwargs)
    Accueil.objects.create(beneficiaire=b, lieu=lieu, origine=Accueil.Origine.CREATION)
    return b


def inscrire(s: Seance, personne=None, **kwargs) -> Inscription:
    if personne is None:
        personne = personne_du_lieu(s.lieu)
    return Inscription.objects.create(seance=s, beneficiaire=personne, **kwargs)
