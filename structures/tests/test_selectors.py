"""The directory's public reads: criteria, communes, name search, filters, distances."""

import math
from datetime import date

import pytest
from django.http import QueryDict

from comptes.tests.factories import DepartementFactory, LieuFactory
from structures.filtres import PARAMETRES_MULTIPLES
from structures.selectors import (
    LIBELLES_FILTRES,
    RAYON_PAR_DEFAUT_KM,
    Criteres,
    boite_englobante,
    criteres_depuis_parametres,
    lieu_public,
    lieux_autour,
    lieux_publics,
    rechercher_lieux,
    resoudre_commune,
)
from structures.standard import vocabularies
from territoires.models import Commune
from territoires.tests.jeu_de_test import charger_jeu_de_test

pytestmark = pytest.mark.django_db

GUERET = (46.1718, 1.8717)  # the reference's position of Guéret (23096)


@pytest.fixture
def communes(db):
    charger_jeu_de_test()


@pytest.fixture
def creuse(communes):
    return DepartementFactory(code="23")


def lieu(departement, **champs):
    return LieuFactory(departement=departement, **champs)


def chercher(**params) -> list[str]:
    return [lieu.nom for lieu in rechercher_lieux(criteres_depuis_parametres(params)).lieux]


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The textbook formula, written independently of the SQL one."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# --- criteria ---------------------------------------------------------------------------------


def test_les_criteres_sont_lus_et_nettoyes():
    params = QueryDict(
        "q=+Gu%C3%A9ret++&autour_de=23096&rayon=50&services=Aide+aux+d%C3%A9marches+administratives"
        "&frais=Gratuit&frais=Payant&pass_numerique=1&departement=23&page=2"
    )
    criteres = criteres_depuis_parametres(params)
    assert criteres.texte == "Guéret"
    assert criteres.code_insee == "23096"
    assert criteres.rayon_km == 50
    assert criteres.departement == "23"
    assert criteres.valeurs("services") == ("Aide aux démarches administratives",)
    assert criteres.valeurs("frais") == ("Gratuit", "Payant")
    assert criteres.filtres.pass_numerique is True
    assert criteres.nb_filtres == 4
    assert criteres.erreurs == {}


def test_un_rayon_ou_un_filtre_invalide_est_ignore_et_signale():
    criteres = criteres_depuis_parametres({"rayon": "7", "services": ["Jardinage"], "frais": "Gratuit"})
    assert criteres.rayon_km == RAYON_PAR_DEFAUT_KM
    assert criteres.valeurs("services") == ()
    assert criteres.valeurs("frais") == ("Gratuit",)
    assert "Jardinage" in criteres.erreurs["services"]
    assert criteres_depuis_parametres({"rayon": "loin"}).rayon_km == RAYON_PAR_DEFAUT_KM
    assert criteres_depuis_parametres({}) == Criteres()


def test_les_filtres_affiches_sont_ceux_de_l_api():
    assert set(LIBELLES_FILTRES) == set(PARAMETRES_MULTIPLES)


# --- communes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("texte", ["Guéret", "gueret", "GUÉRET", "Guéret (23000)", "23000 gueret"])
def test_un_nom_de_commune_donne_la_commune(communes, texte):
    assert resoudre_commune(texte=texte).commune.code_insee == "23096"


def test_un_code_postal_propre_a_une_commune_la_donne(communes):
    assert resoudre_commune(texte="23300").commune.nom == "La Souterraine"


def test_un_code_postal_partage_propose_ses_communes(communes):
    trouvee = resoudre_commune(texte="23000")
    assert trouvee.commune is None
    assert [c.nom for c in trouvee.possibles] == ["Guéret", "Sainte-Feyre", "Saint-Sulpice-le-Guérétois", "Saint-Fiel"]


def test_un_debut_de_nom_ou_un_homonyme_propose_des_communes(communes):
    assert [c.nom for c in resoudre_commune(texte="Guér").possibles] == ["Guéret", "Saint-Sulpice-le-Guérétois"]
    homonymes = resoudre_commune(texte="Saint-Denis")
    assert homonymes.commune is None
    assert {c.code_insee for c in homonymes.possibles} == {"93066", "97411"}


def test_le_code_insee_choisi_l_emporte_sur_le_texte(communes):
    assert resoudre_commune(texte="Limoges", code_insee="23096").commune.nom == "Guéret"
    # An unknown code falls back to the text.
    assert resoudre_commune(texte="Limoges", code_insee="99999").commune.nom == "Limoges"


