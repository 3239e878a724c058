import pytest

from territoires.models import Commune
from territoires.selectors import (
    commune_par_code_insee,
    commune_par_code_postal_et_nom,
    communes_par_code_postal,
    rechercher_communes,
)

pytestmark = pytest.mark.usefixtures("communes")


def codes(communes):
    return [c.code_insee for c in communes]


@pytest.mark.parametrize("texte", ["Guéret", "guéret", "GUERET", "gueret", "23000", "23000 Guéret", "23096"])
def test_gueret_trouvee(texte):
    assert codes(rechercher_communes(texte))[0] == "23096"


@pytest.mark.parametrize("texte", ["st etienne", "Saint-Étienne", "ST-ETIENNE", "saint étienne", "etienne"])
def test_saint_etienne_en_tete(texte):
    resultats = codes(rechercher_communes(texte))
    assert resultats[0] == "42218"
    assert {"38384", "76575"} <= set(resultats)


def test_correspondance_exacte_puis_population():
    # Both Saint-Denis match exactly: the more populated one (La Réunion) first.
    assert codes(rechercher_communes("St-Denis")) == ["97411", "93066"]
    # A prefix only: by population.
    assert codes(rechercher_communes("saint", limit=6)) == ["42218", "97411", "93066", "76575", "38384", "23193"]
    # The exact name comes first even when a longer name is more populated.
    Commune.objects.filter(code_insee="76575").update(population=10_000_000)
    assert codes(rechercher_communes("saint etienne"))[:2] == ["42218", "76575"]


def test_prefixe_de_code_postal():
    assert codes(rechercher_communes("230")) == ["23096", "23193", "23245", "23195"]
    assert codes(rechercher_communes("23")) == ["23096", "23176", "23193", "23245", "23195"]
    assert codes(rechercher_communes("2300", limit=2)) == ["23096", "23193"]


def test_apostrophe_et_code_corse():
    assert codes(rechercher_communes("l abergement")) == ["01001"]
    assert codes(rechercher_communes("2a004")) == ["2A004"]


def test_rien_a_chercher():
    assert rechercher_communes("") == []
    assert rechercher_communes(" - ") == []
    assert rechercher_communes("zzz") == []
    assert rechercher_communes("99999") == []
    assert rechercher_communes("gueret", limit=0) == []


def test_nombre_de_requetes(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rechercher_communes("saint")
    with django_assert_max_num_queries(1):
        rechercher_communes("230")


def test_par_code_insee():
    gueret = commune_par_code_insee("23096")
    assert gueret.nom == "Guéret"
    assert gueret.liste_codes_postaux == ["23000"]
    assert gueret.departement.nom == "Creuse"
    assert gueret.departement.region.nom == "Nouvelle-Aquitaine"
    assert gueret.epci_nom == "CA du Grand Guéret"
    assert commune_par_code_insee(" 2a004 ").nom == "Ajaccio"
    assert commune_par_code_insee("75115").commune_parent == "75056"
    assert commune_par_code_insee("99999") is None
    assert commune_par_code_insee("nimporte") is None


def test_ancien_code_donne_la_commune_nouvelle():
    assert commune_par_code_insee("01340").code_insee == "01015"  # Arboys en Bugey
    assert commune_par_code_insee("42292").code_insee == "42218"


def test_par_code_postal():
    assert codes(communes_par_code_postal("23000")) == ["23096", "23193", "23245", "23195"]
    assert codes(communes_par_code_postal("75015")) == ["75056", "75115"]
    assert codes(communes_par_code_postal("00000")) == []


def test_par_code_postal_et_nom():
    assert commune_par_code_postal_et_nom("42000", "ST ETIENNE").code_insee == "42218"
    assert commune_par_code_postal_et_nom("23000", "Saint Fiel").code_insee == "23195"
    assert commune_par_code_postal_et_nom("23300", "Guéret") is None


def test_les_communes_retirees_ne_sont_plus_proposees():
    Commune.objects.filter(code_insee="23193").update(actuelle=False)
    assert "23193" not in codes(rechercher_communes("230"))
    assert "23193" not in codes(rechercher_communes("sainte feyre"))
    assert "23193" not in codes(communes_par_code_postal("23000"))
    assert commune_par_code_insee("23193").actuelle is False
