"""The session page (place members, coordinators read-only; constant queries) and the cancel
page (people to call with their phone numbers, a reason, the rest of the series)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from beneficiaires.tests.factories import commune
from journal.models import Action, Evenement
from pass_numerique.models import Encaissement
from pass_numerique.tests.factories import cheques_remis

from ..models import Inscription, PresenceCheque, Seance
from ..services import seances as service
from .factories import inscrire, personne_du_lieu, seance
from .test_ateliers_donnees import monde, prochain

pytestmark = pytest.mark.django_db
PRESENT = Inscription.Presence.PRESENT


@pytest.fixture
def m():
    return monde()


def texte(reponse) -> str:
    return " ".join(reponse.content.decode().split())


def url(nom, s):
    return reverse(f"ateliers:{nom}", args=[s.pk])


def remplir(s, m, nombre: int, *, attente: int = 0, cheques: bool = False):
    """`nombre` registered people (present, with a cheque each when `cheques`), `attente` waiting."""
    inscriptions = []
    for i in range(nombre + attente):
        personne = personne_du_lieu(m.lieu, nom=f"Nom{i:02d}", prenom="Prénom", telephone="+33555123456")
        statut = Inscription.Statut.INSCRIT if i < nombre else Inscription.Statut.ATTENTE
        inscription = inscrire(s, personne, statut=statut, presence=PRESENT if cheques and i < nombre else "")
        if cheques and i < nombre:
            (cheque,) = cheques_remis(m.dispositif, taille=5, beneficiaire=personne)[:1]
            enc = Encaissement.objects.create(cheque=cheque, lieu=m.lieu, source=Encaissement.Source.EMARGEMENT)
            PresenceCheque.objects.create(inscription=inscription, encaissement=enc)
        inscriptions.append(inscription)
    return inscriptions


def test_la_page_de_la_seance(login, m):
    gueret = commune()
    s = seance(
        m.atelier,
        dans_jours=2,
        heure=14,
        mediateurs=[m.mediateur.user, m.responsable.user],
        itinerante=True,
        commune=gueret,
        adresse="Salle des fêtes",
        participants_anonymes=2,
    )
    inscriptions = remplir(s, m, 3, attente=1)
    inscrire(s, statut=Inscription.Statut.DESINSCRIT)
    reponse = login(m.mediateur).get(url("seance", s))
    assert reponse.status_code == 200
    ctx = reponse.context
    assert ctx["peut_gerer"] is True and ctx["feuille"] is None and ctx["cheques_par_inscription"] == {}
    assert [i.pk for i in ctx["inscriptions"]] == [i.pk for i in inscriptions]  # registered by name, then waiting
    assert [i.pk for i in ctx["attente"]] == [inscriptions[3].pk]
    html = texte(reponse)
    debut = timezone.localtime(s.debut)
    assert f"{debut:%d}".lstrip("0") in html and "14 h 00–15 h 30" in html
    assert "Séance itinérante à Guéret" in html and "Salle des fêtes" in html
    assert "Malik Médiateur" in html and "Rose Responsable" in html
    assert "Inscriptions : 3 sur 8 places (5 libres)" in html
    assert "1 sur liste d’attente" in html and "2 venu·es sans inscription" in html
    assert "À venir" in html and "Modifier la séance" in html and "Annuler la séance" in html


def test_le_statut_de_la_seance(login, m):
    client = login(m.mediateur)
    passee = seance(m.atelier, dans_jours=-1)
    verrouillee = seance(m.atelier, dans_jours=-2, verrouillee_le=timezone.now())
    annulee = seance(m.atelier, dans_jours=3, annulee_le=timezone.now(), motif_annulation="Salle inondée")
    assert "Passée" in texte(client.get(url("seance", passee)))
    html = texte(client.get(url("seance", verrouillee)))
    assert "Émargement verrouillé" in html and "Annuler la séance" not in html
    html = texte(client.get(url("seance", annulee)))
    assert "Annulée" in html and "Motif : « Salle inondée »" in html and "text-decoration-line-through" in html
    assert "Modifier la séance" not in html


def test_la_feuille_et_les_cheques_sont_dans_le_contexte(login, m):
    from ..models import FeuilleEmargement

    s = seance(m.atelier, dans_jours=-1)
    inscription = remplir(s, m, 1, cheques=True)[0]
    ancienne = FeuilleEmargement.objects.create(
        seance=s,
        fichier="a.pdf",
        nom_original="a.pdf",
        type_contenu="application/pdf",
        taille=3,
        sha256="a" * 64,
        remplacee_le=timezone.now(),
    )
    courante = FeuilleEmargement.objects.create(
        seance=s, fichier="b.pdf", nom_original="b.pdf", type_contenu="application/pdf", taille=3, sha256="b" * 64
    )
    ctx = login(m.responsable).get(url("seance", s)).context
    assert ctx["feuille"] == courante != ancienne
    (lien,) = ctx["cheques_par_inscription"][inscription.pk]
    assert lien.encaissement.cheque.carnet.beneficiaire_id == inscription.beneficiaire_id


def test_un_coordinateur_lit_la_seance_sans_la_gerer(login, m):
    s = seance(m.atelier, dans_jours=2)
    reponse = login(m.coordinateur).get(url("seance", s))
    assert reponse.status_code == 200 and reponse.context["peut_gerer"] is False
    html = texte(reponse)
    assert "Modifier la séance" not in html and "Annuler la séance" not in html
    assert login(m.coordinateur_87).get(url("seance", s)).status_code == 404


@pytest.mark.parametrize("acteur", ["lecteur", "referent", "agent"])
def test_les_prescripteurs_et_les_lecteurs_n_ont_pas_acces(login, m, acteur):
    s = seance(m.atelier, dans_jours=2)
    client = login(m.acteur(acteur))
    for nom in ("seance", "seance_modifier", "seance_annuler"):
        assert client.get(url(nom, s)).status_code == 403
    assert client.post(url("seance_annuler", s), {"motif": "x"}).status_code == 403
    s.refresh_from_db()
    assert s.annulee_le is None


@pytest.mark.parametrize("nom", ["seance", "seance_modifier", "seance_annuler"])
def test_la_seance_d_un_autre_lieu_est_introuvable(login, m, nom):
    for autre in (seance(m.atelier_voisin, dans_jours=2), seance(m.atelier_87, dans_jours=2)):
        for membre in (m.responsable, m.mediateur):
            assert login(membre).get(url(nom, autre)).status_code == 404
            assert login(membre).post(url(nom, autre), {"motif": "x"}).status_code == 404
        autre.refresh_from_db()
        assert autre.annulee_le is None


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_page_de_la_seance_a_un_nombre_constant_de_requetes(login, m, django_assert_max_num_queries, nombre):
    s = seance(m.atelier, dans_jours=-1, mediateurs=[m.mediateur.user], serie=__import__("uuid").uuid4())
    remplir(s, m, nombre, attente=2, cheques=True)
    client = login(m.mediateur)
    with django_assert_max_num_queries(10):
        assert client.get(url("seance", s)).status_code == 200


# --- Cancelling ------------------------------------------------------------------------------


def test_annuler_en_prevenant_les_inscrits(login, m):
    s = seance(m.atelier, dans_jours=2, mediateurs=[m.mediateur.user])
    inscrire(s, personne_du_lieu(m.lieu, nom="Martin", prenom="Odette", telephone="+33555123456"))
    inscrire(s, personne_du_lieu(m.lieu, nom="Bernard", prenom="Lucien", telephone=""), statut="attente")
    client = login(m.mediateur)
    html = texte(client.get(url("seance_annuler", s)))
    assert "Personnes à prévenir" in html
    assert 'href="tel:+33555123456">Appeler le 05 55 12 34 56</a>' in html and "Odette Martin" in html
    assert "Lucien Bernard (liste d’attente) Pas de numéro de téléphone connu" in " ".join(strip_tags(html).split())
    assert "Annuler aussi les séances suivantes" not in html  # not a series

    reponse = client.post(url("seance_annuler", s), {"motif": ""})
    assert "Indiquez le motif de l’annulation" in reponse.context["form"].errors["motif"][0]
    s.refresh_from_db()
    assert s.annulee_le is None and not Evenement.objects.filter(action=Action.SEANCE_ANNULEE).exists()

    reponse = client.post(url("seance_annuler", s), {"motif": "Médiateur malade"}, follow=True)
    assert "est annulée" in texte(reponse) and "Motif : « Médiateur malade »" in texte(reponse)
    s.refresh_from_db()
    assert s.annulee_le is not None and s.motif_annulation == "Médiateur malade"
    # Twice: a message, nothing more.
    reponse = client.get(url("seance_annuler", s), follow=True)
    assert "Cette séance est déjà annulée" in texte(reponse)
    client.post(url("seance_annuler", s), {"motif": "encore"})
    assert Evenement.objects.filter(action=Action.SEANCE_ANNULEE).count() == 1
    # A cancelled session stays in the agenda, struck and labelled.
    agenda = texte(client.get(reverse("ateliers:agenda"), {"semaine": timezone.localdate(s.debut).isoformat()}))
    assert "Annulée" in agenda and "text-decoration-line-through" in agenda


def test_une_seance_pointee_ne_s_annule_pas(login, m):
    s = seance(m.atelier, dans_jours=0, heure=0)
    inscrire(s, presence=PRESENT)
    client = login(m.mediateur)
    assert "présences sont déjà pointées" in texte(client.get(url("seance_annuler", s), follow=True))
    client.post(url("seance_annuler", s), {"motif": "erreur"})
    s.refresh_from_db()
    assert s.annulee_le is None


def test_annuler_la_suite_d_une_serie(login, m):
    seances = service.programmer_seances(
        par=m.mediateur,
        atelier=m.atelier,
        donnees={
            "date": prochain(1),
            "heure": datetime.time(10, 0),
            "duree_minutes": 60,
            "capacite": 6,
            "mediateurs": [m.mediateur.user.pk],
            "recurrence": "semaine",
            "nombre": 4,
        },
    )
    client = login(m.responsable)
    html = texte(client.get(url("seance_annuler", seances[1])))
    assert "Annuler aussi les séances suivantes de la série" in html and "2 séances de la même série sont" in html
    reponse = client.post(
        url("seance_annuler", seances[1]), {"motif": "Fin du projet", "toute_la_serie": "on"}, follow=True
    )
    assert "3 séances de la série sont annulées." in texte(reponse)
    assert list(Seance.objects.filter(annulee_le__isnull=True).values_list("pk", flat=True)) == [seances[0].pk]
    assert Evenement.objects.filter(action=Action.SEANCE_ANNULEE).count() == 3
    assert "Séance 2 sur 4 d’une série" in texte(client.get(url("seance", seances[1])))
