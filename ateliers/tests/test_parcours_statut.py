"""A person's parcours (selectors/parcours.py): each branch of the status rule, the totals, the
cheques taken at the roll-call, what a place sees, and a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from beneficiaires.tests.factories import agent_qui_suit
from comptes.models import Role
from comptes.tests.factories import make_member
from pass_numerique.models import Encaissement
from pass_numerique.tests.factories import DispositifFactory, cheques_remis, lieu_qualifie

from ..models import Inscription, PresenceCheque
from ..selectors.parcours import DELAI_ACTIVITE, Statut, parcours_de
from ..themes import Theme
from .factories import AtelierFactory, inscrire, personne_du_lieu, seance

pytestmark = pytest.mark.django_db

PRESENT = Inscription.Presence.PRESENT


@pytest.fixture
def m():
    class M:
        pass

    m = M()
    m.dispositif = DispositifFactory()
    m.lieu = lieu_qualifie(m.dispositif, nom="Médiathèque de Guéret")
    m.autre_lieu = lieu_qualifie(m.dispositif, nom="Centre social d’Aubusson")
    m.personne = personne_du_lieu(m.lieu)
    m.agent = agent_qui_suit(m.personne)
    m.atelier = AtelierFactory(lieu=m.lieu, themes=[Theme.PRISE_EN_MAIN, Theme.COURRIEL], duree_minutes=120)
    return m


def statut(m):
    return parcours_de(m.personne, m.agent)


def test_aucune_seance(m):
    p = statut(m)
    assert (p.statut, p.libelle) == (Statut.AUCUNE, "aucune séance")
    assert (p.seances_suivies, p.minutes, p.themes, p.cheques) == (0, 0, [], 0)


def test_liste_d_attente_desinscription_et_seance_annulee_ne_comptent_pas(m):
    inscrire(seance(m.atelier, dans_jours=3), m.personne, statut=Inscription.Statut.ATTENTE)
    inscrire(seance(m.atelier, dans_jours=-3), m.personne, statut=Inscription.Statut.DESINSCRIT)
    inscrire(seance(m.atelier, dans_jours=5, annulee_le=timezone.now()), m.personne)
    p = statut(m)
    assert p.statut == Statut.AUCUNE
    # …but they are in the history, in words.
    assert [ligne.etat for ligne in p.seances] == ["séance annulée", "sur liste d’attente", "désinscrit·e"]


def test_inscrit_pas_encore_venu(m):
    inscrire(seance(m.atelier, dans_jours=2), m.personne)
    inscrire(seance(m.atelier, dans_jours=-2), m.personne)  # a past session not marked yet
    p = statut(m)
    assert (p.statut, p.libelle) == (Statut.INSCRIT, "inscrit·e, pas encore venu·e")


def test_une_seance_en_cours_non_pointee_est_encore_a_venir(m):
    s = seance(m.atelier, debut=timezone.now() - datetime.timedelta(minutes=30))
    inscrire(s, m.personne)
    assert statut(m).statut == Statut.INSCRIT


def test_n_est_jamais_venu(m):
    inscrire(seance(m.atelier, dans_jours=-10), m.personne, presence=Inscription.Presence.ABSENT)
    inscrire(seance(m.atelier, dans_jours=-3), m.personne)  # never marked
    p = statut(m)
    assert (p.statut, p.libelle) == (Statut.JAMAIS_VENU, "n’est jamais venu·e")
    assert p.seances_suivies == 0


def test_a_commence_par_une_presence_recente(m):
    inscrire(seance(m.atelier, dans_jours=-10), m.personne, presence=PRESENT)
    p = statut(m)
    assert (p.statut, p.libelle) == (Statut.COMMENCE, "a commencé")


def test_a_commence_par_une_seance_a_venir(m):
    inscrire(seance(m.atelier, dans_jours=-90), m.personne, presence=PRESENT)
    inscrire(seance(m.atelier, dans_jours=7), m.personne)
    assert statut(m).statut == Statut.COMMENCE


def test_a_termine(m):
    inscrire(seance(m.atelier, dans_jours=-60), m.personne, presence=PRESENT)
    inscrire(seance(m.atelier, dans_jours=-45), m.personne, presence=Inscription.Presence.EXCUSE)
    inscrire(seance(m.atelier, dans_jours=-40), m.personne, presence=PRESENT)
    p = statut(m)
    assert (p.statut, p.libelle) == (Statut.TERMINE, "a terminé (2 séances)")
    assert p.derniere_presence == p.seances[0].seance.debut


def test_a_termine_une_seance_et_la_limite_des_trente_jours(m):
    s = seance(m.atelier, dans_jours=-40)
    inscrire(s, m.personne, presence=PRESENT)
    assert statut(m).libelle == "a terminé (1 séance)"
    juste = s.debut.astimezone(datetime.UTC) + DELAI_ACTIVITE  # absolute time, not wall-clock (DST)
    assert parcours_de(m.personne, m.agent, maintenant=juste).statut == Statut.TERMINE
    veille = juste - datetime.timedelta(seconds=1)
    assert parcours_de(m.personne, m.agent, maintenant=veille).statut == Statut.COMMENCE


def test_une_presence_a_une_seance_annulee_ne_compte_pas(m):
    s = seance(m.atelier, dans_jours=-5, annulee_le=timezone.now())
    inscrire(s, m.personne, presence=PRESENT)
    assert statut(m).statut == Statut.AUCUNE


def test_totaux_themes_heures_et_cheques(m):
    cheques = cheques_remis(m.dispositif, taille=5, beneficiaire=m.personne)
    securite = AtelierFactory(lieu=m.autre_lieu, themes=[Theme.SECURITE], duree_minutes=90, dispositif=m.dispositif)
    ici = inscrire(seance(m.atelier, dans_jours=-20), m.personne, presence=PRESENT)
    ailleurs = inscrire(seance(securite, dans_jours=-5), m.personne, presence=PRESENT)
    inscrire(seance(m.atelier, dans_jours=-3), m.personne, presence=Inscription.Presence.ABSENT)
    for inscription, cheque, annule in (
        (ici, cheques[0], False),
        (ailleurs, cheques[1], False),
        (ailleurs, cheques[2], True),
    ):
        enc = Encaissement.objects.create(
            cheque=cheque,
            lieu=inscription.seance.lieu,
            source=Encaissement.Source.EMARGEMENT,
            annule_le=timezone.now() if annule else None,
        )
        PresenceCheque.objects.create(inscription=inscription, encaissement=enc)
    p = statut(m)
    assert (p.seances_suivies, p.minutes, p.cheques) == (2, 210, 2)
    assert p.themes == [Theme.PRISE_EN_MAIN.label, Theme.COURRIEL.label, Theme.SECURITE.label]
    absente, securite_ligne, smartphone = p.seances
    assert absente.etat == "absent·e" and absente.cheques == []
    assert [c.pk for c in securite_ligne.cheques] == [cheques[1].pk]  # the undone one is left out
    assert securite_ligne.dispositifs == [m.dispositif.nom]
    assert securite_ligne.seance.lieu == m.autre_lieu
    assert [c.pk for c in smartphone.cheques] == [cheques[0].pk]
    # A place sees its own sessions only, and the status they give.
    mediatrice = make_member(Role.MEDIATEUR, organisation=m.lieu)
    du_lieu = parcours_de(m.personne, mediatrice)
    assert [ligne.seance.lieu for ligne in du_lieu.seances] == [m.lieu, m.lieu]
    assert (du_lieu.seances_suivies, du_lieu.cheques, du_lieu.limite_au_lieu) == (1, 1, True)
    assert du_lieu.statut == Statut.COMMENCE  # present 20 days ago


def test_qui_voit_quoi(m):
    inscrire(seance(m.atelier, dans_jours=-2), m.personne, presence=PRESENT)
    ailleurs = AtelierFactory(lieu=m.autre_lieu)
    inscrire(seance(ailleurs, dans_jours=-1), m.personne, presence=PRESENT)
    coordinateur = make_member(Role.COORDINATEUR, departement=m.lieu.departement)
    lecteur = make_member(Role.LECTEUR, organisation=coordinateur.organisation)
    for par in (m.agent, coordinateur, lecteur):
        assert len(parcours_de(m.personne, par).seances) == 2
    autre_lieu = make_member(Role.RESPONSABLE, organisation=m.autre_lieu)
    assert [ligne.seance.lieu for ligne in parcours_de(m.personne, autre_lieu).seances] == [m.autre_lieu]
    assert parcours_de(m.personne, None).seances == []


def test_deux_requetes_quel_que_soit_le_nombre_de_seances(m, django_assert_num_queries):
    cheques = cheques_remis(m.dispositif, taille=10, beneficiaire=m.personne)
    inscription = inscrire(seance(m.atelier, dans_jours=-40), m.personne, presence=PRESENT)
    enc = Encaissement.objects.create(cheque=cheques[0], lieu=m.lieu, source=Encaissement.Source.EMARGEMENT)
    PresenceCheque.objects.create(inscription=inscription, encaissement=enc)
    with django_assert_num_queries(2):
        p = parcours_de(m.personne, m.agent)
        [(ligne.etat, ligne.themes, ligne.dispositifs, ligne.seance.lieu.nom) for ligne in p.seances]
    for jour in range(1, 30):
        atelier = AtelierFactory(lieu=m.autre_lieu if jour % 2 else m.lieu, dispositif=m.dispositif)
        i = inscrire(seance(atelier, dans_jours=-jour), m.personne, presence=PRESENT)
        if jour < 10:
            enc = Encaissement.objects.create(
                cheque=cheques[jour], lieu=i.seance.lieu, source=Encaissement.Source.EMARGEMENT
            )
            PresenceCheque.objects.create(inscription=i, encaissement=enc)
    with django_assert_num_queries(2):
        p = parcours_de(m.personne, m.agent)
        [(ligne.etat, ligne.themes, ligne.dispositifs, ligne.seance.lieu.nom) for ligne in p.seances]
    assert (len(p.seances), p.cheques, p.statut) == (30, 10, Statut.COMMENCE)
