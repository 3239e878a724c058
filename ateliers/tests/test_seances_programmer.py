"""The programming and change pages of sessions: a series in one go, French errors with nothing
saved, the two-step confirmation of a past session or an overlap, who may open what."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaires.tests.factories import GUERET, commune
from journal.models import Action, Evenement

from ..models import Seance
from .factories import AtelierFactory, seance
from .test_ateliers_donnees import donnees_seance, monde, prochain

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    return monde()


def texte(reponse) -> str:
    """The page's HTML, white space collapsed."""
    return " ".join(reponse.content.decode().split())


def url_programmer(m):
    return reverse("ateliers:programmer", args=[m.atelier.pk])


def test_le_formulaire_reprend_l_atelier_et_la_personne(login, m):
    reponse = login(m.mediateur).get(url_programmer(m))
    form = reponse.context["form"]
    assert form["duree_minutes"].value() == 90 and form["capacite"].value() == 8
    assert form["mediateurs"].value() == [str(m.mediateur.user.pk)]
    choix = dict(form.fields["mediateurs"].choices)
    assert set(choix) == {str(m.mediateur.user.pk), str(m.responsable.user.pk)}  # not another place's
    html = texte(reponse)
    assert "Chaque semaine, le même jour" in html and "Chaque jour ouvré" in html
    assert 'type="date"' in html and 'type="time"' in html and "style=" not in html
    assert "recherche-commune.js" in html


def test_programmer_cinq_mardis(login, m):
    mardi = prochain(1)
    reponse = login(m.mediateur).post(
        url_programmer(m), donnees_seance([m.mediateur], date=mardi, recurrence="semaine", nombre="5")
    )
    assert reponse.status_code == 302 and reponse.url == reverse("ateliers:detail", args=[m.atelier.pk])
    seances = list(Seance.objects.order_by("debut"))
    assert len(seances) == 5 and len({s.serie for s in seances}) == 1
    assert [timezone.localtime(s.debut).date() for s in seances] == [
        mardi + datetime.timedelta(weeks=i) for i in range(5)
    ]
    assert Evenement.objects.filter(action=Action.SEANCES_CREEES).count() == 1
    page = texte(login(m.mediateur).get(reponse.url))
    assert "5 séances programmées, du " in page
    assert page.count("Au lieu — inscriptions : 0/8") == 5


def test_programmer_jusqu_a_une_date(login, m):
    mardi = prochain(1)
    login(m.mediateur).post(
        url_programmer(m),
        donnees_seance(
            [m.mediateur],
            date=mardi,
            recurrence="deux_semaines",
            jusqu_au=(mardi + datetime.timedelta(days=28)).isoformat(),
        ),
    )
    assert Seance.objects.count() == 3


def test_programmer_une_seance_itinerante(login, m):
    commune()
    reponse = login(m.responsable).post(
        url_programmer(m),
        donnees_seance(
            [m.responsable, m.mediateur], itinerante="on", commune=GUERET, commune_texte="Guéret", adresse="Mairie"
        ),
    )
    s = Seance.objects.get()
    assert reponse.url == reverse("ateliers:seance", args=[s.pk])
    assert (s.itinerante, s.commune.code_insee, s.adresse, s.mediateurs.count()) == (True, GUERET, "Mairie", 2)


MAUVAISES = [
    ({"date": ""}, "date", "Indiquez la date de la séance"),
    ({"date": "31/02/2026"}, "date", "Date invalide"),
    ({"heure": ""}, "heure", "Indiquez l’heure de début"),
    ({"heure": "25:00"}, "heure", "Heure invalide"),
    ({"duree_minutes": "0"}, "duree_minutes", "entre 5 et 480"),
    ({"duree_minutes": "600"}, "duree_minutes", "entre 5 et 480"),
    ({"capacite": "0"}, "capacite", "entre 1 et 200"),
    ({"capacite": "250"}, "capacite", "entre 1 et 200"),
    ({"capacite": ""}, "capacite", "entre 1 et 200"),
    ({"mediateurs": []}, "mediateurs", "Choisissez au moins une personne"),
    ({"itinerante": "on"}, "commune", "Une séance itinérante a lieu dans une autre commune"),
    ({"itinerante": "on", "commune_texte": "Atlantide"}, "commune", "Aucune commune ne correspond à « Atlantide »"),
    ({"adresse": "x" * 256}, "adresse", "L’adresse compte au plus 255 caractères."),
    ({"recurrence": "semaine"}, "nombre", "Indiquez le nombre de séances de la série"),
    ({"recurrence": "semaine", "nombre": "0"}, "nombre", "Une série compte de 1 à 52 séances."),
    ({"recurrence": "semaine", "nombre": "53"}, "nombre", "Une série compte de 1 à 52 séances."),
    ({"recurrence": "semaine", "jusqu_au": "2020-01-01"}, "jusqu_au", "avant la première"),
    ({"recurrence": "semaine", "nombre": "3", "jusqu_au": "2099-01-01"}, "jusqu_au", "pas les deux"),
    ({"recurrence": "tous_les_mois", "nombre": "3"}, "recurrence", "Choisissez une répétition dans la liste."),
]


