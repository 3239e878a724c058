"""encaisser(): every answer and its French message, idempotency, who may redeem, the journal;
annuler_encaissement(): within 24 h, with a reason, by the same place, not once claimed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beneficiaires.models import Beneficiaire
from comptes.models import Role
from comptes.tests.factories import LieuFactory, make_member
from journal.models import Action, Evenement
from structures.models import Lieu

from .. import codes
from ..models import Bordereau, Carnet, Cheque, Encaissement, LigneBordereau, Qualification
from ..services.encaissement import Statut, annuler_encaissement, date_heure, encaisser
from .factories import DispositifFactory, cheques_remis, qualifier
from .test_encaissement_donnees import carnet_en_stock, dispositif_expire, jeton_de, monde

pytestmark = pytest.mark.django_db
PAGE = Encaissement.Source.PAGE


def par_page(m, code, *, par=None, lieu=None, cle=""):
    return encaisser(lieu=lieu or m.lieu, code_saisi=code, par=par or m.mediateur, source=PAGE, cle_idempotence=cle)


def test_encaisser_un_cheque_remis():
    m = monde()
    personne = m.carnet.beneficiaire
    Beneficiaire.objects.filter(pk=personne.pk).update(
        derniere_activite_le=timezone.now() - datetime.timedelta(days=90)
    )
    resultat = par_page(m, codes.formater(m.code()).lower())

    assert resultat.statut == Statut.OK and resultat.ok and not resultat.rejoue
    assert resultat.titre == "Chèque encaissé"
    assert resultat.message.startswith("Chèque accepté : 10,00 €, dispositif « ")
    cheque = Cheque.objects.get(pk=m.cheques[0].pk)
    assert cheque.statut == Cheque.Statut.ENCAISSE and cheque.lieu_encaissement_id == m.lieu.pk
    encaissement = Encaissement.objects.get(cheque=cheque)
    assert (encaissement.lieu_id, encaissement.par, encaissement.source) == (m.lieu.pk, m.mediateur.user, PAGE)
    assert cheque.encaisse_le == encaissement.le == resultat.encaissement.le
    entree = Evenement.objects.get(action=Action.CHEQUE_ENCAISSE)
    assert entree.target_id == str(cheque.pk) and entree.organisation_id == m.lieu.pk
    assert entree.actor == m.mediateur.user
    assert entree.details["lieu"] == m.lieu.pk and entree.details["source"] == "page"
    assert personne.nom not in str(entree.details) and personne.prenom not in str(entree.details)
    personne.refresh_from_db()
    assert timezone.now() - personne.derniere_activite_le < datetime.timedelta(minutes=1)


def test_le_qr_code_peut_contenir_une_adresse_finissant_par_le_code():
    m = monde()
    assert par_page(m, f"https://einclusion.example/c/{m.code()}").ok


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("", "Saisissez le code imprimé sur le chèque (10 caractères)."),
        ("K7M3Q", "Un code de chèque compte 10 caractères ; vous en avez saisi 5."),
        ("K7M3Q-XR9P0", "Les codes n’utilisent ni 0, ni 1, ni les lettres O, I et L"),
        ("K7M3Q-XR9P#", "Le caractère « # » n’existe pas dans les codes de chèque."),
    ],
)
def test_faute_de_frappe_sans_aucune_requete(django_assert_num_queries, saisie, message):
    m = monde()
    with django_assert_num_queries(0):
        resultat = encaisser(lieu=m.lieu, code_saisi=saisie, par=m.mediateur, source=PAGE)
    assert resultat.statut == Statut.FAUTE_DE_FRAPPE and message in resultat.message
    assert resultat.titre == "Code incorrect"


def test_deux_caracteres_inverses_sans_aucune_requete(django_assert_num_queries):
    m = monde()
    code = m.code()
    i = next(i for i in range(9) if code[i] != code[i + 1])
    inverse = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    with django_assert_num_queries(0):
        resultat = par_page(m, inverse)
    assert resultat.statut == Statut.FAUTE_DE_FRAPPE
    assert "faute de frappe (la clé de contrôle ne correspond pas)" in resultat.message
    assert not Encaissement.objects.exists()


def test_code_inconnu():
    m = monde()
    resultat = par_page(m, codes.nouveau_code())
    assert resultat.statut == Statut.INCONNU
    assert resultat.message.startswith("Aucun chèque ne porte ce code.")


@pytest.mark.parametrize("statut", [Carnet.Statut.GENERE, Carnet.Statut.DOTE])
def test_pas_encore_remis(statut):
    m = monde()
    c = carnet_en_stock(m.dispositif, m.organisme, statut=statut)
    resultat = par_page(m, c.cheques.first().code)
    assert resultat.statut == Statut.PAS_REMIS
    assert resultat.message.startswith("Ce chèque n’a pas encore été remis à une personne")
    assert not Encaissement.objects.exists()


@pytest.mark.parametrize(
    ("qualification", "debut"),
    [
        (None, "Votre lieu n’est pas qualifié pour le dispositif « "),
        (Qualification.Statut.CANDIDAT, "Votre lieu n’est pas qualifié pour le dispositif « "),
        (Qualification.Statut.SUSPENDU, "La qualification de votre lieu pour le dispositif « "),
    ],
)
def test_lieu_non_qualifie_ou_suspendu(qualification, debut):
    m = monde()
    lieu = LieuFactory(departement=m.dispositif.departement)
    if qualification:
        qualifier(lieu, m.dispositif, statut=qualification)
    mediateur = make_member(Role.MEDIATEUR, organisation=lieu)
    resultat = par_page(m, m.code(), par=mediateur, lieu=lieu)
    assert resultat.statut == Statut.NON_ACCEPTE and resultat.message.startswith(debut)
    assert resultat.titre == "Chèque non accepté ici"
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.REMIS


def test_un_lieu_ferme_n_encaisse_pas():
    m = monde()
    Lieu.objects.filter(pk=m.lieu.pk).update(est_actif=False, ferme_le=timezone.localdate())
    m.lieu.refresh_from_db()
    resultat = par_page(m, m.code())
    assert resultat.statut == Statut.NON_ACCEPTE
    assert resultat.message == "Votre lieu est fermé dans l’annuaire : il ne peut pas encaisser de chèques."


def test_dispositif_clos():
    m = monde()
    type(m.dispositif).objects.filter(pk=m.dispositif.pk).update(clos_le=timezone.now())
    resultat = par_page(m, m.code())
    assert resultat.statut == Statut.NON_ACCEPTE
    assert resultat.message.endswith("est clos : ses chèques ne sont plus acceptés.")


def test_non_accepte_ne_revele_rien_de_l_etat_du_cheque():
    m = monde()
    par_page(m, m.code())
    lieu = LieuFactory(departement=m.dispositif.departement)
    resultat = par_page(m, m.code(), par=make_member(Role.MEDIATEUR, organisation=lieu), lieu=lieu)
    assert resultat.statut == Statut.NON_ACCEPTE and m.lieu.nom not in resultat.message


def test_expire_apres_la_tolerance():
    d = dispositif_expire()
    m = monde()
    qualifier(m.lieu, d)
    cheque = cheques_remis(d)[0]
    resultat = par_page(m, cheque.code)
    assert resultat.statut == Statut.EXPIRE
    fin = d.fin_encaissement.strftime("%d/%m/%Y")
    assert resultat.message == (
        f"Ce chèque a expiré : il pouvait être encaissé jusqu’au {fin} (fin de validité le "
        f"{d.validite_fin:%d/%m/%Y}, plus 30 jours de tolérance)."
    )
    cheque.refresh_from_db()
    assert cheque.statut == Cheque.Statut.REMIS  # the daily task marks it, not a refusal


def test_encore_valable_pendant_la_tolerance():
    aujourd_hui = timezone.localdate()
    m = monde(
        debut=aujourd_hui - datetime.timedelta(days=100),
        fin=aujourd_hui - datetime.timedelta(days=10),
        validite_fin=aujourd_hui - datetime.timedelta(days=10),
        tolerance_jours=10,
    )
    assert m.dispositif.fin_encaissement == aujourd_hui
    assert par_page(m, m.code()).ok


def test_cheque_au_statut_expire():
    m = monde()
    Cheque.objects.filter(pk=m.cheques[0].pk).update(statut=Cheque.Statut.EXPIRE, expire_le=timezone.now())
    assert par_page(m, m.code()).statut == Statut.EXPIRE


def test_cheque_annule():
    m = monde()
    Cheque.objects.filter(pk=m.cheques[0].pk).update(
        statut=Cheque.Statut.ANNULE, annule_le=timezone.now(), motif_annulation="Carnet volé"
    )
    resultat = par_page(m, m.code())
    assert resultat.statut == Statut.ANNULE and resultat.titre == "Chèque annulé"
    assert resultat.message.startswith(
        f"Ce chèque a été annulé le {timezone.localdate():%d/%m/%Y} (déclaré perdu ou volé)"
    )
    assert "volé" not in resultat.message.replace("perdu ou volé", "")  # the reason stays private


def test_deja_encaisse_dit_quand_et_ou():
    m = monde()
    premier = par_page(m, m.code())
    moment = datetime.datetime(2026, 11, 23, 13, 5, tzinfo=datetime.UTC)
    Cheque.objects.filter(pk=m.cheques[0].pk).update(encaisse_le=moment)

    ici = par_page(m, m.code())
    assert ici.statut == Statut.DEJA_ENCAISSE and ici.titre == "Chèque déjà encaissé"
    assert ici.message == (
        "Ce chèque a déjà été encaissé le 23/11/2026 à 14\u00a0h\u00a005 "
        "par votre lieu (« Tiers-lieu La Quincaillerie »). "
        "Un chèque ne s’encaisse qu’une fois."
    )
    assert (ici.encaisse_le, ici.lieu_nom) == (moment, "Tiers-lieu La Quincaillerie")
    ailleurs = par_page(m, m.code(), par=m.autre_mediateur, lieu=m.autre_lieu)
    assert ailleurs.statut == Statut.DEJA_ENCAISSE
    assert "le 23/11/2026 à 14\u00a0h\u00a005 par le lieu « Tiers-lieu La Quincaillerie »" in ailleurs.message
    assert Encaissement.objects.count() == 1 and premier.ok


def test_date_heure_en_heure_de_paris_l_ete():
    assert date_heure(datetime.datetime(2026, 7, 1, 22, 30, tzinfo=datetime.UTC)) == "02/07/2026 à 00\u00a0h\u00a030"


def test_meme_cle_meme_reponse():
    m = monde()
    premier = par_page(m, m.code(), cle="cle-du-formulaire")
    encore = par_page(m, m.code(), cle="cle-du-formulaire")
    assert premier.ok and encore.ok and encore.rejoue
    assert encore.encaissement.pk == premier.encaissement.pk
    assert Encaissement.objects.count() == 1
    assert Evenement.objects.filter(action=Action.CHEQUE_ENCAISSE).count() == 1
    # Another key (a new form): the second redemption is refused.
    assert par_page(m, m.code(), cle="autre-cle").statut == Statut.DEJA_ENCAISSE
    # The same key for another cheque.
    reutilisee = par_page(m, m.code(1), cle="cle-du-formulaire")
    assert reutilisee.statut == Statut.CLE_REUTILISEE
    assert Cheque.objects.get(pk=m.cheques[1].pk).statut == Cheque.Statut.REMIS


def test_la_cle_est_propre_a_chaque_lieu():
    m = monde()
    assert par_page(m, m.code(), cle="k").ok
    assert par_page(m, m.code(1), cle="k", par=m.autre_mediateur, lieu=m.autre_lieu).ok


def test_un_refus_n_est_pas_memorise():
    m = monde()
    Cheque.objects.filter(pk=m.cheques[0].pk).update(statut=Cheque.Statut.DOTE)
    assert par_page(m, m.code(), cle="k").statut == Statut.PAS_REMIS
    Cheque.objects.filter(pk=m.cheques[0].pk).update(statut=Cheque.Statut.REMIS)
    assert par_page(m, m.code(), cle="k").ok


def test_seuls_les_membres_du_lieu_encaissent_pour_lui():
    m = monde()
    for intrus in (m.autre_mediateur, m.agent, m.coordinateur):
        with pytest.raises(PermissionDenied):
            par_page(m, m.code(), par=intrus)
    m.mediateur.is_active = False
    with pytest.raises(PermissionDenied):
        par_page(m, m.code())
    jeton, _ = jeton_de(make_member(Role.RESPONSABLE, organisation=m.autre_lieu))
    with pytest.raises(PermissionDenied):
        encaisser(lieu=m.lieu, code_saisi=m.code(), jeton=jeton, source=Encaissement.Source.API)
    assert not Encaissement.objects.exists()


def test_par_jeton_le_journal_nomme_le_lieu():
    m = monde()
    jeton, _ = jeton_de(m.responsable)
    resultat = encaisser(lieu=m.lieu, code_saisi=m.code(), jeton=jeton, source=Encaissement.Source.API)
    assert resultat.ok and resultat.encaissement.jeton == jeton and resultat.encaissement.par is None
    entree = Evenement.objects.get(action=Action.CHEQUE_ENCAISSE)
    assert entree.actor is None and entree.organisation_id == m.lieu.pk
    assert entree.details["jeton"] == jeton.prefixe and entree.details["source"] == "api"


# --- annuler_encaissement -------------------------------------------------------------------


def encaisse(m, i=0):
    return par_page(m, m.code(i)).encaissement


def test_annuler_rend_le_cheque():
    m = monde()
    encaissement = encaisse(m)
    annuler_encaissement(par=m.responsable, encaissement=encaissement, motif="Erreur de saisie")
    cheque = Cheque.objects.get(pk=m.cheques[0].pk)
    assert (cheque.statut, cheque.encaisse_le, cheque.lieu_encaissement) == (Cheque.Statut.REMIS, None, None)
    encaissement.refresh_from_db()
    assert encaissement.annule_le and encaissement.annule_par == m.responsable.user
    assert encaissement.motif_annulation == "Erreur de saisie"
    entree = Evenement.objects.get(action=Action.ENCAISSEMENT_ANNULE)
    assert entree.target_id == str(cheque.pk) and entree.details["motif"] == "Erreur de saisie"
    # The cheque can be redeemed again (anywhere).
    assert par_page(m, m.code(), par=m.autre_mediateur, lieu=m.autre_lieu).ok


def test_annuler_demande_un_motif():
    m = monde()
    encaissement = encaisse(m)
    with pytest.raises(ValidationError) as exc:
        annuler_encaissement(par=m.mediateur, encaissement=encaissement, motif="   ")
    assert exc.value.message_dict == {"motif": ["Indiquez pourquoi vous annulez cet encaissement."]}
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.ENCAISSE


def test_annuler_apres_24_heures_est_refuse():
    m = monde()
    encaissement = encaisse(m)
    Encaissement.objects.filter(pk=encaissement.pk).update(le=timezone.now() - datetime.timedelta(hours=25))
    with pytest.raises(ValidationError) as exc:
        annuler_encaissement(par=m.mediateur, encaissement=encaissement, motif="Trop tard")
    assert exc.value.messages[0].startswith("Un encaissement ne peut être annulé que dans les 24 heures")
    assert not Evenement.objects.filter(action=Action.ENCAISSEMENT_ANNULE).exists()


def test_annuler_deux_fois():
    m = monde()
    encaissement = encaisse(m)
    annuler_encaissement(par=m.mediateur, encaissement=encaissement, motif="Erreur")
    with pytest.raises(ValidationError) as exc:
        annuler_encaissement(par=m.mediateur, encaissement=encaissement, motif="Erreur")
    assert exc.value.messages[0].startswith("Cet encaissement a déjà été annulé le ")


def test_annuler_par_un_autre_lieu_est_interdit():
    m = monde()
    encaissement = encaisse(m)
    for intrus in (m.autre_mediateur, m.agent, m.coordinateur):
        with pytest.raises(PermissionDenied):
            annuler_encaissement(par=intrus, encaissement=encaissement, motif="Intrusion")
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.ENCAISSE


def _sur_un_bordereau(m, encaissement, statut=LigneBordereau.Statut.A_VALIDER):
    bordereau = Bordereau.objects.create(
        lieu=m.lieu,
        dispositif=m.dispositif,
        departement=m.dispositif.departement,
        numero=f"23-TEST-{encaissement.pk}",
        mois=timezone.localdate().replace(day=1),
    )
    LigneBordereau.objects.create(
        bordereau=bordereau,
        cheque=encaissement.cheque,
        montant=encaissement.cheque.valeur,
        statut=statut,
        motif_rejet="Pièce manquante" if statut == LigneBordereau.Statut.REJETEE else "",
    )


def test_plus_d_annulation_une_fois_sur_un_bordereau():
    m = monde()
    encaissement = encaisse(m)
    _sur_un_bordereau(m, encaissement)
    with pytest.raises(ValidationError) as exc:
        annuler_encaissement(par=m.mediateur, encaissement=encaissement, motif="Erreur")
    assert exc.value.messages == [
        "Ce chèque figure déjà sur un bordereau de remboursement : son encaissement ne peut plus être annulé. "
        "Contactez l’équipe du département."
    ]


def test_une_ligne_rejetee_n_empeche_pas_l_annulation():
    m = monde()
    encaissement = encaisse(m)
    _sur_un_bordereau(m, encaissement, statut=LigneBordereau.Statut.REJETEE)
    annuler_encaissement(par=m.mediateur, encaissement=encaissement, motif="Erreur")
    assert Cheque.objects.get(pk=m.cheques[0].pk).statut == Cheque.Statut.REMIS


def test_un_autre_departement_n_accepte_pas():
    m = monde()
    autre = DispositifFactory(departement__code="87")
    lieu = LieuFactory(departement=autre.departement)
    qualifier(lieu, autre)
    resultat = par_page(m, m.code(), par=make_member(Role.MEDIATEUR, organisation=lieu), lieu=lieu)
    assert resultat.statut == Statut.NON_ACCEPTE
