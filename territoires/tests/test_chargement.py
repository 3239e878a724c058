import gzip
import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from territoires.models import CodePostal, Commune, Departement, Region
from territoires.services import charger_referentiel
from territoires.tests.jeu_de_test import DOSSIER

pytestmark = pytest.mark.django_db


def charger(dossier=DOSSIER):
    sortie = io.StringIO()
    call_command("charger_territoires", dossier=dossier, stdout=sortie)
    return sortie.getvalue()


def comptes():
    return Region.objects.count(), Departement.objects.count(), Commune.objects.count(), CodePostal.objects.count()


@pytest.fixture
def copie(tmp_path):
    """A writable copy of the test set, to break."""
    dossier = tmp_path / "referentiel"
    shutil.copytree(DOSSIER, dossier)
    return dossier


def remplacer(chemin, ancien, nouveau):
    texte = chemin.read_text(encoding="utf-8")
    assert ancien in texte
    chemin.write_text(texte.replace(ancien, nouveau, 1), encoding="utf-8")


def test_chargement_puis_rechargement_identique():
    sortie = charger()
    assert "Régions : 6 créées, 0 modifiée, 0 inchangée." in sortie
    assert "Départements : 11 créés, 0 modifié, 0 inchangé." in sortie
    assert "Communes (et arrondissements municipaux) : 17 créées, 0 modifiée, 0 inchangée." in sortie
    assert "Codes postaux : 48 créés, 0 modifié, 0 inchangé." in sortie
    avant = comptes()
    assert avant == (6, 11, 17, 48)

    sortie = charger()
    assert comptes() == avant
    assert "Communes (et arrondissements municipaux) : 0 créée, 0 modifiée, 17 inchangées." in sortie
    assert "Codes postaux : 0 créé, 0 modifié, 48 inchangés." in sortie
    gueret = Commune.objects.get(code_insee="23096")
    assert (gueret.nom_normalise, gueret.latitude, gueret.longitude) == ("gueret", 46.1718, 1.8717)
    assert gueret.source_position == Commune.SourcePosition.NOM


def test_le_theme_des_departements_existants_est_garde():
    Departement.objects.create(code="23", nom="Département 23", couleur="#123456")
    charger()
    creuse = Departement.objects.get(code="23")
    assert (creuse.nom, creuse.couleur, creuse.region_id, creuse.chef_lieu) == ("Creuse", "#123456", "75", "23096")
    assert Departement.objects.get(code="974").couleur == "#005a9c"  # new rows take the default theme


def test_mise_a_jour_et_commune_retiree(copie):
    charger()
    communes = copie / "communes.csv"
    remplacer(
        communes, "23096,Guéret,COM,23,,200034825,23000,12955", "23096,Guéret,COM,23,,200034825,23000|23001,13000"
    )
    lignes = communes.read_text(encoding="utf-8").splitlines()
    communes.write_text("\n".join(ligne for ligne in lignes if not ligne.startswith("23193,")) + "\n", encoding="utf-8")

    sortie = charger(copie)
    assert "Communes (et arrondissements municipaux) : 0 créée, 1 modifiée, 15 inchangées, 1 retirée." in sortie
    assert "Codes postaux : 1 créé, 0 modifié, 47 inchangés, 1 retiré." in sortie
    gueret = Commune.objects.get(code_insee="23096")
    assert (gueret.population, gueret.codes_postaux) == (13000, "23000|23001")
    assert set(gueret.codes_postaux_associes.values_list("code", flat=True)) == {"23000", "23001"}
    sainte_feyre = Commune.objects.get(code_insee="23193")  # kept, for the records that point to it
    assert not sainte_feyre.actuelle
    assert not sainte_feyre.codes_postaux_associes.exists()

    charger()  # the commune comes back
    assert Commune.objects.get(code_insee="23193").actuelle


@pytest.mark.parametrize(
    ("fichier", "ancien", "nouveau", "message"),
    [
        (
            "communes.csv",
            "46.1718,1.8717",
            "46.1718,abc",
            "communes.csv, ligne 4 : position invalide « 46.1718, abc ».",
        ),
        ("communes.csv", "COM,974,", "COM,975,", "communes.csv, ligne 18 : département inconnu « 975 »."),
        ("communes.csv", "COM,87,,248719312,87000", "COM,87,,248719312,8700", "codes postaux invalides « 8700|87100"),
        ("communes.csv", "93066,Saint-Denis", "97411,Saint-Denis", "ligne 18 : code INSEE en double « 97411 »."),
        (
            "communes.csv",
            "ARM,75,75056",
            "ARM,75,75057",
            "communes.csv, ligne 14 : commune parente inconnue « 75057 ».",
        ),
        (
            "communes.csv",
            "code_insee,nom,",
            "code,nom,",
            "communes.csv : colonnes inattendues. Attendu : code_insee, nom,",
        ),
        ("communes.csv", ",12955,", ",-3,", "communes.csv, ligne 4 : population invalide « -3 »."),
        ("departements.csv", "23,Creuse,75", "23,Creuse,99", "departements.csv, ligne 3 : région inconnue « 99 »."),
        ("regions.csv", "11,Île-de-France", "1,Île-de-France", "regions.csv, ligne 3 : code de région invalide « 1 »."),
    ],
)
def test_fichier_invalide_rien_n_est_ecrit(copie, fichier, ancien, nouveau, message):
    remplacer(copie / fichier, ancien, nouveau)
    with pytest.raises(CommandError) as erreur:
        charger(copie)
    assert "Référentiel territorial invalide, rien n’a été enregistré" in str(erreur.value)
    assert message in str(erreur.value)
    assert comptes() == (0, 0, 0, 0)


def test_fichier_manquant_mal_encode_ou_compresse(copie):
    (copie / "epcis.csv").unlink()
    with pytest.raises(CommandError, match=r"Fichier introuvable : .*epcis\.csv"):
        charger(copie)
    shutil.copy(DOSSIER / "epcis.csv", copie / "epcis.csv")

    (copie / "regions.csv").write_bytes("code,nom,chef_lieu\n11,Île-de-France,75056\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"regions\.csv : le fichier n’est pas encodé en UTF-8"):
        charger(copie)
    shutil.copy(DOSSIER / "regions.csv", copie / "regions.csv")

    (copie / "communes.csv").unlink()
    (copie / "communes.csv.gz").write_bytes(b"pas du gzip")
    with pytest.raises(CommandError, match=r"communes\.csv\.gz : fichier illisible"):
        charger(copie)
    assert comptes() == (0, 0, 0, 0)


def test_fichier_compresse_accepte(copie):
    contenu = (copie / "communes.csv").read_bytes()
    (copie / "communes.csv").unlink()
    (copie / "communes.csv.gz").write_bytes(gzip.compress(contenu))
    charger(copie)
    assert Commune.objects.count() == 17


def test_erreur_pendant_l_ecriture_tout_est_annule(monkeypatch):
    def panne(*args, **kwargs):
        raise RuntimeError("panne de disque")

    monkeypatch.setattr("territoires.services._synchroniser_codes_postaux", panne)
    with pytest.raises(RuntimeError):
        charger_referentiel(dossier=DOSSIER)
    assert comptes() == (0, 0, 0, 0)


def test_les_erreurs_sont_limitees(copie):
    communes = copie / "communes.csv"
    communes.write_text(communes.read_text(encoding="utf-8").replace(",COM,", ",XXX,"), encoding="utf-8")
    with pytest.raises(CommandError) as erreur:
        charger(copie)
    assert str(erreur.value).count("type invalide « XXX » (COM ou ARM).") == 16
