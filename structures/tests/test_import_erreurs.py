"""Bad input to the import: each gets a precise French message (row and field), nothing is written."""

import pytest

from comptes.models import Organisation
from comptes.tests.factories import LieuFactory
from journal.models import Evenement
from structures.models import Lieu
from structures.services import importation
from structures.services.importation import importer_lieux
from structures.standard import field_names
from structures.tests.data import charger_communes, csv_bytes, json_bytes, ligne_gueret
from territoires.models import Departement

pytestmark = pytest.mark.usefixtures("communes")


@pytest.fixture
def communes(db):
    charger_communes()


def refuse(contenu: bytes, nom="lieux.csv", **kwargs) -> list[str]:
    """Import `contenu` for real; assert nothing was written; return the errors as text."""
    lieux, organisations = Lieu.objects.count(), Organisation.objects.count()
    rapport = importer_lieux(contenu=contenu, nom_fichier=nom, **kwargs)
    assert not rapport.ecrit
    assert not rapport.accepte
    assert "rien n’a été écrit" in rapport.conclusion()
    assert (Lieu.objects.count(), Organisation.objects.count()) == (lieux, organisations)
    assert not Evenement.objects.exists()
    return [str(e) for e in rapport.erreurs]


def erreur_de(ligne: dict) -> str:
    """The single error of a file made of one good row and one bad row (line 3)."""
    (erreur,) = refuse(csv_bytes([ligne_gueret(id="bonne", nom="Un autre lieu"), ligne]))
    return erreur


def test_mauvais_encodage_windows_1252():
    (erreur,) = refuse(csv_bytes([ligne_gueret()], encodage="cp1252"))

    assert erreur.startswith("Le fichier n’est pas en UTF-8 (caractère illisible ligne 2)")
    assert "Windows-1252 ou Latin-1" in erreur
    assert "enregistrez-le en UTF-8" in erreur


def test_fichier_utf16_ou_classeur_excel():
    (utf16,) = refuse("\ufeffid,nom\n".encode("utf-16-le"))
    (xlsx,) = refuse(b"PK\x03\x04" + b"\x00" * 100, nom="lieux.xlsx")

    assert utf16.startswith("Le fichier n’est pas en UTF-8 : il est en UTF-16")
    assert xlsx.startswith("Ce fichier n’est pas un fichier texte CSV ou JSON")


def test_colonnes_obligatoires_manquantes():
    colonnes = [c for c in field_names() if c not in ("pivot", "date_maj")]

    (erreur,) = refuse(csv_bytes([ligne_gueret()], colonnes=colonnes))

    assert erreur.startswith("Colonnes obligatoires manquantes : pivot, date_maj.")


def test_colonnes_en_trop():
    colonnes = [*field_names(), "accepte_pass_numerique", "Code Postal"]

    (erreur,) = refuse(csv_bytes([ligne_gueret()], colonnes=colonnes))

    assert erreur.startswith(
        "Colonnes inconnues du standard v1.0.2 : « accepte_pass_numerique », « Code Postal » "
        "(vouliez-vous dire « code_postal » ?). Retirez-les ou renommez-les"
    )