@pytest.mark.parametrize(("changement", "champ", "message"), MAUVAISES)
def test_une_mauvaise_valeur_ne_programme_rien(login, m, changement, champ, message):
    mediateurs = changement.pop("mediateurs", [m.mediateur])
    reponse = login(m.mediateur).post(url_programmer(m), donnees_seance(mediateurs, **changement))
    assert reponse.status_code == 200
    erreurs = reponse.context["form"].errors
    assert any(message in e for e in erreurs.get(champ, [])), erreurs
    assert "Aucune séance n’a été programmée" in texte(reponse)
    assert not Seance.objects.exists() and not Evenement.objects.filter(action=Action.SEANCES_CREEES).exists()


def test_un_mediateur_d_un_autre_lieu_est_refuse(login, m):
    reponse = login(m.mediateur).post(url_programmer(m), donnees_seance([m.autre_mediateur]))
    assert "parmi les membres actifs du lieu" in reponse.context["form"].errors["mediateurs"][0]
    assert not Seance.objects.exists()


def empreinte(reponse) -> str:
    return re.search(r'name="empreinte" value="([0-9a-f]+)"', texte(reponse)).group(1)


def test_un_chevauchement_s_affiche_puis_se_confirme(login, m):
    mardi = prochain(1)
    autre = AtelierFactory(lieu=m.lieu, titre="Café numérique")
    deja = seance(
        autre,
        debut=timezone.make_aware(datetime.datetime.combine(mardi, datetime.time(15, 0))),
        mediateurs=[m.mediateur.user],
    )
    client = login(m.mediateur)
    donnees = donnees_seance([m.mediateur], date=mardi)
    reponse = client.post(url_programmer(m), donnees)
    html = texte(reponse)
    assert reponse.status_code == 200 and not Seance.objects.filter(atelier=m.atelier).exists()
    assert "Vérifiez avant d’enregistrer : rien n’est encore enregistré" in html
    assert "Une personne qui anime est déjà prise à ce moment-là" in html
    assert f'href="{reverse("ateliers:seance", args=[deja.pk])}">« Café numérique »</a>' in html
    assert "de 15 h 00 à 17 h 00" in html and "Malik Médiateur" in html
    assert 'name="confirmer"' in html and "checked" not in html.split('name="confirmer"')[1][:80]
    # Re-posted without ticking: the same warning, still nothing.
    client.post(url_programmer(m), donnees | {"empreinte": empreinte(reponse)})
    assert not Seance.objects.filter(atelier=m.atelier).exists()
    # Ticked: saved, and the journal says the overlap was confirmed.
    reponse = client.post(url_programmer(m), donnees | {"empreinte": empreinte(reponse), "confirmer": "on"})
    assert reponse.status_code == 302
    assert Seance.objects.filter(atelier=m.atelier).count() == 1
    assert Evenement.objects.get(action=Action.SEANCES_CREEES).details["chevauchements_confirmes"] == [deja.pk]


def test_un_chevauchement_dans_un_autre_lieu_ne_montre_pas_l_autre_lieu(login, m):
    from comptes.models import Role
    from comptes.tests.factories import make_member

    make_member(Role.MEDIATEUR, organisation=m.autre_lieu, user=m.mediateur.user)
    mardi = prochain(1)
    debut = timezone.make_aware(datetime.datetime.combine(mardi, datetime.time(14, 30)))
    seance(m.atelier_voisin, debut=debut, mediateurs=[m.mediateur.user])
    html = texte(login(m.mediateur).post(url_programmer(m), donnees_seance([m.mediateur], date=mardi)))
    assert "anime déjà une séance d’un autre lieu" in html and "Découvrir sa tablette" not in html


