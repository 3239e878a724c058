import csv
import gzip
import re
import time
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command

from beneficiaires.models import Beneficiaire, Orientation, Suivi
from comptes.models import Invitation, Membership, Organisation, Role, User
from demo import data
from journal.models import Action, Evenement
from prescripteurs.models import OrganismePrescripteur
from structures.models import Lieu
from structures.standard import normaliser_telephone, valider_siret
from territoires.models import Commune, Departement
from territoires.referentiel import DOSSIER_PAR_DEFAUT
from territoires.services import charger_referentiel
from territoires.validators import validate_accent_color

pytestmark = pytest.mark.django_db


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "départements": list(Departement.objects.values_list("code", "nom", "couleur", "date_maj")),
        "utilisateurs": list(User.objects.order_by("pk").values_list("pk", "email", "password")),
        "adresses": EmailAddress.objects.filter(verified=True).count(),
        "organisations": list(Organisation.objects.order_by("pk").values_list("pk", "type", "nom")),
        "adhésions": list(Membership.objects.order_by("pk").values_list("pk", "user_id", "organisation_id", "role")),
        "invitations": list(Invitation.objects.order_by("pk").values_list("pk", "email", "token_hash")),
        "authentificateurs": list(Authenticator.objects.order_by("pk").values_list("pk", "type")),
        "journal": Evenement.objects.count(),
        # Places are only saved when something changed (modifie_le is auto_now).
        "lieux": list(Lieu.objects.order_by("pk").values_list("pk", "modifie_le", "latitude", "services")),
        "prescripteurs": list(
            OrganismePrescripteur.objects.order_by("pk").values_list("pk", "siret", "commune_id", "telephone")
        ),
        "bénéficiaires": list(
            Beneficiaire.objects.order_by("pk").values_list("pk", "pseudonyme", "modifie_le", "derniere_activite_le")
        ),
        "suivis": list(Suivi.objects.order_by("pk").values_list("pk", "beneficiaire_id", "organisme_id")),
        "orientations": list(Orientation.objects.order_by("pk").values_list("pk", "statut", "cree_le", "repondu_le")),
    }


def charger_la_creuse(dossier) -> None:
    """The shipped communes reference, restricted to the Creuse (fast enough for a test)."""
    for nom in ("regions", "departements", "epcis"):
        (dossier / f"{nom}.csv").write_bytes((DOSSIER_PAR_DEFAUT / f"{nom}.csv").read_bytes())
    with gzip.open(DOSSIER_PAR_DEFAUT / "communes.csv.gz", "rt", encoding="utf-8", newline="") as source:
        lignes = list(csv.reader(source))
    with (dossier / "communes.csv").open("w", encoding="utf-8", newline="") as cible:
        csv.writer(cible, lineterminator="\n").writerows(
            [lignes[0]] + [ligne for ligne in lignes[1:] if ligne[3] == "23"]
        )
    charger_referentiel(dossier=dossier)


def test_seed_demo_is_idempotent():
    output = run("seed_demo")
    first = snapshot()
    run("seed_demo")
    assert snapshot() == first
    # Without the communes reference: no people, and the command says why.
    assert not first["bénéficiaires"]
    assert "Bénéficiaires de démonstration non créés : le référentiel des communes n’est pas chargé" in output

    assert len(first["utilisateurs"]) == len(data.PERSONNES)
    assert first["adresses"] == len(data.PERSONNES)
    assert len(first["organisations"]) == 1 + len(data.PRESCRIPTEURS) + len(data.LIEUX)
    assert len(first["adhésions"]) == sum(len(p.adhesions) for p in data.PERSONNES)
    assert len(first["invitations"]) == len(data.INVITATIONS)
    # One journal entry per membership and one per invitation, written by the first run only.
    assert Evenement.objects.filter(action=Action.MEMBRE_AJOUTE).count() == len(first["adhésions"])
    assert Evenement.objects.filter(action=Action.INVITATION_ENVOYEE).count() == len(data.INVITATIONS)
    assert first["journal"] == len(first["adhésions"]) + len(data.INVITATIONS)


