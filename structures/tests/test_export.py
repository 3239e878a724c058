"""Exports in the national standard validate against its Table Schema (frictionless), and are safe
to open in a spreadsheet."""

import copy
import csv
import io
import json
from datetime import date

import pytest
from frictionless import Resource, Schema

from comptes.tests.factories import LieuFactory
from structures.services.exportation import exporter_texte, lieux_a_exporter, nom_de_fichier
from structures.services.importation import importer_lieux
from structures.standard import EXAMPLE_PATH, field_names, schema
from structures.tests.data import charger_communes, csv_bytes, ligne_gueret
from territoires.models import Departement


@pytest.fixture
def communes(db):
    charger_communes()


def erreurs_schema(donnees, **options) -> list:
    """Table Schema errors of a CSV (bytes) or JSON (list of objects) against schema-v1.0.2.json."""
    table = Schema.from_descriptor(copy.deepcopy(schema()))
    if isinstance(donnees, bytes):
        resource = Resource(data=donnees, format="csv", schema=table, **options)
    else:
        resource = Resource(data=donnees, schema=table, **options)
    rapport = resource.validate()
    return rapport.flatten(["rowNumber", "fieldName", "type", "note"])


def test_le_validateur_detecte_un_fichier_invalide():
    """Control: the validator used below does reject what the schema forbids."""
    mauvais = EXAMPLE_PATH.read_bytes().replace(b'"51100"', b'"5110"')

    assert erreurs_schema(EXAMPLE_PATH.read_bytes()) == []
    assert [e[1:3] for e in erreurs_schema(mauvais)] == [["code_postal", "constraint-error"]]


def test_aller_retour_exemple_import_puis_export_valide_le_schema(communes):
    assert importer_lieux(contenu=EXAMPLE_PATH.read_bytes(), nom_fichier="exemple.csv").ecrit

    texte_csv = exporter_texte(format="csv")
    texte_json = exporter_texte(format="json")

    assert erreurs_schema(texte_csv.encode("utf-8")) == []
    assert erreurs_schema(json.loads(texte_json)) == []
    (ligne,) = csv.DictReader(io.StringIO(texte_csv))
    (exemple,) = csv.DictReader(io.StringIO(EXAMPLE_PATH.read_text(encoding="utf-8")))
    assert ligne == exemple  # the same 32 values, text for text
    # And the export imports back without any change.
    rapport = importer_lieux(contenu=texte_csv.encode("utf-8"), nom_fichier="export.csv", simulation=True)
    assert rapport.comptes()["inchanges"] == 1


def test_csv_colonnes_dans_l_ordre_du_schema_utf8_virgule(communes):
    importer_lieux(contenu=csv_bytes([ligne_gueret()]), nom_fichier="lieux.csv")

    texte = exporter_texte(format="csv")

    premiere = texte.split("\r\n", 1)[0]
    assert premiere == ",".join(field_names())
    assert len(field_names()) == 32
    assert "Médiathèque du Grand Guéret" in texte
    assert not texte.startswith("\ufeff")


def test_json_liste_d_objets_du_standard(communes):
    importer_lieux(contenu=csv_bytes([ligne_gueret(complement_adresse="", horaires="")]), nom_fichier="l.csv")

    (objet,) = json.loads(exporter_texte(format="json"))

    assert list(objet) == list(field_names())
    assert objet["latitude"] == 46.171
    assert objet["complement_adresse"] is None
    assert objet["horaires"] is None
    assert objet["typologie"] == "BIB"


def test_export_vide_valide(db):
    assert exporter_texte(format="csv") == ",".join(field_names()) + "\r\n"
    assert json.loads(exporter_texte(format="json")) == []


def test_injection_de_formule_neutralisee(db):
    creuse = Departement.objects.get_or_create(code="23", defaults={"nom": "Creuse"})[0]
    LieuFactory(
        departement=creuse,
        nom='=HYPERLINK("http://evil.example","x")',
        adresse="+1+2",
        presentation_resume="-2+3",
        source="@SUM(A1:A2)",
        telephone="+33555520000",
    )

    (ligne,) = csv.DictReader(io.StringIO(exporter_texte(format="csv")))

    assert ligne["nom"] == '\'=HYPERLINK("http://evil.example","x")'
    assert ligne["adresse"] == "'+1+2"
    assert ligne["presentation_resume"] == "'-2+3"
    assert ligne["source"] == "'@SUM(A1:A2)"
    assert ligne["telephone"] == "+33555520000"  # a phone number stays a phone number


def test_les_lieux_fermes_ne_sont_pas_exportes(db):
    creuse = Departement.objects.get_or_create(code="23", defaults={"nom": "Creuse"})[0]
    ouvert = LieuFactory(departement=creuse, nom="Ouvert")
    LieuFactory(departement=creuse, nom="Fermé", est_actif=False, ferme_le=date(2025, 1, 1))

    assert list(lieux_a_exporter()) == [ouvert]
    assert "Fermé" not in exporter_texte(format="csv")
    assert [o["nom"] for o in json.loads(exporter_texte(format="json"))] == ["Ouvert"]


def test_export_d_un_departement(db):
    creuse = Departement.objects.get_or_create(code="23", defaults={"nom": "Creuse"})[0]
    vienne = Departement.objects.get_or_create(code="87", defaults={"nom": "Haute-Vienne"})[0]
    LieuFactory(departement=creuse, nom="À Guéret")
    LieuFactory(departement=vienne, nom="À Limoges")

    noms = [o["nom"] for o in json.loads(exporter_texte(format="json", departement=vienne))]

    assert noms == ["À Limoges"]
    assert nom_de_fichier(format="json", departement=vienne).startswith("lieux-mediation-numerique-87-")


def test_un_nom_neutralise_revient_intact_apres_import(communes):
    importer_lieux(contenu=csv_bytes([ligne_gueret(nom="=Espace numérique")]), nom_fichier="a.csv")
    texte = exporter_texte(format="csv")
    assert "'=Espace numérique" in texte

    rapport = importer_lieux(contenu=texte.encode("utf-8"), nom_fichier="export.csv", simulation=True)

    assert rapport.comptes()["inchanges"] == 1
    assert erreurs_schema(texte.encode("utf-8")) == []


def test_les_telechargements_publics_de_l_api_valident_le_schema(communes, client):
    """The public download links (/api/v1/lieux.csv and the JSON list) validate too."""
    from django.urls import reverse

    assert importer_lieux(contenu=EXAMPLE_PATH.read_bytes(), nom_fichier="exemple.csv").ecrit
    LieuFactory(
        nom='=HYPERLINK("http://piege.example")',
        departement=Departement.objects.get(code="51"),
        commune="Reims",
        code_postal="51100",
        code_insee="51454",
        adresse="1 place Royale",
    )

    reponse_csv = client.get(reverse("structures_api:lieux_csv"))
    contenu_csv = b"".join(reponse_csv.streaming_content)
    assert erreurs_schema(contenu_csv) == []
    assert b"'=HYPERLINK" in contenu_csv

    reponse_json = client.get(reverse("structures_api:lieux"))
    lieux = reponse_json.json()["lieux"]
    assert len(lieux) == 2
    assert erreurs_schema(lieux) == []