def test_colonne_en_double():
    contenu = b"id,id,pivot,nom,commune,code_postal,adresse,date_maj\n"

    (erreur,) = refuse(contenu)

    assert erreur == "Colonnes en double : id. Chaque colonne ne doit apparaître qu’une fois."


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        (
            "services",
            "Aide aux démarches administratives|Cours de cuisine",
            "Valeur inconnue pour « services » : « Cours de cuisine ». Valeurs possibles : Aide aux démarches",
        ),
        ("typologie", "BIB|MAIRIE_XX", "Typologie inconnue : « MAIRIE_XX »"),
        ("code_postal", "2300", "Code postal invalide : « 2300 » (5 chiffres attendus, par exemple 23000)."),
        ("code_insee", "2309", "Code INSEE invalide : « 2309 »"),
        ("pivot", "21230096400014", "Ce SIRET (« 21230096400014 ») n’est pas valide : sa clé de contrôle"),
        ("pivot", "ABC", "Indiquez un SIRET (14 chiffres), un SIREN (9 chiffres) ou un numéro RNA"),
        ("telephone", "05 55 52", "Numéro de téléphone invalide : « 05 55 52 »."),
        ("site_web", "www.exemple.fr", "Adresse web invalide pour « site web » : « www.exemple.fr »"),
        ("prise_rdv", "rdv.exemple.fr", "Adresse web invalide pour « prise de rendez-vous » : « rdv.exemple.fr »"),
        ("courriels", "contact@", "Adresse e-mail invalide : « contact@ »."),
        ("date_maj", "02/04/2024", "Date invalide : « 02/04/2024 ». Écrivez-la au format AAAA-MM-JJ"),
        ("latitude", "quarante-six", "Latitude invalide : « quarante-six » (un nombre entre -90 et 90 est attendu"),
        ("longitude", "181", "Longitude invalide : « 181 »"),
        ("nom", "", "champ obligatoire : il ne peut pas être vide."),
        ("presentation_resume", "x" * 281, "Texte trop long : 281 caractères pour 280 au plus."),
    ],
)
def test_valeur_invalide_nommee_par_ligne_et_champ(champ, valeur, message):
    erreur = erreur_de(ligne_gueret(**{champ: valeur}))

    assert erreur.startswith(f"Ligne 3, champ « {champ} » : {message}")


def test_horaires_invalides():
    erreur = erreur_de(ligne_gueret(horaires="Lundi de 9h à midi, sauf les jours fériés !"))

    assert erreur.startswith("Ligne 3, champ « horaires » : ")


def test_latitude_sans_longitude():
    erreur = erreur_de(ligne_gueret(longitude=""))

    assert erreur == (
        "Ligne 3, champ « longitude » : la latitude et la longitude vont ensemble : renseignez les deux, ou aucune."
    )


def test_commune_introuvable():
    insee = erreur_de(ligne_gueret(code_insee="23999"))
    postal = erreur_de(ligne_gueret(code_insee="", code_postal="23999"))

    assert insee == "Ligne 3, champ « code_insee » : code INSEE « 23999 » inconnu du référentiel des communes."
    assert postal.startswith("Ligne 3, champ « code_postal » : aucune commune trouvée pour le code postal « 23999 »")


def test_identifiants_en_double():
    erreurs = refuse(csv_bytes([ligne_gueret(), ligne_gueret(nom="Autre lieu"), ligne_gueret()]))

    assert erreurs == [
        "Ligne 3, champ « id » : identifiant « gueret-1 » en double : déjà utilisé ligne 2.",
        "Ligne 4, champ « id » : identifiant « gueret-1 » en double : déjà utilisé ligne 2.",
    ]


def test_meme_siret_et_meme_nom_deux_fois_dans_le_fichier():
    doublon = ligne_gueret(id="autre-id", nom="Médiathèque du GRAND Guéret")

    (erreur,) = refuse(csv_bytes([ligne_gueret(), doublon]))

    assert erreur == (
        "Ligne 3, champ « pivot » : même SIRET et même nom que le lieu décrit ligne 2 : "
        "un lieu ne doit être décrit qu’une fois."
    )


def test_le_meme_lieu_existant_decrit_deux_fois():
    LieuFactory(
        departement=Departement.objects.get(code="23"),
        identifiant="gueret-1",
        pivot="21230096400013",
        nom="Médiathèque du Grand Guéret",
    )
    renomme = ligne_gueret(nom="Médiathèque Guéret centre")  # matched on its id
    ancien = ligne_gueret(id="autre-id")  # matched on SIRET + name: the same place

    (erreur,) = refuse(csv_bytes([renomme, ancien]))

    assert erreur == (
        "Ligne 3, champ « id » : ce lieu est déjà décrit ligne 2 (même identifiant, ou même SIRET et même nom)."
    )