def test_un_texte_qui_n_est_pas_une_commune(communes):
    trouvee = resoudre_commune(texte="Quincaillerie")
    assert trouvee.commune is None
    assert trouvee.possibles == ()
    assert resoudre_commune(texte="  ").commune is None


# --- name search and filters ------------------------------------------------------------------


def test_recherche_par_nom_sans_commune_par_ordre_alphabetique(creuse):
    lieu(creuse, nom="Tiers-lieu La Quincaillerie")
    lieu(creuse, nom="Quincaillerie numérique de Bourganeuf")
    lieu(creuse, nom="Médiathèque")
    assert chercher(q="quincaillerie") == ["Quincaillerie numérique de Bourganeuf", "Tiers-lieu La Quincaillerie"]
    assert chercher() == ["Médiathèque", "Quincaillerie numérique de Bourganeuf", "Tiers-lieu La Quincaillerie"]


def test_les_lieux_fermes_ne_sont_jamais_publics(creuse):
    ouvert = lieu(creuse, nom="Ouvert", latitude=GUERET[0], longitude=GUERET[1])
    ferme = lieu(
        creuse, nom="Fermé", latitude=GUERET[0], longitude=GUERET[1], est_actif=False, ferme_le=date(2025, 1, 31)
    )
    assert list(lieux_publics()) == [ouvert]
    assert chercher() == ["Ouvert"]
    assert chercher(q="Guéret") == ["Ouvert"]
    assert lieu_public(ferme.identifiant) is None
    assert lieu_public(str(ferme.pk)) is None
    assert lieu_public(ouvert.identifiant) == ouvert
    assert lieu_public(str(ouvert.pk)) == ouvert
    assert lieu_public("inconnu") is None


@pytest.mark.parametrize("parametre", list(PARAMETRES_MULTIPLES))
def test_chaque_filtre(creuse, parametre):
    champ = PARAMETRES_MULTIPLES[parametre]
    premiere, seconde = vocabularies()[champ][:2]
    lieu(creuse, nom="Avec", **{champ: [premiere]})
    lieu(creuse, nom="Avec l’autre", **{champ: [seconde]})
    lieu(creuse, nom="Sans")
    assert chercher(**{parametre: premiere}) == ["Avec"]
    # At least one of the checked values.
    assert chercher(**{parametre: [premiere, seconde]}) == ["Avec", "Avec l’autre"]


def test_les_filtres_s_ajoutent(creuse):
    services = "Aide aux démarches administratives"
    lieu(creuse, nom="Démarches gratuites", services=[services], frais_a_charge=["Gratuit"])
    lieu(creuse, nom="Démarches payantes", services=[services], frais_a_charge=["Payant"])
    lieu(creuse, nom="Gratuit sans démarches", frais_a_charge=["Gratuit"])
    assert chercher(services=services, frais="Gratuit") == ["Démarches gratuites"]
    # "Gratuit" does not match "Gratuit sous condition".
    lieu(creuse, nom="Sous condition", services=[services], frais_a_charge=["Gratuit sous condition"])
    assert chercher(services=services, frais="Gratuit") == ["Démarches gratuites"]


def test_filtre_pass_numerique_et_departement(creuse):
    haute_vienne = DepartementFactory(code="87")
    lieu(creuse, nom="Accepte", accepte_pass_numerique=True)
    lieu(creuse, nom="N’accepte pas")
    lieu(haute_vienne, nom="Limoges accepte", accepte_pass_numerique=True)
    assert chercher(pass_numerique="1") == ["Accepte", "Limoges accepte"]
    assert chercher(pass_numerique="1", departement="23") == ["Accepte"]
    assert chercher(departement="87") == ["Limoges accepte"]


# --- distance ---------------------------------------------------------------------------------