def test_une_seance_passee_demande_une_confirmation(login, m):
    hier = timezone.localdate() - datetime.timedelta(days=1)
    client = login(m.mediateur)
    donnees = donnees_seance([m.mediateur], date=hier)
    reponse = client.post(url_programmer(m), donnees)
    assert "La séance commence dans le passé" in texte(reponse)
    assert not Seance.objects.exists()
    # A confirmation given for other warnings (the date was changed meanwhile) does not count.
    client.post(url_programmer(m), donnees | {"empreinte": "0" * 20, "confirmer": "on"})
    assert not Seance.objects.exists()
    reponse = client.post(url_programmer(m), donnees | {"empreinte": empreinte(reponse), "confirmer": "on"})
    assert reponse.status_code == 302 and Seance.objects.count() == 1


# --- Changing a session ----------------------------------------------------------------------


def donnees_modif(s, **kwargs) -> dict:
    local = timezone.localtime(s.debut)
    d = {
        "date": local.date().isoformat(),
        "heure": local.strftime("%H:%M"),
        "duree_minutes": str(s.duree_minutes),
        "capacite": str(s.capacite),
        "mediateurs": [str(u.pk) for u in s.mediateurs.all()],
        "adresse": s.adresse,
        "commune": "",
        "commune_texte": "",
    }
    d.update(kwargs)
    return d


def test_modifier_une_seance(login, m):
    s = seance(m.atelier, dans_jours=4, mediateurs=[m.mediateur.user])
    client = login(m.responsable)
    url = reverse("ateliers:seance_modifier", args=[s.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"]["duree_minutes"].value() == 90
    reponse = client.post(url, donnees_modif(s, heure="10:30", capacite="12"), follow=True)
    assert "Modifications enregistrées (date et heure, capacité)." in texte(reponse)
    s.refresh_from_db()
    assert timezone.localtime(s.debut).strftime("%H:%M") == "10:30" and s.capacite == 12
    reponse = client.post(url, donnees_modif(s, duree_minutes="1000"))
    assert "entre 5 et 480" in reponse.context["form"].errors["duree_minutes"][0]
    s.refresh_from_db()
    assert s.duree_minutes == 90 and Evenement.objects.filter(action=Action.SEANCE_MODIFIEE).count() == 1


def test_une_seance_verrouillee_ne_change_pas_de_date(login, m):
    s = seance(m.atelier, dans_jours=-1, mediateurs=[m.mediateur.user], verrouillee_le=timezone.now())
    url = reverse("ateliers:seance_modifier", args=[s.pk])
    client = login(m.mediateur)
    html = texte(client.get(url))
    assert "la date, l’heure et la durée ne peuvent plus changer" in html
    assert re.search(r'<input type="date"[^>]*disabled', html)
    debut = s.debut
    client.post(url, donnees_modif(s, date=prochain(2).isoformat(), capacite="9"))
    s.refresh_from_db()
    assert s.debut == debut and s.capacite == 9  # the disabled fields keep their value


def test_une_seance_annulee_ne_se_modifie_pas(login, m):
    s = seance(m.atelier, dans_jours=3, mediateurs=[m.mediateur.user], annulee_le=timezone.now())
    reponse = login(m.mediateur).get(reverse("ateliers:seance_modifier", args=[s.pk]), follow=True)
    assert "Cette séance est annulée : elle ne peut plus être modifiée." in texte(reponse)


@pytest.mark.parametrize("acteur", ["coordinateur", "lecteur", "referent", "agent"])
def test_les_autres_roles_ne_programment_pas(login, m, acteur):
    s = seance(m.atelier, dans_jours=3)
    client = login(m.acteur(acteur))
    assert client.get(url_programmer(m)).status_code == 403
    assert client.post(url_programmer(m), donnees_seance([m.mediateur])).status_code == 403
    assert client.get(reverse("ateliers:seance_modifier", args=[s.pk])).status_code == 403
    assert Seance.objects.count() == 1


def test_la_seance_d_un_autre_lieu_est_introuvable(login, m):
    for autre in (seance(m.atelier_voisin, dans_jours=2), seance(m.atelier_87, dans_jours=2)):
        for membre in (m.responsable, m.mediateur):
            client = login(membre)
            assert client.get(reverse("ateliers:seance_modifier", args=[autre.pk])).status_code == 404
            assert client.post(reverse("ateliers:seance_modifier", args=[autre.pk]), {}).status_code == 404
