"""Workshops and sessions in a real browser: a médiatrice creates a workshop, programmes it every
Tuesday for five weeks, opens the agenda and the session page on a phone-sized screen (360 px),
meets the overlap warning and confirms it, cancels a session. axe-core finds no violation on any
of these pages, nothing scrolls sideways at 360 px, and the Content-Security-Policy holds.
Screenshots in var/screenshots/ateliers-seances-*.png.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers.models import Atelier, Seance
from ateliers.tests.factories import inscrire, personne_du_lieu
from ateliers.tests.test_ateliers_donnees import monde, prochain
from comptes.models import Role
from comptes.tests.factories import make_member
from journal.models import Action, Evenement
from tests.navigateur import assert_accessible, log_in, surveiller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "mediatrice.ateliers@exemple.test"


@pytest.fixture
def m(transactional_db):
    m = monde()
    m.mediatrice = make_member(Role.MEDIATEUR, organisation=m.lieu, email=EMAIL, first_name="Inès", last_name="Moreau")
    return m


def accessible(page, erreurs_csp, quoi: str, nom: str) -> None:
    """A screenshot, one h1, zero axe violation, no CSP violation, nothing scrolls sideways."""
    assert_accessible(page, erreurs_csp, quoi, capture=f"ateliers-seances-{nom}", single_h1=True, fits_width=True)


def test_creer_programmer_et_consulter_sur_un_telephone(live_server, telephone, m):
    page, base = telephone, live_server.url
    erreurs = surveiller(page)
    log_in(page, base, EMAIL)

    page.goto(base + reverse("ateliers:liste"))
    accessible(page, erreurs, "la liste des ateliers", "liste")
    page.get_by_role("link", name="Créer un atelier").click()
    accessible(page, erreurs, "la création d’un atelier", "creer")
    page.get_by_role("button", name="Créer l’atelier").click()  # empty: errors, nothing saved
    assert page.locator("#id_titre").get_attribute("aria-invalid") == "true"
    assert not Atelier.objects.filter(lieu=m.lieu, titre="").exists()
    accessible(page, erreurs, "la création d’un atelier avec des erreurs", "creer-erreurs")
    page.get_by_label("Titre", exact=True).fill("Sécuriser son smartphone")
    page.get_by_label("Sécurité").check()
    page.get_by_label("Prise en main (ordinateur, smartphone, tablette)").check()
    page.get_by_label("Durée habituelle (minutes)").fill("90")
    page.get_by_label("Capacité (personnes)").fill("6")
    page.get_by_role("button", name="Créer l’atelier").click()
    page.wait_for_url(re.compile(r"/ateliers/\d+/$"))
    atelier = Atelier.objects.get(titre="Sécuriser son smartphone")
    assert atelier.themes == ["prise_en_main", "securite"] and atelier.duree_minutes == 90
    accessible(page, erreurs, "la page de l’atelier", "atelier")

    # Every Tuesday for five weeks.
    mardi = prochain(1)
    page.get_by_role("link", name="Programmer des séances").click()
    accessible(page, erreurs, "la programmation des séances", "programmer")
    page.get_by_label("Date", exact=True).fill(mardi.isoformat())
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_label("Répétition").select_option("semaine")
    page.get_by_label("Nombre de séances de la série").fill("5")
    page.get_by_role("button", name="Programmer").click()
    page.wait_for_url(base + reverse("ateliers:detail", args=[atelier.pk]))
    assert "5 séances programmées" in page.get_by_role("status").first.inner_text()
    seances = list(Seance.objects.filter(atelier=atelier).order_by("debut"))
    assert len(seances) == 5 and len({s.serie for s in seances}) == 1
    assert Evenement.objects.filter(action=Action.SEANCES_CREEES).count() == 1
    accessible(page, erreurs, "la page de l’atelier avec ses séances", "atelier-seances")

    # The agenda of that week, at 360 px.
    inscrire(seances[0], personne_du_lieu(m.lieu, nom="Martin", prenom="Odette", telephone="+33555123456"))
    page.goto(base + reverse("ateliers:agenda") + f"?semaine={mardi.isoformat()}")
    accessible(page, erreurs, "l’agenda de la semaine", "agenda")
    carte = " ".join(page.get_by_role("listitem").filter(has_text="Sécuriser son smartphone").inner_text().split())
    assert "14 h 00 – 15 h 30" in carte and "Inscriptions : 1/6" in carte
    page.get_by_role("link", name="Voir seulement mes séances").click()
    assert "animées par vous" in page.locator(".ei-lead").inner_text()
    accessible(page, erreurs, "l’agenda « mes séances »", "agenda-mes-seances")
    page.get_by_role("link", name="Semaine suivante →").click()
    lundi_suivant = mardi + datetime.timedelta(days=6)
    page.wait_for_url(re.compile(rf"semaine={lundi_suivant.isoformat()}"))
    assert f"Semaine du lundi {lundi_suivant.day} " in page.locator(".ei-lead").inner_text()

    # The session page.
    page.goto(base + reverse("ateliers:seance", args=[seances[0].pk]))
    assert "Inscriptions : 1 sur 6 places" in page.locator("#seance-infos").locator("..").inner_text()
    assert "Séance 1 sur 5 d’une série" in page.content()
    accessible(page, erreurs, "la page de la séance", "seance")
    page.get_by_role("link", name="Modifier la séance").click()
    accessible(page, erreurs, "la modification de la séance", "modifier")


def test_le_chevauchement_puis_l_annulation(live_server, telephone, m):
    page, base = telephone, live_server.url
    erreurs = surveiller(page)
    mardi = prochain(1)
    deja = Seance.objects.create(
        atelier=m.atelier,
        lieu=m.lieu,
        debut=timezone.make_aware(datetime.datetime.combine(mardi, datetime.time(14, 30))),
        duree_minutes=90,
        capacite=8,
    )
    deja.mediateurs.set([m.mediatrice.user])
    inscrire(deja, personne_du_lieu(m.lieu, nom="Martin", prenom="Odette", telephone="+33555123456"))
    log_in(page, base, EMAIL)

    page.goto(base + reverse("ateliers:programmer", args=[m.atelier.pk]))
    page.get_by_label("Date", exact=True).fill(mardi.isoformat())
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_role("button", name="Programmer").click()
    alerte = page.locator("#avertissements")
    assert "Inès Moreau anime déjà « Premiers pas sur smartphone »" in " ".join(alerte.inner_text().split())
    assert Seance.objects.count() == 1
    accessible(page, erreurs, "l’avertissement de chevauchement", "chevauchement")
    page.get_by_label("Je confirme : enregistrer malgré ces avertissements").check()
    page.get_by_role("button", name="Programmer").click()
    page.wait_for_url(re.compile(r"/ateliers/seances/\d+/$"))
    assert Seance.objects.count() == 2

    page.goto(base + reverse("ateliers:archiver", args=[m.atelier.pk]))
    accessible(page, erreurs, "la confirmation de l’archivage", "archiver")

    page.goto(base + reverse("ateliers:seance_annuler", args=[deja.pk]))
    assert page.get_by_role("link", name="Appeler le 05 55 12 34 56").get_attribute("href") == "tel:+33555123456"
    accessible(page, erreurs, "l’annulation d’une séance", "annuler")
    page.get_by_role("button", name="Annuler la séance").click()
    assert page.locator("#id_motif").get_attribute("aria-invalid") == "true"
    accessible(page, erreurs, "l’annulation sans motif", "annuler-erreur")
    page.get_by_label("Motif de l’annulation").fill("Médiatrice malade")
    page.get_by_role("button", name="Annuler la séance").click()
    page.wait_for_url(base + reverse("ateliers:seance", args=[deja.pk]))
    deja.refresh_from_db()
    assert deja.annulee_le is not None
    accessible(page, erreurs, "la séance annulée", "seance-annulee")