def test_tri_par_distance_avec_les_distances_exactes(creuse):
    positions = {
        "Au centre": (46.1705, 1.8689),
        "Sainte-Feyre": (46.1392, 1.9148),
        "La Souterraine": (46.2372, 1.4874),
        "Aubusson": (45.9561, 2.1689),
    }
    for nom, (lat, lon) in positions.items():
        lieu(creuse, nom=nom, latitude=lat, longitude=lon)
    lieu(creuse, nom="Sans position")
    recherche = rechercher_lieux(criteres_depuis_parametres({"q": "Guéret", "rayon": "50"}))
    assert recherche.commune.nom == "Guéret"
    resultats = [(lieu.nom, lieu.distance_km) for lieu in recherche.lieux]
    assert [nom for nom, _ in resultats] == ["Au centre", "Sainte-Feyre", "La Souterraine", "Aubusson"]
    for nom, distance in resultats:
        assert distance == pytest.approx(haversine_km(GUERET, positions[nom]), abs=1e-6)
    # By hand, flat Earth at this scale (1° of latitude = 111.19 km, of longitude × cos 46.2°):
    # La Souterraine: √(7.27² + 29.57²) ≈ 30.45 km; Aubusson: √(23.98² + 22.93²) ≈ 33.18 km.
    assert dict(resultats)["La Souterraine"] == pytest.approx(30.45, abs=0.01)
    assert dict(resultats)["Aubusson"] == pytest.approx(33.18, abs=0.01)


def test_le_rayon_limite_les_resultats(creuse):
    lieu(creuse, nom="Proche", latitude=46.1392, longitude=1.9148)  # ~4 km
    lieu(creuse, nom="Loin", latitude=46.2372, longitude=1.4874)  # ~30 km
    assert chercher(autour_de="23096", rayon="10") == ["Proche"]
    assert chercher(autour_de="23096", rayon="30") == ["Proche"]
    assert chercher(autour_de="23096", rayon="50") == ["Proche", "Loin"]


def test_recherche_par_code_postal(creuse):
    lieu(creuse, nom="À La Souterraine", latitude=46.2372, longitude=1.4874)
    lieu(creuse, nom="À Guéret", latitude=46.1705, longitude=1.8689)
    recherche = rechercher_lieux(criteres_depuis_parametres({"q": "23300", "rayon": "50"}))
    assert recherche.commune.nom == "La Souterraine"
    assert [lieu.nom for lieu in recherche.lieux] == ["À La Souterraine", "À Guéret"]


def test_la_boite_englobante_contient_le_cercle():
    lat, lon, rayon = 46.1718, 1.8717, 20
    lat_min, lat_max, lon_min, lon_max = boite_englobante(lat, lon, rayon)
    for cap in range(0, 360, 15):  # points of the circle, by destination formula
        d = rayon / 6371.0088
        phi1, lambda1, theta = math.radians(lat), math.radians(lon), math.radians(cap)
        phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(theta))
        lambda2 = lambda1 + math.atan2(
            math.sin(theta) * math.sin(d) * math.cos(phi1), math.cos(d) - math.sin(phi1) * math.sin(phi2)
        )
        assert lat_min <= math.degrees(phi2) <= lat_max
        assert lon_min <= math.degrees(lambda2) <= lon_max
    # …and not much more: the box is 2 × 20 km wide, give or take a kilometre.
    assert haversine_km((lat, lon_min), (lat, lon_max)) == pytest.approx(40, abs=1)
    assert haversine_km((lat_min, lon), (lat_max, lon)) == pytest.approx(40, abs=0.1)


def test_la_boite_ecarte_d_abord_puis_la_distance_exacte(creuse, django_assert_num_queries):
    lat, lon = GUERET
    _, lat_max, _, lon_max = boite_englobante(lat, lon, 10)
    lieu(creuse, nom="Dans le cercle", latitude=lat + 0.05, longitude=lon)  # 5.6 km north
    # In a corner of the box: inside the square, outside the circle (≈ 14 km).
    lieu(creuse, nom="Dans un coin", latitude=lat_max - 0.001, longitude=lon_max - 0.001)
    lieu(creuse, nom="Hors de la boîte", latitude=lat_max + 0.01, longitude=lon)
    qs = lieux_autour(lieux_publics(), latitude=lat, longitude=lon, rayon_km=10)
    with django_assert_num_queries(1):
        assert [lieu.nom for lieu in qs] == ["Dans le cercle"]
    sql = str(qs.query)
    assert "BETWEEN" in sql  # the indexable prefilter is in the query


def test_les_parametres_de_l_api_pour_la_carte(creuse):
    avec_commune = rechercher_lieux(
        criteres_depuis_parametres({"q": "Guéret", "services": "Aide aux démarches administratives", "rayon": "50"})
    )
    assert avec_commune.parametres_api() == [("services", "Aide aux démarches administratives")]
    par_nom = rechercher_lieux(criteres_depuis_parametres({"q": "Quincaillerie", "pass_numerique": "1"}))
    assert par_nom.parametres_api() == [("pass_numerique", "1"), ("q", "Quincaillerie")]
    assert Commune.objects.filter(code_insee="23096").exists()