def test_numero_de_ligne_du_fichier_apres_un_texte_sur_plusieurs_lignes():
    longue = ligne_gueret(id="a", presentation_detail="Première ligne\nDeuxième ligne\nTroisième ligne")

    (erreur,) = refuse(csv_bytes([longue, ligne_gueret(id="b", code_postal="ABCDE")]))

    assert erreur.startswith("Ligne 5, champ « code_postal »")


def test_nombre_de_valeurs_incorrect():
    contenu = csv_bytes([ligne_gueret()]) + b"trop,peu\r\n"

    (erreur,) = refuse(contenu)

    assert erreur.startswith("Ligne 3 : cette ligne a 2 valeurs pour 32 colonnes : vérifiez les séparateurs")


def test_une_seule_ligne_rejetee_bloque_tout_l_import():
    lignes = [ligne_gueret(id=f"lieu-{i}", nom=f"Lieu {i}") for i in range(5)]
    lignes[3]["code_postal"] = "999"

    erreurs = refuse(csv_bytes(lignes))

    assert len(erreurs) == 1
    assert erreurs[0].startswith("Ligne 5, champ « code_postal »")


def test_fichier_vide_ou_sans_lieu():
    assert refuse(b"") == ["Le fichier est vide : la première ligne doit donner les noms des colonnes."]
    assert refuse(csv_bytes([])) == ["Le fichier ne contient aucun lieu."]


def test_json_mal_forme_ou_inattendu():
    (mal_forme,) = refuse(b'[{"id": "a",}]', nom="lieux.json")
    (pas_une_liste,) = refuse(b'{"id": "a"}', nom="lieux.json")

    assert mal_forme.startswith("Le fichier JSON est mal formé (ligne 1, colonne")
    assert pas_une_liste.startswith("Le fichier JSON doit contenir une liste de lieux")


def test_json_champs_inconnus_ou_absents():
    inconnu = ligne_gueret() | {"accepte_pass": True}
    incomplet = {k: v for k, v in ligne_gueret(id="b").items() if k != "pivot"}

    (erreur_inconnu,) = refuse(json_bytes([ligne_gueret(id="a"), inconnu]), nom="lieux.json")
    (erreur_absent,) = refuse(json_bytes([incomplet]), nom="lieux.json")

    assert erreur_inconnu.startswith("Champ inconnu du standard v1.0.2 : « accepte_pass » (lieu n°2).")
    assert erreur_absent == "Lieu n°1, champ « pivot » : champ obligatoire absent de cet objet."


def test_json_type_inattendu():
    (erreur,) = refuse(json_bytes([ligne_gueret(nom=["a", "b"])]), nom="lieux.json")

    assert erreur == "Lieu n°1, champ « nom » : Une seule valeur texte est attendue ici."


def test_fichier_de_50_mo_refuse_avant_lecture(monkeypatch):
    def ne_pas_lire(_contenu):
        raise AssertionError("le fichier ne doit pas être lu")

    monkeypatch.setattr(importation, "_decoder", ne_pas_lire)
    contenu = bytes(50 * 1024 * 1024)

    (erreur,) = refuse(contenu)

    assert erreur == (
        "Le fichier est trop volumineux (50 Mo) : la taille maximale est de 10 Mo. "
        "Découpez-le en plusieurs fichiers, par exemple par département."
    )


def test_la_limite_de_taille_se_regle(settings):
    contenu = csv_bytes([ligne_gueret()])
    settings.LIEUX_IMPORT_MAX_BYTES = len(contenu) - 1

    (erreur,) = refuse(contenu)

    assert erreur.startswith("Le fichier est trop volumineux (")
    settings.LIEUX_IMPORT_MAX_BYTES = len(contenu)
    assert importer_lieux(contenu=contenu, nom_fichier="lieux.csv").ecrit
