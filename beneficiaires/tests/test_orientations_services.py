"""Orientation services and the daily « sans réponse » task: rules, French messages, journal,
e-mails without personal data."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beneficiaires import selectors, tasks
from beneficiaires.models import Orientation
from beneficiaires.services import orientations as service
from comptes.models import Membership, Role
from comptes.tests.factories import make_member
from journal.models import Action, Evenement

from .test_orientations_donnees import autre_personne, orientation, reseau

pytestmark = pytest.mark.django_db


@pytest.fixture
def r():
    return reseau()


def _orienter(r, **kwargs):
    valeurs = {"par": r.agent, "beneficiaire": r.personne, "lieu": r.proche, "besoins": ["ordinateur"]}
    return service.orienter(**(valeurs | kwargs))


# --- orienter --------------------------------------------------------------------------------


def test_orienter_creates_journals_and_tells_the_place_without_personal_data(r, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        o = _orienter(r, besoins=["demarches", "ordinateur", "ordinateur"], message="Le matin de préférence")
    assert (o.statut, o.lieu, o.organisme, o.cree_par) == ("a_contacter", r.proche, r.organisme, r.agent.user)
    assert o.besoins == ["ordinateur", "demarches"]  # the list's order, no repeat
    evenement = Evenement.objects.get(action=Action.ORIENTATION_CREEE)
    assert evenement.target_repr == r.personne.pseudonyme
    assert evenement.details["lieu"] == r.proche.pk
    assert "Lachaud" not in str(evenement.details) + evenement.target_repr
    assert [m.to for m in mail.outbox] == [[r.mediateur.user.email]]
    assert "/beneficiaires/orientations/recues/" in mail.outbox[0].body
    for texte in ("Lachaud", "Yvette", "611223344", "préférence"):
        assert texte not in mail.outbox[0].subject + mail.outbox[0].body


@pytest.mark.parametrize(
    ("changement", "champ", "message"),
    [
        ({"besoins": ["astrologie"]}, "besoins", "Besoin·s inconnu·s : « astrologie »"),
        ({"besoins": []}, "besoins", "Cochez au moins un besoin"),
        ({"message": "x" * 501}, "message", "ne doit pas dépasser 500 caractères"),
        ("ferme", "lieu", "n’est pas ouvert dans le département"),
        ("ailleurs", "lieu", "n’est pas ouvert dans le département"),
    ],
)
def test_orienter_refuses_bad_input_in_french(r, changement, champ, message):
    if isinstance(changement, str):
        changement = {"lieu": getattr(r, changement)}
    with pytest.raises(ValidationError) as exc:
        _orienter(r, **changement)
    assert any(message in m for m in exc.value.message_dict[champ])
    assert not Orientation.objects.exists()
    assert not Evenement.objects.filter(action=Action.ORIENTATION_CREEE).exists()


def test_orienter_twice_to_the_same_place_while_open_is_refused_then_allowed_after_an_answer(r):
    premiere = _orienter(r)
    with pytest.raises(ValidationError, match="déjà orientée vers « Médiathèque du Fil »"):
        _orienter(r)
    assert Orientation.objects.count() == 1
    _orienter(r, lieu=r.loin)  # another place is fine
    service.refuser(par=r.mediateur, orientation=premiere, motif="Complet")
    _orienter(r)  # answered: a new one may be sent
    assert Orientation.objects.filter(lieu=r.proche).count() == 2


@pytest.mark.parametrize("role", [Role.COORDINATEUR, Role.LECTEUR, Role.MEDIATEUR])
def test_only_an_organisation_that_follows_the_person_orients(r, role):
    with pytest.raises(PermissionDenied):
        _orienter(r, par=make_member(role, departement=r.personne.departement))
    with pytest.raises(PermissionDenied):
        _orienter(r, par=make_member(Role.AGENT, departement=r.personne.departement))
    assert not Orientation.objects.exists()


# --- answers ---------------------------------------------------------------------------------


def test_the_place_takes_charge_once(r):
    o = orientation(r)
    service.prendre_en_charge(par=r.mediateur, orientation=o)
    o.refresh_from_db()
    assert (o.statut, o.repondu_par) == ("pris_en_charge", r.mediateur.user) and o.repondu_le
    assert Evenement.objects.filter(action=Action.ORIENTATION_ACCEPTEE, target_id=str(r.personne.pk)).count() == 1
    with pytest.raises(ValidationError, match="déjà reçu une réponse : « Pris·e en charge »"):
        service.refuser(par=r.mediateur, orientation=o, motif="Trop tard")
    with pytest.raises(PermissionDenied):
        service.prendre_en_charge(par=make_member(Role.MEDIATEUR, organisation=r.loin), orientation=orientation(r))


def test_refusal_needs_a_reason_kept_off_the_journal(r):
    o = orientation(r)
    with pytest.raises(ValidationError, match="Indiquez le motif du refus"):
        service.refuser(par=r.mediateur, orientation=o, motif="   ")
    service.refuser(par=r.mediateur, orientation=o, motif="  Complet   jusqu’en   septembre ")
    o.refresh_from_db()
    assert (o.statut, o.motif_refus) == ("refusee", "Complet jusqu’en septembre")
    evenement = Evenement.objects.get(action=Action.ORIENTATION_REFUSEE)
    assert "septembre" not in str(evenement.details)


# --- nearest places --------------------------------------------------------------------------


def test_places_for_orientation_are_open_in_the_departement_nearest_first_and_match_the_needs(r):
    noms = [lieu.nom for lieu in selectors.lieux_pour_orientation(r.personne, besoins=["ordinateur", "demarches"])]
    assert noms == ["Médiathèque du Fil", "France Services de Saint-Fiel", "Espace numérique de La Souterraine"]
    noms = [lieu.nom for lieu in selectors.lieux_pour_orientation(r.personne, besoins=["scolarite"])]
    assert noms == ["Centre social des familles"]
    lieux = list(selectors.lieux_pour_orientation(r.personne, besoins=[]))
    assert len(lieux) == 4 and round(lieux[0].distance_km, 1) == 3.2


# --- the daily flag --------------------------------------------------------------------------


def test_an_orientation_without_answer_for_9_days_is_flagged_once(r, django_capture_on_commit_callbacks):
    responsable = make_member(Role.RESPONSABLE, organisation=r.proche)
    vieille = orientation(r, jours=9)
    recente = orientation(r, lieu=r.loin, jours=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.signaler_orientations_sans_reponse.delay().get() == 1
    vieille.refresh_from_db()
    recente.refresh_from_db()
    assert vieille.relance_le is not None and recente.relance_le is None
    destinataires = sorted(email for m in mail.outbox for email in m.to)
    assert destinataires == sorted([r.mediateur.user.email, responsable.user.email, r.agent.user.email])
    for message in mail.outbox:
        assert "8 jours" in message.subject
        for texte in ("Lachaud", "Yvette", "611223344", "yvette.lachaud", r.personne.pseudonyme):
            assert texte not in message.subject + message.body
    evenement = Evenement.objects.get(action=Action.ORIENTATION_SIGNALEE)
    assert evenement.details["orientation"] == vieille.pk and evenement.details["destinataires"] == 3
    assert evenement.target_repr == r.personne.pseudonyme

    # The next day: the old one is not flagged again; the 7-day one now is (8 days).
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert service.signaler_sans_reponse(maintenant=timezone.now() + datetime.timedelta(days=1)) == 1
    assert Evenement.objects.filter(action=Action.ORIENTATION_SIGNALEE, details__orientation=vieille.pk).count() == 1
    assert Evenement.objects.filter(action=Action.ORIENTATION_SIGNALEE, details__orientation=recente.pk).count() == 1
    assert sorted(email for m in mail.outbox for email in m.to) == [r.agent.user.email]  # `loin` has no member
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert service.signaler_sans_reponse(maintenant=timezone.now() + datetime.timedelta(days=2)) == 0
    assert mail.outbox == []


def test_the_flag_skips_answered_and_anonymised_and_falls_back_to_the_referents(r, django_capture_on_commit_callbacks):
    repondue = orientation(r, jours=10)
    service.prendre_en_charge(par=r.mediateur, orientation=repondue)
    anonymisee = autre_personne(r)
    orientation(r, beneficiaire=anonymisee, jours=10)
    anonymisee.__class__.objects.filter(pk=anonymisee.pk).update(anonymise_le=timezone.now(), nom="", prenom="")
    partie = orientation(r, beneficiaire=autre_personne(r), lieu=r.loin, jours=10)
    Membership.objects.filter(pk=r.agent.pk).update(is_active=False, deactivated_at=timezone.now())
    referente = make_member(Role.REFERENT, organisation=r.organisme)
    with django_capture_on_commit_callbacks(execute=True):
        assert service.signaler_sans_reponse() == 1
    assert [m.to for m in mail.outbox] == [[referente.user.email]]  # `loin` has no member
    partie.refresh_from_db()
    assert partie.relance_le is not None
