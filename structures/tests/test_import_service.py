"""Import of places in the national standard: the happy paths, matching, dry run and journal."""

import hashlib

import pytest

from comptes.models import Organisation
from comptes.tests.factories import LieuFactory, make_member
from journal.models import Action, Evenement
from structures.models import Lieu, SourcePosition
from structures.services.importation import Statut, importer_lieux
from structures.standard import EXAMPLE_PATH
from structures.tests.data import charger_communes, csv_bytes, json_bytes, ligne_exemple, ligne_gueret
from territoires.models import Departement


@pytest.fixture
def communes(db):
    charger_communes()


@pytest.fixture
def creuse(communes):
    return Departement.objects.get(code="23")


def importer(contenu: bytes, nom="lieux.csv", **kwargs):
    return importer_lieux(contenu=contenu, nom_fichier=nom, **kwargs)


def test_l_exemple_officiel_s_importe_sans_erreur(communes):
    contenu = EXAMPLE_PATH.read_bytes()

    rapport = importer(contenu, nom=EXAMPLE_PATH.name)

    assert rapport.erreurs == []
    assert rapport.ecrit
    assert rapport.comptes() == {"crees": 1, "modifies": 0, "inchanges": 0, "rejetes": 0}
    lieu = Lieu.objects.get(identifiant="structure-1")
    assert lieu.nom == "Anonymal"
    assert lieu.departement_id == Departement.objects.get(code="51").pk
    assert lieu.commune_ref.code_insee == "51454"
    assert lieu.typologie == ["TIERS_LIEUX", "ASSO"]
    assert lieu.courriels == ["contact@laquincaillerie.tl", "responsable@laquincaillerie.tl"]
    assert lieu.formations_labels == ["Formé à « Mon Espace Santé »", "Arnia/MedNum BFC (Bourgogne-Franche-Comté)"]
    assert str(lieu.date_maj) == "2024-04-02"
    assert (lieu.latitude, lieu.longitude, lieu.source_position) == (43.52609, 5.41423, SourcePosition.IMPORT)
    # A Lieu is an Organisation: its row exists, typed "lieu", with the name and the département.
    organisation = Organisation.objects.get(pk=lieu.pk)
    assert (organisation.type, organisation.nom, organisation.departement_id) == (
        "lieu",
        "Anonymal",
        lieu.departement_id,
    )


def test_reimporter_le_meme_fichier_ne_change_rien(communes):
    contenu = EXAMPLE_PATH.read_bytes()
    importer(contenu)
    avant = Lieu.objects.values().get()

    rapport = importer(contenu)

    assert rapport.comptes() == {"crees": 0, "modifies": 0, "inchanges": 1, "rejetes": 0}
    apres = Lieu.objects.values().get()
    assert {k: v for k, v in apres.items() if k != "modifie_le"} == {
        k: v for k, v in avant.items() if k != "modifie_le"
    }


def test_reimporter_un_fichier_json_et_un_csv_a_point_virgule_ne_change_rien(communes):
    ligne = ligne_gueret()
    importer(csv_bytes([ligne]))

    assert importer(csv_bytes([ligne], separateur=";", bom=True), simulation=True).comptes()["inchanges"] == 1
    assert importer(json_bytes([ligne]), nom="lieux.json", simulation=True).comptes()["inchanges"] == 1
    assert importer(json_bytes([ligne], enveloppe=True), simulation=True).comptes()["inchanges"] == 1


def test_une_modification_est_detectee_champ_par_champ(communes):
    importer(csv_bytes([ligne_gueret()]))
    modifiee = ligne_gueret(horaires="Mo-Fr 09:00-12:00", telephone="05 55 52 00 01", date_maj="2025-02-01")

    apercu = importer(csv_bytes([modifiee]), simulation=True)

    ligne = apercu.lignes[0]
    assert ligne.statut == Statut.MODIFIE
    assert set(ligne.champs_modifies) == {"horaires", "telephone", "date_maj"}
    assert Lieu.objects.get().telephone == "+33555520000"  # a dry run writes nothing

    rapport = importer(csv_bytes([modifiee]))
    assert rapport.comptes()["modifies"] == 1
    lieu = Lieu.objects.get()
    assert lieu.telephone == "+33555520001"  # normalised to the standard's format
    assert str(lieu.date_maj) == "2025-02-01"