def test_seed_demo_builds_every_role_with_usable_logins():
    run("seed_demo")
    departement = Departement.objects.get(code="23")
    assert departement.nom == "Creuse"
    validate_accent_color(departement.couleur)

    memberships = Membership.objects.active().filter(organisation__departement=departement)
    assert set(memberships.values_list("role", flat=True)) == set(Role.values)
    multi = [u for u in User.objects.all() if u.memberships.filter(is_active=True).count() > 1]
    assert [u.email for u in multi] == [f"deux-organisations@{data.EMAIL_DOMAIN}"]

    for user in User.objects.all():
        assert user.email.endswith(f"@{data.EMAIL_DOMAIN}")
        assert user.check_password(data.PASSWORD)
        assert EmailAddress.objects.get(user=user).verified

    coordinatrice = User.objects.get(email=data.COORDINATRICE.email)
    assert set(Authenticator.objects.filter(user=coordinatrice).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    invitation = Invitation.objects.get()
    assert invitation.is_open
    assert invitation.created_by == coordinatrice


def test_seed_demo_prints_the_logins():
    output = run("seed_demo")
    for personne in data.PERSONNES:
        assert personne.email in output
    for role in Role:
        assert role.label in output
    assert data.PASSWORD in output
    assert "manage.py demo_totp" in output
    assert "CCAS de Guéret (démo)" in output
    assert "nouvelle.mediatrice@" in output


def test_seed_demo_keeps_the_open_invitation_and_restores_a_removed_totp():
    run("seed_demo")
    invitation = Invitation.objects.get()
    coordinatrice = User.objects.get(email=data.COORDINATRICE.email)
    totp = Authenticator.objects.get(user=coordinatrice, type=Authenticator.Type.TOTP)
    totp.delete()  # as if the coordinatrice had disabled TOTP
    run("seed_demo")
    assert Invitation.objects.get() == invitation
    assert Authenticator.objects.filter(user=coordinatrice, type=Authenticator.Type.TOTP).count() == 1


def test_demo_totp_prints_a_code_allauth_accepts():
    run("seed_demo")
    if 30 - time.time() % 30 < 2:  # don't straddle two TOTP periods
        time.sleep(2.1)
    output = run("demo_totp")
    match = re.search(r"\b(\d{6})\b", output)
    assert match, output
    assert re.search(r"Valable encore \d+ s", output)
    coordinatrice = User.objects.get(email=data.COORDINATRICE.email)
    authenticator = Authenticator.objects.get(user=coordinatrice, type=Authenticator.Type.TOTP)
    assert TOTP(authenticator).validate_code(match.group(1))


def test_les_lieux_de_demo_respectent_le_standard_et_sont_publics():
    from structures.horaires import valider_horaires
    from structures.standard import clean_typologie, clean_vocabulary, normaliser_telephone, vocabularies

    run("seed_demo")  # without the communes reference: positions are literal
    lieux = Lieu.objects.filter(departement__code="23")
    assert lieux.count() == len(data.LIEUX) >= 15
    for lieu in lieux:
        assert lieu.est_actif
        assert lieu.a_une_position
        assert 45.6 < lieu.latitude < 46.5 and 1.3 < lieu.longitude < 2.7, lieu.nom  # in the Creuse
        assert lieu.commune_ref is None
        assert normaliser_telephone(lieu.telephone) == lieu.telephone
        assert lieu.code_postal.startswith("23") and lieu.code_insee.startswith("23")
        clean_typologie(lieu.typologie)
        valider_horaires(lieu.horaires)
        assert lieu.services, lieu.nom
        for champ in vocabularies():
            clean_vocabulary(champ, getattr(lieu, champ))
    assert lieux.filter(services__contains="|Aide aux démarches administratives|").count() >= 8
    assert lieux.filter(accepte_pass_numerique=True).exists()
    assert lieux.filter(itinerance__contains="|Itinérant|").exists()


def test_seed_demo_relie_les_lieux_aux_communes_quand_elles_sont_chargees():
    from territoires.tests.jeu_de_test import charger_jeu_de_test

    charger_jeu_de_test()  # Guéret, Sainte-Feyre and La Souterraine among them
    run("seed_demo")
    first = snapshot()
    quincaillerie = Lieu.objects.get(nom=data.LIEUX[0].nom)
    assert quincaillerie.commune_ref.nom == "Guéret"
    assert Lieu.objects.filter(commune_ref__isnull=False).count() == 4
    run("seed_demo")
    assert snapshot() == first


def test_les_prescripteurs_de_demo_ont_une_fiche_complete(tmp_path):
    charger_la_creuse(tmp_path)
    run("seed_demo")
    organismes = OrganismePrescripteur.objects.filter(departement__code="23").select_related("commune")
    assert organismes.count() == len(data.PRESCRIPTEURS)
    for organisme in organismes:
        assert valider_siret(organisme.siret) == organisme.siret
        assert organisme.siret.startswith("000000023")  # fictitious SIREN
        assert normaliser_telephone(organisme.telephone) == organisme.telephone
        assert organisme.telephone.startswith("+33536490")  # ARCEP's fiction range
        assert organisme.courriel.endswith(f"@{data.EMAIL_DOMAIN}")
        assert organisme.adresse and organisme.code_postal in organisme.commune.liste_codes_postaux
        assert organisme.est_actif
        roles = set(organisme.memberships.filter(is_active=True).values_list("role", flat=True))
        assert roles == {Role.REFERENT, Role.AGENT}, organisme.nom
    assert {o.commune.code_insee for o in organismes} == {"23096", "23008"}


def test_les_beneficiaires_de_demo_a_divers_stades(tmp_path):
    charger_la_creuse(tmp_path)
    output = run("seed_demo")
    first = snapshot()
    assert f"Bénéficiaires de démonstration : {len(data.BENEFICIAIRES)} créé·e·s" in output
    second = run("seed_demo")
    assert snapshot() == first  # nothing twice, the journal included
    assert f"0 créé·e·s, {len(data.BENEFICIAIRES)} déjà présent·e·s" in second

    personnes = Beneficiaire.objects.filter(departement__code="23")
    assert personnes.count() == len(data.BENEFICIAIRES) >= 30
    assert personnes.filter(commune__departement_id="23").count() == personnes.count()
    assert personnes.filter(zone_rurale=True).exists() and personnes.filter(zone_rurale=False).exists()
    assert personnes.filter(sexe="homme").exists() and personnes.filter(sexe="femme").exists()
    assert personnes.filter(niveau_etudes="nsp").exists() and personnes.filter(minorite="nsp").exists()
    assert len({p for b in personnes for p in b.publics}) >= 6
    assert personnes.filter(suivis__organisme__nom__contains="Mission locale").exists()
    assert Suivi.objects.filter(origine=Suivi.Origine.RATTACHEMENT).count() == 2

    anonyme = personnes.get(anonymise_le__isnull=False)
    assert (anonyme.nom, anonyme.prenom, anonyme.date_naissance) == ("", "", None)
    assert anonyme.sexe == "homme" and anonyme.publics == ["senior"]  # FSE+ and eligibility kept
    evenement = Evenement.objects.get(action=Action.BENEFICIAIRE_ANONYMISE)
    assert evenement.actor is None and evenement.details == {"motif": "conservation"}

    statuts = dict.fromkeys(Orientation.Statut.values, 0)
    for statut in Orientation.objects.values_list("statut", flat=True):
        statuts[statut] += 1
    assert statuts["pris_en_charge"] >= 5 and statuts["refusee"] >= 3 and statuts["a_contacter"] >= 10
    # One orientation waits for more than 8 days (the daily task flags it), the others are recent.
    sans_reponse = Orientation.objects.sans_reponse_depuis().get()
    assert sans_reponse.lieu.nom == "Tiers-lieu La Quincaillerie (démo)" and sans_reponse.relance_le is None
    for orientation in Orientation.objects.select_related("lieu", "beneficiaire"):
        assert orientation.lieu.departement.code == "23" and orientation.lieu.nom.endswith("(démo)")
        assert orientation.beneficiaire.cree_le < orientation.cree_le
        assert orientation.repondu_le is None or orientation.cree_le < orientation.repondu_le
    refus = Orientation.objects.filter(statut="refusee")
    assert all(o.motif_refus for o in refus)
    # Every step went through a service: the journal tells it, never with a name.
    assert Evenement.objects.filter(action=Action.BENEFICIAIRE_CREE).count() == len(data.BENEFICIAIRES)
    assert Evenement.objects.filter(action=Action.ORIENTATION_CREEE).count() == Orientation.objects.count()
    assert Evenement.objects.filter(action=Action.ORIENTATION_REFUSEE).count() == refus.count()
    noms = {b.nom for b in data.BENEFICIAIRES}
    assert not [e for e in Evenement.objects.filter(action__startswith="beneficiaires.") if e.target_repr in noms]


def test_sans_une_partie_des_communes_les_autres_beneficiaires_sont_crees():
    from territoires.tests.jeu_de_test import charger_jeu_de_test

    charger_jeu_de_test()  # five communes of the Creuse only
    output = run("seed_demo")
    presentes = set(Commune.objects.values_list("code_insee", flat=True))
    attendus = [b for b in data.BENEFICIAIRES if b.code_insee in presentes]
    assert 0 < Beneficiaire.objects.count() == len(attendus) < len(data.BENEFICIAIRES)
    assert "ignoré·e·s : commune absente du référentiel" in output
    # The France Services of Aubusson has no commune in this reference: left empty.
    assert OrganismePrescripteur.objects.get(nom__contains="Aubusson").commune is None
