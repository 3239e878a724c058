import re
import time
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command

from comptes.models import Invitation, Membership, Organisation, Role, User
from demo import data
from journal.models import Action, Evenement
from structures.models import Lieu
from territoires.models import Departement
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
    }


def test_seed_demo_is_idempotent():
    run("seed_demo")
    first = snapshot()
    run("seed_demo")
    assert snapshot() == first

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
