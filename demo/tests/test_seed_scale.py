"""`manage.py seed_scale`: bench data built with bulk inserts, idempotent, purgeable."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from comptes.models import Organisation
from comptes.tests.factories import LieuFactory
from demo import scale
from structures.models import Lieu
from structures.standard import clean_typologie, clean_vocabulary, valider_code_insee, valider_pivot, vocabularies
from territoires.models import Commune
from territoires.tests.jeu_de_test import charger_jeu_de_test

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def etat(profil: str) -> list[tuple]:
    return list(scale.lieux_du_profil(profil).order_by("pk").values_list("pk", "identifiant", "nom", "modifie_le"))


def test_tiny_departement_profile_is_idempotent():
    sortie = seed("--profil", "departement", "--nombre", "50")
    assert "50 lieux créés" in sortie
    avant = etat("departement")
    assert len(avant) == 50
    assert "déjà en place : rien à faire" in seed("--profil", "departement", "--nombre", "50")
    assert etat("departement") == avant


def test_places_are_valid_in_the_standard():
    seed("--profil", "departement", "--nombre", "60")
    lieux = list(scale.lieux_du_profil("departement"))
    assert len(lieux) == 60
    assert {lieu.departement.code for lieu in lieux} == {"23"}
    assert {lieu.type for lieu in Organisation.objects.filter(pk__in=[x.pk for x in lieux])} == {"lieu"}
    for lieu in lieux:
        assert lieu.identifiant.startswith("scale-departement-")
        assert lieu.nom and lieu.services and lieu.frais_a_charge
        valider_pivot(lieu.pivot)
        valider_code_insee(lieu.code_insee)
        clean_typologie(lieu.typologie)
        for champ in vocabularies():
            assert clean_vocabulary(champ, getattr(lieu, champ)) == getattr(lieu, champ)
        assert lieu.est_actif == (lieu.ferme_le is None)
        assert (lieu.latitude is None) == (lieu.longitude is None)
    # Varied values, not one copy of the same place.
    assert len({lieu.nom for lieu in lieux}) > 40
    assert len({tuple(lieu.services) for lieu in lieux}) > 10


def test_positions_come_from_the_communes_reference_when_loaded():
    charger_jeu_de_test()
    communes = {c.code_insee: c for c in Commune.objects.filter(departement_id="23")}
    sortie = seed("--profil", "departement", "--nombre", "40")
    assert "positions des communes du référentiel" in sortie
    for lieu in scale.lieux_du_profil("departement").exclude(latitude=None):
        commune = communes[lieu.code_insee]
        assert lieu.commune == commune.nom
        assert abs(lieu.latitude - commune.latitude) < 0.02 and abs(lieu.longitude - commune.longitude) < 0.02


def test_random_positions_in_france_without_the_reference():
    sortie = seed("--profil", "departement", "--nombre", "30")
    assert "positions aléatoires" in sortie
    (nord, ouest), (sud, est) = scale.BOITE_FRANCE
    for lieu in scale.lieux_du_profil("departement").exclude(latitude=None):
        assert sud - 0.02 <= lieu.latitude <= nord + 0.02 and ouest - 0.02 <= lieu.longitude <= est + 0.02


def test_national_profile_spreads_places_over_100_departements():
    seed("--profil", "national", "--nombre", "300")
    lieux = scale.lieux_du_profil("national")
    assert lieux.count() == 300
    assert lieux.values("departement").distinct().count() == 100
    assert not lieux.filter(departement__code="976").exists()


def test_another_count_rebuilds_the_profile():
    seed("--profil", "departement", "--nombre", "20")
    sortie = seed("--profil", "departement", "--nombre", "25")
    assert "25 lieux créés, 20 remplacé(s)" in sortie
    assert scale.lieux_du_profil("departement").count() == 25


def test_purge_removes_scale_data_only():
    autre = LieuFactory(nom="Un vrai lieu")
    seed("--profil", "departement", "--nombre", "10")
    seed("--profil", "national", "--nombre", "100")
    assert "10 lieu(x) du profil « departement » supprimé(s)" in seed("--purge", "--profil", "departement")
    assert scale.lieux_du_profil("national").count() == 100
    assert "100 lieu(x) de mesure supprimé(s)" in seed("--purge")
    assert list(Lieu.objects.all()) == [autre]
    assert Organisation.objects.filter(type="lieu").count() == 1


def test_bulk_insert_uses_few_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        scale.construire("departement", nombre=500)
    assert scale.lieux_du_profil("departement").count() == 500
    # Parents and children line up one to one.
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT COUNT(*) FROM structures_lieu l JOIN comptes_organisation o ON o.id = l.organisation_ptr_id"
        )
        assert curseur.fetchone()[0] == 500


def test_a_profile_is_required():
    with pytest.raises(CommandError, match="Indiquez --profil departement ou --profil national"):
        seed()