def test_seul_date_maj_change_compte_comme_une_modification(communes):
    importer(csv_bytes([ligne_gueret()]))

    rapport = importer(csv_bytes([ligne_gueret(date_maj="2025-03-01")]), simulation=True)

    assert rapport.lignes[0].champs_modifies == ["date_maj"]


def test_rapprochement_sur_l_identifiant_puis_sur_siret_et_nom(communes, creuse):
    par_id = LieuFactory(departement=creuse, identifiant="gueret-1", nom="Ancien nom", pivot="00000000000000")
    par_pivot = LieuFactory(departement=creuse, nom="Espace numérique de Felletin", pivot="21230079000012")
    lignes = [
        ligne_gueret(),  # same id, other name: the id wins
        ligne_gueret(
            id="fichier-felletin",
            pivot="21230079000012",
            nom="ESPACE NUMERIQUE DE FELLETIN",  # the name is compared normalised
            commune="Felletin",
            code_postal="23500",
            code_insee="23079",
        ),
    ]

    rapport = importer(csv_bytes(lignes))

    assert rapport.comptes() == {"crees": 0, "modifies": 2, "inchanges": 0, "rejetes": 0}
    assert [ligne.rapprochement for ligne in rapport.lignes] == ["id", "pivot"]
    par_id.refresh_from_db()
    par_pivot.refresh_from_db()
    assert par_id.nom == "Médiathèque du Grand Guéret"
    assert "nom" in rapport.lignes[0].champs_modifies
    # Matched on SIRET + name: the place keeps its own identifier, so links to it stay valid…
    assert par_pivot.identifiant != "fichier-felletin"
    assert rapport.lignes[1].identifiant == par_pivot.identifiant
    # …and importing the file again still finds it, and changes nothing.
    assert importer(csv_bytes(lignes), simulation=True).comptes()["inchanges"] == 2
    assert Lieu.objects.count() == 2


def test_le_siret_inconnu_ne_rapproche_jamais(communes, creuse):
    LieuFactory(departement=creuse, nom="Médiathèque du Grand Guéret", pivot="00000000000000")

    rapport = importer(csv_bytes([ligne_gueret(pivot="00000000000000")]), simulation=True)

    assert rapport.lignes[0].statut == Statut.CREE


def test_meme_siret_mais_autre_nom_cree_un_nouveau_lieu(communes, creuse):
    LieuFactory(departement=creuse, nom="CCAS de Guéret", pivot="21230096400013")

    rapport = importer(csv_bytes([ligne_gueret()]), simulation=True)

    assert rapport.lignes[0].statut == Statut.CREE


def test_la_simulation_n_ecrit_rien(communes):
    rapport = importer(EXAMPLE_PATH.read_bytes(), simulation=True)

    assert rapport.comptes()["crees"] == 1
    assert not rapport.ecrit
    assert "Simulation" in rapport.conclusion()
    assert Lieu.objects.count() == 0
    assert Organisation.objects.count() == 0
    assert not Evenement.objects.exists()


def test_position_absente_prise_au_centre_de_la_commune(communes):
    rapport = importer(csv_bytes([ligne_gueret(latitude="", longitude="")]))

    assert rapport.ecrit
    lieu = Lieu.objects.get()
    assert (lieu.latitude, lieu.longitude) == (lieu.commune_ref.latitude, lieu.commune_ref.longitude)
    assert lieu.source_position == SourcePosition.COMMUNE


def test_une_position_placee_sur_la_carte_est_gardee_si_le_fichier_n_en_donne_pas(communes):
    importer(csv_bytes([ligne_gueret(latitude="", longitude="")]))
    Lieu.objects.update(latitude=46.2, longitude=1.9, source_position=SourcePosition.CARTE)

    rapport = importer(csv_bytes([ligne_gueret(latitude="", longitude="")]), simulation=True)

    assert rapport.lignes[0].statut == Statut.INCHANGE


def test_code_postal_sans_code_insee_rattache_la_commune(communes):
    rapport = importer(csv_bytes([ligne_gueret(code_insee="")]))

    assert rapport.ecrit
    assert Lieu.objects.get().commune_ref.code_insee == "23096"


