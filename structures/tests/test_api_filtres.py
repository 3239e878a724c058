"""The public filters (structures/filtres.py), alone and through the API's three URLs."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from comptes.tests.factories import DepartementFactory, LieuFactory
from structures.filtres import PARAMETRES, FiltresInvalides, FiltresLieux, lire_filtres
from structures.models import Lieu

URL = reverse("structures_api:lieux")


def qd(chaine: str) -> QueryDict:
    return QueryDict(chaine)


# --- the pure module --------------------------------------------------------------------------


def test_no_parameter_means_no_filter():
    filtres = lire_filtres(qd(""))
    assert filtres == FiltresLieux()
    assert filtres.vide
    assert filtres.cle() == ""


def test_values_are_canonical_whatever_their_spelling():
    repetes = lire_filtres(qd("frais=Payant&frais=gratuit"))
    pipes = lire_filtres(qd("frais=Gratuit|Payant"))
    assert repetes == pipes
    assert pipes.frais == ("Gratuit", "Payant")  # the vocabulary's order, the schema's case
    assert pipes.cle() == "frais=Gratuit&frais=Payant"


def test_round_trip_through_parameters():
    filtres = lire_filtres(
        qd(
            "q=  médiathèque   du  centre &commune=2a004&departement=2a&services=Aide aux démarches administratives"
            "&publics=Seniors&prise_en_charge=Surdité&modalites_acces=Téléphoner"
            "&modalites_accompagnement=À distance&itinerance=Itinérant&pass_numerique=1"
        )
    )
    assert filtres.q == "médiathèque du centre"
    assert (filtres.commune, filtres.departement) == ("2A004", "2A")
    assert filtres.pass_numerique is True
    assert lire_filtres(QueryDict(filtres.cle())) == filtres
    assert not filtres.vide


def test_a_plain_dict_works_too():
    assert lire_filtres({"frais": ["Payant"], "pass_numerique": "oui"}) == FiltresLieux(
        frais=("Payant",), pass_numerique=True
    )


def test_multi_valued_parameters_map_to_the_standards_fields():
    filtres = lire_filtres(qd("publics=Seniors&frais=Gratuit"))
    assert dict(filtres.valeurs_multiples()) == {
        "publics_specifiquement_adresses": ("Seniors",),
        "frais_a_charge": ("Gratuit",),
    }


@pytest.mark.parametrize(
    ("chaine", "parametre", "message"),
    [
        ("services=Cuisine", "services", "Valeur inconnue pour « services » : « Cuisine ». Valeurs possibles : "),
        ("publics=Retraités", "publics", "Valeur inconnue pour « publics spécifiquement adressés » : « Retraités »"),
        ("prise_en_charge=Autre", "prise_en_charge", "Valeur inconnue pour « prise en charge spécifique »"),
        ("frais=Gratos", "frais", "Valeur inconnue pour « frais à charge » : « Gratos »"),
        ("modalites_acces=Venir", "modalites_acces", "Valeur inconnue pour « modalités d’accès »"),
        ("modalites_accompagnement=Seul", "modalites_accompagnement", "Valeur inconnue pour « modalités d’accomp"),
        ("itinerance=Mobile", "itinerance", "Valeur inconnue pour « itinérance » : « Mobile »"),
        ("commune=123", "commune", "Code INSEE invalide : « 123 »"),
        ("departement=96", "departement", "Code de département inconnu : indiquez un code INSEE comme 23"),
        ("pass_numerique=peut-être", "pass_numerique", "« pass_numerique » vaut 1"),
        ("q=" + "x" * 101, "q", "La recherche par nom est limitée à 100 caractères."),
    ],
)
def test_bad_values_have_a_french_message(chaine, parametre, message):
    with pytest.raises(FiltresInvalides) as exc:
        lire_filtres(qd(chaine))
    assert list(exc.value.erreurs) == [parametre]
    assert message in exc.value.erreurs[parametre]


def test_unknown_parameters_are_errors_only_when_the_caller_says_which_it_accepts():
    assert lire_filtres(qd("service=Aide&page=2")) == FiltresLieux()
    with pytest.raises(FiltresInvalides) as exc:
        lire_filtres(qd("service=Aide&page=2"), autres_parametres=("page",))
    assert exc.value.erreurs == {
        "parametres": "Paramètre inconnu : « service ». Paramètres possibles : "
        + ", ".join(sorted([*PARAMETRES, "page"]))
        + "."
    }


def test_pass_numerique_zero_means_no_filter():
    assert lire_filtres(qd("pass_numerique=0")) == FiltresLieux()


# --- through the API --------------------------------------------------------------------------


@pytest.fixture
def lieux(db):
    creuse, corse = DepartementFactory(code="23"), DepartementFactory(code="2A")
    commun = {"latitude": 46.17, "longitude": 1.87, "departement": creuse, "code_insee": "23096"}
    return {
        "mediatheque": LieuFactory(
            nom="Médiathèque de Guéret",
            services=["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"],
            publics_specifiquement_adresses=["Seniors"],
            frais_a_charge=["Gratuit"],
            modalites_acces=["Se présenter"],
            modalites_accompagnement=["Dans un atelier collectif"],
            itinerance=["Fixe"],
            accepte_pass_numerique=True,
            **commun,
        ),
        "bus": LieuFactory(
            nom="Bus numérique de la Creuse",
            services=["Maîtrise des outils numériques du quotidien"],
            prise_en_charge_specifique=["Surdité"],
            frais_a_charge=["Gratuit sous condition"],
            modalites_acces=["Téléphoner"],
            modalites_accompagnement=["Accompagnement individuel"],
            itinerance=["Itinérant"],
            **(commun | {"code_insee": "23008"}),
        ),
        "ajaccio": LieuFactory(
            nom="Tiers-lieu d’Ajaccio",
            services=["Loisirs et créations numériques"],
            publics_specifiquement_adresses=["Jeunes"],
            frais_a_charge=["Payant"],
            modalites_accompagnement=["À distance"],
            latitude=41.92,
            longitude=8.74,
            departement=corse,
            code_insee="2A004",
        ),
    }


@pytest.mark.parametrize(
    ("params", "attendus"),
    [
        ({}, {"mediatheque", "bus", "ajaccio"}),
        ({"q": "médiathèque"}, {"mediatheque"}),
        ({"q": "BUS NUM"}, {"bus"}),  # case-insensitive (for non-ASCII letters too on PostgreSQL only)
        ({"commune": "23008"}, {"bus"}),
        ({"departement": "2a"}, {"ajaccio"}),
        ({"departement": "23"}, {"mediatheque", "bus"}),
        ({"services": "Aide aux démarches administratives"}, {"mediatheque"}),
        (
            {"services": "Aide aux démarches administratives|Loisirs et créations numériques"},
            {"mediatheque", "ajaccio"},
        ),
        ({"publics": "Seniors"}, {"mediatheque"}),
        ({"prise_en_charge": "Surdité"}, {"bus"}),
        ({"frais": "Gratuit"}, {"mediatheque"}),  # not "Gratuit sous condition"
        ({"frais": ["Payant", "Gratuit sous condition"]}, {"bus", "ajaccio"}),
        ({"modalites_acces": "Téléphoner"}, {"bus"}),
        ({"modalites_accompagnement": "À distance"}, {"ajaccio"}),
        ({"itinerance": "Itinérant"}, {"bus"}),
        ({"pass_numerique": "1"}, {"mediatheque"}),
        ({"departement": "23", "frais": "Gratuit sous condition"}, {"bus"}),  # filters combine with AND
        ({"departement": "2A", "frais": "Gratuit"}, set()),
    ],
)
def test_each_filter_on_the_three_urls(client, lieux, params, attendus):
    nom_de = {lieu.identifiant: cle for cle, lieu in lieux.items()}
    json_ = client.get(URL, params).json()
    assert {nom_de[item["id"]] for item in json_["lieux"]} == attendus
    assert json_["total"] == len(attendus)

    geojson = client.get(reverse("structures_api:lieux_geojson"), params).json()
    assert {nom_de[f["properties"]["id"]] for f in geojson["features"]} == attendus

    csv = b"".join(client.get(reverse("structures_api:lieux_csv"), params).streaming_content).decode()
    lignes = csv.splitlines()[1:]
    assert {nom_de[ligne.split(",", 1)[0]] for ligne in lignes} == attendus


@pytest.mark.parametrize("nom", ["structures_api:lieux", "structures_api:lieux_csv", "structures_api:lieux_geojson"])
def test_unknown_values_are_400_in_french_on_every_url(client, lieux, nom):
    reponse = client.get(reverse(nom), {"frais": "Gratos", "pass_numerique": "2"})
    assert reponse.status_code == 400
    corps = reponse.json()
    assert set(corps["details"]) == {"frais", "pass_numerique"}
    assert "Valeur inconnue pour « frais à charge » : « Gratos »" in corps["erreur"]


def test_the_directory_and_the_api_read_the_same_filters(lieux):
    """The module's queryset narrowing is what the API applies (and the directory reuses)."""
    filtres = lire_filtres(qd("departement=23&services=Maîtrise des outils numériques du quotidien"))
    assert set(filtres.appliquer(Lieu.objects.actifs())) == {lieux["mediatheque"], lieux["bus"]}
