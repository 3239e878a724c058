"""The roll-call services: marks, their journal, the workshop's rules on cheques (present, limit
per session, the person's own cheque), the link stored with the redemption (both or neither)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beneficiaires.models import Beneficiaire
from journal.models import Action, Evenement
from pass_numerique.models import Cheque, Encaissement
from pass_numerique.services.encaissement import annuler_encaissement

from ..models import Inscription, PresenceCheque
from ..services import emargement as service
from .factories import inscrire
from .test_emargement_donnees import monde

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    return monde()


def presente(m, **kwargs):
    inscription = m.inscrite(**kwargs)
    service.pointer(par=m.mediateur, inscription=inscription, presence="present")
    inscription.refresh_from_db()
    return inscription


def encaisser(m, inscription, code, **kwargs):
    return service.encaisser_cheque(par=m.mediateur, inscription=inscription, code_saisi=code, **kwargs)


def test_chaque_changement_de_pointage_est_journalise(m):
    inscription = m.inscrite()
    Beneficiaire.objects.filter(pk=inscription.beneficiaire_id).update(
        derniere_activite_le=timezone.now() - datetime.timedelta(days=300)
    )
    assert service.pointer(par=m.mediateur, inscription=inscription, presence="present") is True
    inscription.beneficiaire.refresh_from_db()
    assert timezone.now() - inscription.beneficiaire.derniere_activite_le < datetime.timedelta(minutes=1)
    assert service.pointer(par=m.mediateur, inscription=inscription, presence="present") is False
    assert service.pointer(par=m.responsable, inscription=inscription, presence="excuse") is True
    entrees = list(Evenement.objects.filter(action=Action.PRESENCE_MARQUEE).order_by("pk"))
    assert [(e.details["avant"], e.details["apres"]) for e in entrees] == [("", "present"), ("present", "excuse")]
    assert entrees[0].details["personne"] == inscription.beneficiaire.pseudonyme
    assert inscription.beneficiaire.nom not in str(entrees[0].details)
    assert entrees[1].actor == m.responsable.user and entrees[1].target_id == str(m.seance.pk)
    inscription.refresh_from_db()
    assert inscription.presence == "excuse" and inscription.marquee_par == m.responsable.user


def test_une_marque_inconnue_est_refusee(m):
    inscription = m.inscrite()
    with pytest.raises(ValidationError, match="Choisissez présent·e, absent·e ou excusé·e"):
        service.pointer(par=m.mediateur, inscription=inscription, presence="")
    assert not Evenement.objects.filter(action=Action.PRESENCE_MARQUEE).exists()


def test_seul_le_lieu_fait_l_appel(m):
    inscription = m.inscrite()
    for qui in ("voisin", "coordinateur", "agent"):
        with pytest.raises(PermissionDenied):
            service.pointer(par=getattr(m, qui), inscription=inscription, presence="present")
    inscription.refresh_from_db()
    assert inscription.presence == ""


def test_pas_d_appel_pour_une_seance_annulee(m):
    inscription = m.inscrite()
    m.seance.annulee_le = timezone.now()
    m.seance.save()
    with pytest.raises(ValidationError, match="La séance est annulée"):
        service.pointer(par=m.mediateur, inscription=inscription, presence="present")


def test_le_cheque_est_encaisse_et_lie_a_la_presence(m):
    inscription = presente(m)
    resultat = encaisser(m, inscription, m.code(inscription.beneficiaire), cle_idempotence="cle-1")
    assert resultat.ok and resultat.titre == "Chèque encaissé" and resultat.cheque is not None
    lien = PresenceCheque.objects.select_related("encaissement").get()
    assert lien.inscription == inscription and lien.encaissement.cle_idempotence == "cle-1"
    assert lien.encaissement.source == "emargement" and lien.encaissement.par == m.mediateur.user
    assert Evenement.objects.filter(action=Action.CHEQUE_ENCAISSE).count() == 1
    assert not Evenement.objects.filter(action=Action.PRESENCE_CORRIGEE).exists()


def test_pas_de_cheque_sans_presence(m):
    inscription = m.inscrite()
    for presence in ("", "absent"):
        Inscription.objects.filter(pk=inscription.pk).update(presence=presence)
        resultat = encaisser(m, inscription, m.code(inscription.beneficiaire))
        assert not resultat.ok and resultat.statut == "pas_present"
        assert "Marquez d’abord" in resultat.message
    assert not Encaissement.objects.exists()
    assert Cheque.objects.filter(statut=Cheque.Statut.ENCAISSE).count() == 0


def test_au_plus_n_cheques_par_seance():
    m = monde(cheques_par_seance=2)
    inscription = presente(m)
    assert encaisser(m, inscription, m.code(inscription.beneficiaire, 0)).ok
    assert encaisser(m, inscription, m.code(inscription.beneficiaire, 1)).ok
    refus = encaisser(m, inscription, m.code(inscription.beneficiaire, 2))
    assert not refus.ok and refus.statut == "limite" and refus.titre == "Nombre de chèques atteint"
    assert "l’atelier en accepte 2 par séance et par personne" in refus.message
    assert Encaissement.objects.count() == 2
    assert Cheque.objects.get(code=m.code(inscription.beneficiaire, 2)).statut == Cheque.Statut.REMIS


def test_le_cheque_d_une_autre_personne_est_refuse_sans_etre_encaisse(m):
    inscription = presente(m)
    autre = m.personne()
    refus = encaisser(m, inscription, m.code(autre))
    assert not refus.ok and refus.statut == "autre_personne"
    assert f"remis à une autre personne que {inscription.beneficiaire}" in refus.message
    assert Cheque.objects.get(code=m.code(autre)).statut == Cheque.Statut.REMIS
    assert not Encaissement.objects.exists() and not PresenceCheque.objects.exists()


def test_un_atelier_sans_pass_refuse_les_cheques(m):
    m.atelier.accepte_pass = False
    m.atelier.save()
    inscription = presente(m)
    refus = encaisser(m, inscription, m.code(inscription.beneficiaire))
    assert refus.statut == "pass_refuse" and not Encaissement.objects.exists()


def test_le_refus_du_pass_numerique_est_rendu_tel_quel(m):
    inscription = presente(m)
    Cheque.objects.filter(code=m.code(inscription.beneficiaire)).update(statut=Cheque.Statut.ANNULE)
    refus = encaisser(m, inscription, m.code(inscription.beneficiaire))
    assert (refus.ok, refus.statut, refus.titre) == (False, "annule", "Chèque annulé")
    assert "déclaré perdu ou volé" in refus.message
    assert not PresenceCheque.objects.exists()


def test_changer_en_absent_apres_un_cheque_demande_d_annuler_l_encaissement(m):
    inscription = presente(m)
    encaisser(m, inscription, m.code(inscription.beneficiaire))
    with pytest.raises(ValidationError, match="annulez d’abord son encaissement"):
        service.pointer(par=m.mediateur, inscription=inscription, presence="absent")
    inscription.refresh_from_db()
    assert inscription.presence == "present"
    # Undone on the Pass numérique page: the presence has no live cheque any more.
    annuler_encaissement(par=m.mediateur, encaissement=Encaissement.objects.get(), motif="Erreur de personne")
    assert service.pointer(par=m.mediateur, inscription=inscription, presence="absent")
    assert PresenceCheque.objects.count() == 1  # the link to the undone redemption stays (history)
    assert service.cheques_en_cours(inscription).count() == 0


def test_un_cheque_rendu_libere_la_limite(m):
    inscription = presente(m)
    encaisser(m, inscription, m.code(inscription.beneficiaire, 0))
    annuler_encaissement(par=m.mediateur, encaissement=Encaissement.objects.get(), motif="Mauvais chèque")
    assert encaisser(m, inscription, m.code(inscription.beneficiaire, 1)).ok


def test_le_lien_et_l_encaissement_vont_ensemble(m, monkeypatch):
    inscription = presente(m)

    def en_panne(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(PresenceCheque.objects, "get_or_create", en_panne)
    with pytest.raises(RuntimeError):
        encaisser(m, inscription, m.code(inscription.beneficiaire))
    assert not Encaissement.objects.exists()
    assert Cheque.objects.get(code=m.code(inscription.beneficiaire)).statut == Cheque.Statut.REMIS
    assert not Evenement.objects.filter(action=Action.CHEQUE_ENCAISSE).exists()


def test_verrou_motif_trop_court_ou_trop_long(m):
    inscription = m.inscrite()
    m.seance.verrouillee_le = timezone.now()
    m.seance.save()
    for motif in ("", "   ab  ", "x" * 501):
        with pytest.raises(ValidationError) as exc:
            service.pointer(par=m.mediateur, inscription=inscription, presence="present", motif=motif)
        assert "motif" in exc.value.message_dict
    inscription.refresh_from_db()
    assert inscription.presence == ""
    assert not Evenement.objects.filter(action__in=[Action.PRESENCE_MARQUEE, Action.PRESENCE_CORRIGEE]).exists()
    assert service.pointer(par=m.mediateur, inscription=inscription, presence="present", motif="  Oubli  du matin ")
    assert Evenement.objects.get(action=Action.PRESENCE_CORRIGEE).details["motif"] == "Oubli du matin"


def test_inscription_non_inscrite(m):
    for statut in ("attente", "desinscrit"):
        inscription = inscrire(m.seance, m.personne(cheques=0), statut=statut)
        with pytest.raises(ValidationError, match="n’est pas inscrit·e à cette séance"):
            service.pointer(par=m.mediateur, inscription=inscription, presence="present")
        with pytest.raises(ValidationError, match="n’est pas inscrit·e à cette séance"):
            encaisser(m, inscription, "ABCDEFGHJK")