def test_colonnes_facultatives_absentes_gardent_les_valeurs_existantes(communes):
    importer(csv_bytes([ligne_gueret()]))
    colonnes = ["id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj"]

    rapport = importer(csv_bytes([ligne_gueret()], colonnes=colonnes))

    assert rapport.comptes()["inchanges"] == 1
    assert "colonnes facultatives absentes" in rapport.avertissements[0]
    assert Lieu.objects.get().telephone == "+33555520000"


def test_un_departement_restreint_l_import(communes, creuse):
    autre = ligne_gueret(id="reims-1", nom="Ailleurs", commune="Reims", code_postal="51100", code_insee="51454")

    rapport = importer(csv_bytes([ligne_gueret(), autre]), departement=creuse)

    assert not rapport.ecrit
    assert rapport.comptes()["rejetes"] == 1
    (erreur,) = rapport.erreurs
    assert str(erreur) == (
        "Ligne 3, champ « code_insee » : ce lieu est à Reims (Marne, 51), hors du département Creuse (23) : "
        "il ne peut pas être importé ici."
    )
    assert Lieu.objects.count() == 0


def test_un_lieu_d_un_autre_departement_ne_peut_pas_etre_modifie(communes, creuse):
    LieuFactory(departement=Departement.objects.get(code="87"), identifiant="gueret-1")

    rapport = importer(csv_bytes([ligne_gueret()]), departement=creuse)

    assert [str(e) for e in rapport.erreurs] == [
        "Ligne 2, champ « id » : l’identifiant « gueret-1 » est celui d’un lieu d’un autre département : "
        "il ne peut pas être modifié depuis ce département."
    ]


def test_l_import_est_journalise_une_fois_avec_les_comptes(communes, creuse):
    coordinateur = make_member("coordinateur", departement=creuse)
    LieuFactory(departement=creuse, identifiant="gueret-2", nom="Avant")
    contenu = csv_bytes([ligne_gueret(), ligne_gueret(id="gueret-2", nom="Après")])

    rapport = importer(contenu, nom="mes-lieux.csv", departement=creuse, par=coordinateur)

    assert rapport.ecrit
    (entree,) = Evenement.objects.filter(action=Action.LIEUX_IMPORTES)
    assert entree.actor == coordinateur.user
    assert entree.organisation_id == coordinateur.organisation_id
    assert entree.departement == creuse
    assert entree.details["fichier"] == "mes-lieux.csv"
    assert entree.details["sha256"] == hashlib.sha256(contenu).hexdigest()
    assert (entree.details["crees"], entree.details["modifies"], entree.details["inchanges"]) == (1, 1, 0)
    assert entree.details["rejetes"] == 0
    assert entree.details["lieux_crees"] == ["gueret-1"]
    assert "nom" in entree.details["lieux_modifies"]["gueret-2"]


def test_un_import_sans_changement_est_journalise_aussi(communes):
    importer(EXAMPLE_PATH.read_bytes())
    importer(EXAMPLE_PATH.read_bytes())

    entrees = Evenement.objects.filter(action=Action.LIEUX_IMPORTES).order_by("pk")
    assert [e.details["inchanges"] for e in entrees] == [0, 1]
    assert entrees[0].departement.code == "51"


def test_exemple_en_json_avec_listes(communes):
    ligne = ligne_exemple()
    ligne["services"] = ligne["services"].split("|")
    ligne["latitude"], ligne["longitude"] = 43.52609, 5.41423

    rapport = importer(json_bytes([ligne]), nom="lieux.json")

    assert rapport.format == "json"
    assert rapport.ecrit
    assert Lieu.objects.get().services == ligne["services"]


def test_rapport_texte_en_francais(communes):
    rapport = importer(EXAMPLE_PATH.read_bytes(), nom="exemple.csv", simulation=True)

    texte = rapport.texte()
    assert "Créés : 1" in texte
    assert "ligne 2 — « Anonymal » [structure-1] : créé" in texte
    assert texte.endswith("Simulation : 1 créé, 0 modifié, 0 inchangé, 0 rejeté. Rien n’a été écrit.")
