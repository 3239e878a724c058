"""The file shipped with the app, loaded for real (a few seconds)."""

import math

import pytest

from territoires.models import Commune, Departement, Region
from territoires.selectors import commune_par_code_insee, rechercher_communes
from territoires.services import charger_referentiel

pytestmark = [pytest.mark.django_db, pytest.mark.referentiel_complet]

# The 101 départements: 96 in metropolitan France (20 split into 2A and 2B) and the five DROM.
DEPARTEMENTS = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B", "971", "972", "973", "974", "976"}
REGIONS = {"01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"}


def test_referentiel_livre():
    bilans = charger_referentiel()

    assert bilans["communes"].crees == Commune.objects.count()
    assert Commune.objects.filter(type=Commune.Type.COMMUNE).count() > 34_000
    assert Commune.objects.filter(type=Commune.Type.ARRONDISSEMENT).count() == 45  # Paris 20, Lyon 9, Marseille 16
    assert set(Departement.objects.values_list("code", flat=True)) == DEPARTEMENTS
    assert len(DEPARTEMENTS) == 101
    assert set(Region.objects.values_list("code", flat=True)) == REGIONS
    assert not Departement.objects.filter(region__isnull=True).exists()
    # Every département has communes and its chef-lieu among them.
    for departement in Departement.objects.all():
        chef_lieu = Commune.objects.get(code_insee=departement.chef_lieu)
        assert chef_lieu.departement_id == departement.code

    gueret = commune_par_code_insee("23096")
    assert gueret.nom == "Guéret"
    assert "23000" in gueret.liste_codes_postaux
    assert math.dist((gueret.latitude, gueret.longitude), (46.17, 1.87)) < 0.02

    # Every commune has a position, inside France's bounding boxes.
    assert not Commune.objects.filter(latitude__isnull=True).exists()
    metropole = Commune.objects.exclude(departement__code__in=["971", "972", "973", "974", "976"])
    assert not metropole.exclude(latitude__range=(41.3, 51.1), longitude__range=(-5.2, 9.6)).exists()
    precises = Commune.objects.filter(source_position__in=["nom", "nom_proche"]).count()
    assert precises / Commune.objects.count() > 0.97

    assert rechercher_communes("st etienne")[0].code_insee == "42218"
    assert rechercher_communes("23000")[0].code_insee == "23096"
