"""The report pages: history, request, detail and its progress fragment, retry, download; who
may open them (the département's team of the report; anyone else 404)."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import make_member
from journal.models import Action, Evenement
from rapports.models import Rapport
from rapports.services.demandes import FILE_INDISPONIBLE

from .factories_demandes import demander, file_en_panne

pytestmark = pytest.mark.django_db


@pytest.fixture
def pret(equipe, rapide, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return demander(equipe.coordinatrice, [equipe.dispositif])


def _poster(client, dispositifs, du="2026-01-01", au="2026-03-31", formats=("pdf", "xlsx")):
    return client.post(
        reverse("rapports:demander"), {"dispositifs": dispositifs, "du": du, "au": au, "formats": list(formats)}
    )


@pytest.mark.django_db(transaction=True)  # on_commit runs as in production: before the view goes on
@pytest.mark.parametrize("role", ["coordinatrice", "lecteur"])
def test_l_equipe_demande_un_rapport_et_le_voit_pret(equipe, rapide, role, login):
    client = login(getattr(equipe, role))
    page = client.get(reverse("rapports:demander"))
    assert page.status_code == 200
    contenu = page.content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in contenu  # default: 1 January to today
    assert 'value="pdf"' in contenu and "checked" in contenu
    response = _poster(client, [equipe.dispositif.pk])
    rapport = Rapport.objects.get()
    assert response.status_code == 302 and response.url == reverse("rapports:detail", args=[rapport.pk])
    page = client.get(response.url)
    contenu = page.content.decode()
    assert "Le rapport est prêt" in contenu
    assert reverse("rapports:telecharger", args=[rapport.pk, "pdf"]) in contenu
    assert rapport.fichiers.get(format="pdf").sha256 in contenu
    assert "hx-get" not in contenu  # over: no polling


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"dispositifs": []}, "Choisissez au moins un dispositif."),
        ({"dispositifs": ["999999"]}, "n’est pas de votre département"),
        ({"du": "pas une date"}, "Indiquez une date valide"),
        ({"au": "31/02/2026"}, "Indiquez une date valide"),
        ({"du": "2026-03-01", "au": "2026-01-01"}, "postérieure ou égale"),
        ({"du": "2000-01-01", "au": "2026-01-01"}, "dépasser 10 ans"),
        ({"formats": []}, "Cochez au moins un format."),
        ({"formats": ["docx"]}, "n’est pas un format proposé"),
    ],
)
def test_une_demande_invalide_reaffiche_le_formulaire_avec_le_message(equipe, login, donnees, message):
    client = login(equipe.coordinatrice)
    valeurs = {"dispositifs": [equipe.dispositif.pk], "du": "2026-01-01", "au": "2026-03-31", "formats": ["pdf"]}
    response = client.post(reverse("rapports:demander"), {**valeurs, **donnees})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Le rapport n’a pas été demandé" in response.content.decode()
    assert not Rapport.objects.exists()


def test_le_dispositif_d_un_autre_departement_donne_une_erreur(equipe, login):
    response = _poster(login(equipe.coordinatrice), [equipe.autre_dispositif.pk])
    assert response.status_code == 200
    assert "n’est pas de votre département" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_redis_en_panne_la_page_le_dit_et_le_site_repond(equipe, rapide, login, settings):
    client = login(equipe.coordinatrice)
    with file_en_panne(settings):
        debut = time.monotonic()
        response = _poster(client, [equipe.dispositif.pk])
        assert response.status_code == 302
        assert time.monotonic() - debut < 5
        page = client.get(response.url)
    rapport = Rapport.objects.get()
    assert (rapport.statut, rapport.en_file) == ("attente", False)
    assert page.content.decode().count(FILE_INDISPONIBLE) == 2  # the message, and the waiting report
    assert 'hx-trigger="every 2s"' in page.content.decode()


def test_la_progression_est_un_fragment_htmx_qui_recharge_la_page_a_la_fin(equipe, rapide, login):
    rapport = demander(equipe.coordinatrice, [equipe.dispositif])  # not committed: waiting
    Rapport.objects.filter(pk=rapport.pk).update(statut="en_cours", progression=42, etape="Personnes", en_file=True)
    client = login(equipe.lecteur)
    url = reverse("rapports:progression", args=[rapport.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    contenu = fragment.content.decode()
    assert '<progress id="barre-progression"' in contenu and 'value="42"' in contenu
    assert "Personnes" in contenu and "HX-Refresh" not in fragment.headers
    assert "<html" not in contenu
    Rapport.objects.filter(pk=rapport.pk).update(statut="termine", progression=100)
    fini = client.get(url, headers={"HX-Request": "true"})
    assert fini.headers["HX-Refresh"] == "true"


def test_un_echec_montre_sa_raison_et_le_bouton_relancer(pret, equipe, login, django_capture_on_commit_callbacks):
    Rapport.objects.filter(pk=pret.pk).update(statut="echec", erreur="Vos droits sur ce dispositif ont été retirés")
    client = login(equipe.lecteur)
    page = client.get(reverse("rapports:detail", args=[pret.pk])).content.decode()
    assert "Vos droits sur ce dispositif ont été retirés" in page
    assert reverse("rapports:relancer", args=[pret.pk]) in page
    assert client.get(reverse("rapports:relancer", args=[pret.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rapports:relancer", args=[pret.pk]))
    assert response.status_code == 302
    assert Rapport.objects.get(pk=pret.pk).statut == "termine"


def test_relancer_un_rapport_pret_dit_pourquoi(pret, equipe, login):
    client = login(equipe.coordinatrice)
    response = client.post(reverse("rapports:relancer", args=[pret.pk]), follow=True)
    assert "il n’y a rien à relancer" in response.content.decode()


def test_telecharger_donne_le_fichier_et_journalise(pret, equipe, login):
    client = login(equipe.lecteur)
    response = client.get(reverse("rapports:telecharger", args=[pret.pk, "xlsx"]))
    fichier = pret.fichiers.get(format="xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{fichier.nom}"'
    assert b"".join(response.streaming_content) == fichier.fichier.open("rb").read()
    fichier.fichier.close()
    evenement = Evenement.objects.get(action=Action.RAPPORT_TELECHARGE)
    assert (evenement.actor, evenement.details["format"]) == (equipe.lecteur.user, "xlsx")


def test_un_fichier_expire_absent_ou_d_un_format_non_demande_donne_404(pret, equipe, login):
    client = login(equipe.coordinatrice)
    assert client.get(reverse("rapports:telecharger", args=[pret.pk, "csv"])).status_code == 404
    fichier = pret.fichiers.get(format="pdf")
    fichier.fichier.storage.delete(fichier.fichier.name)
    response = client.get(reverse("rapports:telecharger", args=[pret.pk, "pdf"]))
    assert response.status_code == 404 and "n’est plus conservé" in response.content.decode()
    Rapport.objects.filter(pk=pret.pk).update(statut="expire")
    assert client.get(reverse("rapports:telecharger", args=[pret.pk, "xlsx"])).status_code == 404
    assert not Evenement.objects.filter(action=Action.RAPPORT_TELECHARGE).exists()


def _urls(rapport):
    return [
        reverse("rapports:detail", args=[rapport.pk]),
        reverse("rapports:progression", args=[rapport.pk]),
        reverse("rapports:telecharger", args=[rapport.pk, "pdf"]),
    ]


@pytest.mark.parametrize("role", [Role.REFERENT, Role.AGENT, Role.RESPONSABLE, Role.MEDIATEUR])
def test_prescripteurs_et_lieux_ne_voient_rien(pret, equipe, login, role):
    client = login(make_member(role, departement=equipe.departement))
    for url in [reverse("rapports:liste"), reverse("rapports:demander"), *_urls(pret)]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("rapports:relancer", args=[pret.pk])).status_code == 404


def test_un_autre_departement_ne_voit_pas_le_rapport(pret, equipe, login):
    client = login(equipe.autre_coordinatrice)
    for url in _urls(pret):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("rapports:relancer", args=[pret.pk])).status_code == 404
    assert client.get(reverse("rapports:liste"), {"dispositif": equipe.dispositif.pk}).status_code == 404
    assert client.get(reverse("rapports:demander"), {"dispositif": equipe.dispositif.pk}).status_code == 404
    assert str(pret) not in client.get(reverse("rapports:liste")).content.decode()


def test_l_historique_filtre_par_dispositif_et_montre_les_rapports_mensuels(
    equipe, rapide, login, django_assert_max_num_queries
):
    from pass_numerique.tests.factories import DispositifFactory

    autre = DispositifFactory(departement=equipe.departement, nom="Pass Creuse bis")
    demander(equipe.coordinatrice, [equipe.dispositif])
    demander(equipe.coordinatrice, [autre])
    mensuel = Rapport.objects.create(
        departement=equipe.departement,
        du=datetime.date(2026, 1, 1),
        au=datetime.date(2026, 1, 31),
        formats=["pdf"],
        cle_planification=f"mensuel:{equipe.dispositif.pk}:2026-01",
    )
    mensuel.dispositifs.set([equipe.dispositif])
    client = login(equipe.lecteur)
    page = client.get(reverse("rapports:liste"), {"dispositif": equipe.dispositif.pk}).content.decode()
    assert "2 rapports" in page and "rapport mensuel planifié" in page
    assert client.get(reverse("rapports:liste"), {"dispositif": "abc"}).status_code == 200
    with django_assert_max_num_queries(12):
        client.get(reverse("rapports:liste"))
    for _ in range(20):
        demander(equipe.coordinatrice, [equipe.dispositif, autre])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("rapports:liste"))
    assert "Page 1 sur 1" not in response.content.decode()  # 23 rows: one page of 25


def test_la_page_de_demande_propose_les_periodes_du_dispositif(equipe, login):
    client = login(equipe.coordinatrice)
    page = client.get(reverse("rapports:demander"), {"dispositif": equipe.dispositif.pk, "du": "2025-01-01"})
    contenu = page.content.decode()
    assert f"Toute l’opération « {equipe.dispositif.nom} »" in contenu
    assert 'value="2025-01-01"' in contenu
    assert f'value="{equipe.dispositif.pk}" class="form-check-input" id="id_dispositifs_0" checked' in contenu or (
        "checked" in contenu
    )
