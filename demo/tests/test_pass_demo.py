"""The demo's Pass numérique: a dispositif, qualified places, allocated stock, three booklets
handed out, and a token with which the API redeems one of the printed codes."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo import pass_demo
from journal.models import Action, Evenement
from pass_numerique.models import Carnet, Cheque, Dispositif, Financeur
from territoires.tests.jeu_de_test import charger_jeu_de_test

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_json(tmp_path, monkeypatch):
    fichier = tmp_path / "demo.json"
    monkeypatch.setattr(pass_demo, "FICHIER_DEMO", fichier)
    return fichier


def test_seed_demo_builds_the_pass_and_the_api_token_works(client, demo_json):
    charger_jeu_de_test()
    call_command("seed_demo", stdout=io.StringIO())
    dispositif = Dispositif.objects.get(nom=pass_demo.NOM)
    assert [(f.nom, str(f.pourcentage)) for f in Financeur.objects.filter(dispositif=dispositif)] == [
        ("FSE+", "60.00"),
        ("État", "20.00"),
        ("Département de la Creuse", "20.00"),
    ]
    assert Carnet.objects.filter(dispositif=dispositif, statut=Carnet.Statut.REMIS).count() == pass_demo.NB_REMISES
    sortie = json.loads(demo_json.read_text())
    assert sortie["api_token"] == pass_demo.JETON_DEMO and len(sortie["cheques_remis"]) == 3
    assert Evenement.objects.filter(action=Action.CHEQUES_GENERES).count() == 1

    code = sortie["cheques_remis"][0]
    url = reverse("pass_api:encaisser", args=[code])
    reponse = client.post(url, HTTP_AUTHORIZATION=f"Bearer {sortie['api_token']}")
    assert reponse.status_code == 201, reponse.content
    assert client.post(url, HTTP_AUTHORIZATION=f"Bearer {sortie['api_token']}").status_code == 409
    assert Cheque.objects.get(code=code).statut == Cheque.Statut.ENCAISSE

    # Idempotent: a second run creates nothing more.
    call_command("seed_demo", stdout=io.StringIO())
    assert Dispositif.objects.filter(nom=pass_demo.NOM).count() == 1
    assert Carnet.objects.filter(dispositif=dispositif, statut=Carnet.Statut.REMIS).count() == pass_demo.NB_REMISES
    assert Evenement.objects.filter(action=Action.CHEQUES_GENERES).count() == 1
