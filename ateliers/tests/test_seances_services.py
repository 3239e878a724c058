"""The session services: series dates, programming (one transaction, one serie, one journal
entry), the two confirmations (past, overlap), changing and cancelling."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beneficiaires.tests.factories import commune
from journal.models import Action, Evenement

from ..models import Inscription, Seance
from ..services import ateliers as services_ateliers
from ..services import seances as service
from ..services.seances import ConfirmationRequise, Recurrence, dates_de_la_serie
from .factories import AtelierFactory, inscrire, seance
from .test_ateliers_donnees import monde, prochain

pytestmark = pytest.mark.django_db
MARDI = datetime.date(2026, 4, 14)
SAMEDI = datetime.date(2026, 4, 18)


@pytest.fixture
def m():
    return monde()


def donnees(m, *, jour=None, heure=datetime.time(14, 0), **kwargs):
    d = {
        "date": jour or prochain(1),
        "heure": heure,
        "duree_minutes": 120,
        "capacite": 8,
        "mediateurs": [m.mediateur.user.pk],
        "recurrence": "",
    }
    d.update(kwargs)
    return d


# --- Series dates ----------------------------------------------------------------------------


def test_cinq_mardis():
    dates = dates_de_la_serie(premier=MARDI, recurrence=Recurrence.HEBDOMADAIRE, nombre=5)
    assert dates == [MARDI + datetime.timedelta(weeks=i) for i in range(5)]
    assert {d.weekday() for d in dates} == {1}


def test_toutes_les_deux_semaines_jusqu_a_une_date():
    dates = dates_de_la_serie(premier=MARDI, recurrence=Recurrence.QUINZAINE, jusqu_au=datetime.date(2026, 5, 26))
    assert dates == [MARDI, datetime.date(2026, 4, 28), datetime.date(2026, 5, 12), datetime.date(2026, 5, 26)]


def test_chaque_jour_ouvre_saute_le_week_end():
    dates = dates_de_la_serie(premier=datetime.date(2026, 4, 16), recurrence=Recurrence.JOURS_OUVRES, nombre=4)
    assert dates == [
        datetime.date(2026, 4, 16),
        datetime.date(2026, 4, 17),
        datetime.date(2026, 4, 20),
        MARDI + datetime.timedelta(days=7),
    ]


def test_une_seule_seance_ignore_le_nombre():
    assert dates_de_la_serie(premier=MARDI, recurrence="", nombre=9) == [MARDI]


@pytest.mark.parametrize(
    ("kwargs", "champ", "message"),
    [
        ({"nombre": 0}, "nombre", "Une série compte de 1 à 52 séances."),
        ({"nombre": 53}, "nombre", "Une série compte de 1 à 52 séances."),
        ({"nombre": "beaucoup"}, "nombre", "Une série compte de 1 à 52 séances."),
        ({}, "nombre", "Indiquez le nombre de séances de la série"),
        ({"nombre": 3, "jusqu_au": datetime.date(2026, 5, 1)}, "jusqu_au", "pas les deux"),
        ({"jusqu_au": datetime.date(2026, 4, 13)}, "jusqu_au", "La date de la dernière séance est avant la première"),
        ({"jusqu_au": datetime.date(2027, 6, 1)}, "jusqu_au", "la série compterait plus de 52 séances"),
        ({"recurrence": "chaque_mois", "nombre": 3}, "recurrence", "Choisissez une répétition dans la liste."),
    ],
)
def test_une_serie_mal_definie_est_refusee(kwargs, champ, message):
    kwargs = {"recurrence": Recurrence.HEBDOMADAIRE} | kwargs
    with pytest.raises(ValidationError) as exc:
        dates_de_la_serie(premier=MARDI, **kwargs)
    assert message in " ".join(exc.value.message_dict[champ])


def test_jours_ouvres_commence_en_semaine():
    with pytest.raises(ValidationError) as exc:
        dates_de_la_serie(premier=SAMEDI, recurrence=Recurrence.JOURS_OUVRES, nombre=3)
    assert "commence un jour de semaine" in exc.value.message_dict["date"][0]


def test_une_serie_garde_l_heure_de_paris_au_changement_d_heure(m):
    propres = service.valider(
        donnees(m, jour=datetime.date(2026, 3, 24), recurrence="semaine", nombre=3),
        lieu_id=m.lieu.pk,
        serie=True,
        maintenant=timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0)),
    )
    assert [timezone.localtime(d).hour for d in propres["debuts"]] == [14, 14, 14]
    assert [d.utcoffset().seconds // 3600 for d in propres["debuts"]] == [1, 2, 2]


# --- Programming -----------------------------------------------------------------------------


def test_programmer_cinq_mardis_d_un_coup(m):
    mardi = prochain(1)
    seances = service.programmer_seances(
        par=m.mediateur,
        atelier=m.atelier,
        donnees=donnees(
            m, jour=mardi, recurrence="semaine", nombre=5, mediateurs=[m.mediateur.user.pk, m.responsable.user.pk]
        ),
    )
    assert len(seances) == 5 and Seance.objects.count() == 5
    assert len({s.serie for s in Seance.objects.all()}) == 1 and seances[0].serie is not None
    for i, s in enumerate(Seance.objects.order_by("debut")):
        local = timezone.localtime(s.debut)
        assert (local.date(), local.hour, local.minute) == (mardi + datetime.timedelta(weeks=i), 14, 0)
        assert s.lieu_id == m.lieu.pk and s.atelier_id == m.atelier.pk and s.cree_par == m.mediateur.user
        assert set(s.mediateurs.values_list("pk", flat=True)) == {m.mediateur.user.pk, m.responsable.user.pk}
    entree = Evenement.objects.get(action=Action.SEANCES_CREEES)
    assert entree.details["seances"] == [s.pk for s in seances]
    assert entree.details["serie"] == str(seances[0].serie)
    assert Evenement.objects.filter(action=Action.SEANCES_CREEES).count() == 1


def test_une_seance_seule_n_a_pas_de_serie(m):
    (s,) = service.programmer_seances(par=m.mediateur, atelier=m.atelier, donnees=donnees(m))
    assert s.serie is None and s.capacite == 8 and s.duree_minutes == 120 and not s.itinerante


def test_une_seance_itinerante_a_une_commune(m):
    gueret = commune()
    (s,) = service.programmer_seances(
        par=m.mediateur,
        atelier=m.atelier,
        donnees=donnees(m, itinerante=True, commune=gueret, adresse="  Salle des fêtes,   place de la Mairie "),
    )
    assert (s.itinerante, s.commune, s.adresse) == (True, gueret, "Salle des fêtes, place de la Mairie")
    (s,) = service.programmer_seances(
        par=m.mediateur, atelier=m.atelier, donnees=donnees(m, jour=prochain(2), commune=gueret, adresse="x")
    )
    assert (s.itinerante, s.commune, s.adresse) == (False, None, "")  # not itinerant: nothing kept


MAUVAISES = [
    ({"duree_minutes": 4}, "duree_minutes", "entre 5 et 480"),
    ({"duree_minutes": 481}, "duree_minutes", "entre 5 et 480"),
    ({"capacite": 0}, "capacite", "entre 1 et 200"),
    ({"capacite": 201}, "capacite", "entre 1 et 200"),
    ({"date": None}, "date", "Indiquez la date de la séance"),
    ({"heure": None}, "heure", "Indiquez l’heure de début"),
    ({"date": datetime.date(2099, 1, 6)}, "date", "plus de deux ans : vérifiez l’année"),
    ({"date": datetime.date(2001, 1, 6)}, "date", "plus d’un an : vérifiez l’année"),
    ({"itinerante": True}, "commune", "Une séance itinérante a lieu dans une autre commune"),
    ({"mediateurs": []}, "mediateurs", "Choisissez au moins une personne qui anime la séance."),
    ({"mediateurs": ["autre"]}, "mediateurs", "parmi les membres actifs du lieu"),
    ({"recurrence": "semaine", "nombre": 0}, "nombre", "Une série compte de 1 à 52 séances."),
]


@pytest.mark.parametrize(("changement", "champ", "message"), MAUVAISES)
def test_une_mauvaise_valeur_ne_programme_rien(m, changement, champ, message):
    if changement.get("mediateurs") == ["autre"]:
        changement = {"mediateurs": [m.autre_mediateur.user.pk]}  # a member of another place
    with pytest.raises(ValidationError) as exc:
        service.programmer_seances(par=m.mediateur, atelier=m.atelier, donnees=donnees(m, **changement))
    assert message in " ".join(exc.value.message_dict[champ])
    assert not Seance.objects.exists() and not Evenement.objects.filter(action=Action.SEANCES_CREEES).exists()


def test_un_membre_desactive_n_anime_plus(m):
    m.responsable.is_active = False
    m.responsable.deactivated_at = timezone.now()
    m.responsable.save()
    with pytest.raises(ValidationError):
        service.programmer_seances(
            par=m.mediateur, atelier=m.atelier, donnees=donnees(m, mediateurs=[m.responsable.user.pk])
        )


def test_un_atelier_archive_ne_recoit_plus_de_seance(m):
    m.atelier.archive_le = timezone.now()
    m.atelier.save()
    with pytest.raises(ValidationError, match="archivé"):
        service.programmer_seances(par=m.mediateur, atelier=m.atelier, donnees=donnees(m))
    assert not Seance.objects.exists()


@pytest.mark.parametrize("acteur", ["autre_mediateur", "coordinateur", "agent", "responsable_87"])
def test_seul_le_lieu_programme(m, acteur):
    with pytest.raises(PermissionDenied):
        service.programmer_seances(par=m.acteur(acteur), atelier=m.atelier, donnees=donnees(m))
    assert not Seance.objects.exists()


def test_une_seance_dans_le_passe_demande_confirmation(m):
    hier = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ConfirmationRequise) as exc:
        service.programmer_seances(par=m.mediateur, atelier=m.atelier, donnees=donnees(m, jour=hier))
    alertes = exc.value.avertissements
    assert [timezone.localtime(d).date() for d in alertes.passees] == [hier] and not alertes.chevauchements
    assert not Seance.objects.exists()
    with pytest.raises(ConfirmationRequise):  # a confirmation of other warnings does not count
        service.programmer_seances(par=m.mediateur, atelier=m.atelier, donnees=donnees(m, jour=hier), confirme="x")
    service.programmer_seances(
        par=m.mediateur, atelier=m.atelier, donnees=donnees(m, jour=hier), confirme=alertes.empreinte()
    )
    assert Seance.objects.count() == 1
    assert Evenement.objects.get(action=Action.SEANCES_CREEES).details["passee_confirmee"] is True


def test_un_chevauchement_demande_confirmation(m):
    mardi = prochain(1)
    debut = timezone.make_aware(datetime.datetime.combine(mardi, datetime.time(15, 0)))
    deja = seance(AtelierFactory(lieu=m.lieu), debut=debut, mediateurs=[m.mediateur.user])
    ailleurs = seance(m.atelier_voisin, debut=debut, mediateurs=[m.autre_mediateur.user])  # someone else
    annulee = seance(m.atelier, debut=debut, mediateurs=[m.mediateur.user], annulee_le=timezone.now())
    with pytest.raises(ConfirmationRequise) as exc:
        service.programmer_seances(
            par=m.mediateur, atelier=m.atelier, donnees=donnees(m, jour=mardi, recurrence="semaine", nombre=3)
        )
    (conflit,) = exc.value.avertissements.chevauchements
    assert conflit.seance == deja and conflit.mediateurs == (str(m.mediateur.user),)
    assert timezone.localtime(conflit.debut).date() == mardi
    assert Seance.objects.count() == 3
    seances = service.programmer_seances(
        par=m.mediateur,
        atelier=m.atelier,
        donnees=donnees(m, jour=mardi, recurrence="semaine", nombre=3),
        confirme=exc.value.avertissements.empreinte(),
    )
    assert len(seances) == 3
    assert Evenement.objects.get(action=Action.SEANCES_CREEES).details["chevauchements_confirmes"] == [deja.pk]
    assert ailleurs.pk and annulee.pk


def test_des_seances_qui_se_suivent_ne_se_chevauchent_pas(m):
    mardi = prochain(1)
    seance(
        m.atelier,
        debut=timezone.make_aware(datetime.datetime.combine(mardi, datetime.time(12, 0))),
        duree_minutes=120,
        mediateurs=[m.mediateur.user],
    )
    service.programmer_seances(par=m.mediateur, atelier=m.atelier, donnees=donnees(m, jour=mardi))  # 14:00


# --- Changing --------------------------------------------------------------------------------


def _modif(s, m, **kwargs):
    local = timezone.localtime(s.debut)
    d = {
        "date": local.date(),
        "heure": local.time(),
        "duree_minutes": s.duree_minutes,
        "capacite": s.capacite,
        "mediateurs": [u.pk for u in s.mediateurs.all()],
        "itinerante": s.itinerante,
        "commune": s.commune,
        "adresse": s.adresse,
    }
    d.update(kwargs)
    return d


def test_modifier_journalise_les_champs(m):
    s = seance(m.atelier, dans_jours=5, mediateurs=[m.mediateur.user])
    changes = service.modifier_seance(
        par=m.responsable, seance=s, donnees=_modif(s, m, capacite=10, mediateurs=[m.responsable.user.pk])
    )
    assert changes == ["capacite", "mediateurs"]
    s.refresh_from_db()
    assert s.capacite == 10 and list(s.mediateurs.all()) == [m.responsable.user]
    assert Evenement.objects.get(action=Action.SEANCE_MODIFIEE).details == {"champs": ["capacite", "mediateurs"]}
    assert service.modifier_seance(par=m.responsable, seance=s, donnees=_modif(s, m)) == []
    assert Evenement.objects.filter(action=Action.SEANCE_MODIFIEE).count() == 1


def test_une_seance_annulee_ne_se_modifie_plus(m):
    s = seance(m.atelier, dans_jours=5, mediateurs=[m.mediateur.user], annulee_le=timezone.now())
    with pytest.raises(ValidationError, match="annulée"):
        service.modifier_seance(par=m.responsable, seance=s, donnees=_modif(s, m, capacite=3))


def test_une_seance_verrouillee_garde_sa_date_et_sa_duree(m):
    s = seance(m.atelier, dans_jours=-2, mediateurs=[m.mediateur.user], verrouillee_le=timezone.now())
    for changement, champ in (({"duree_minutes": 60}, "duree_minutes"), ({"heure": datetime.time(9, 0)}, "date")):
        with pytest.raises(ValidationError) as exc:
            service.modifier_seance(par=m.mediateur, seance=s, donnees=_modif(s, m, **changement))
        assert "feuille d’émargement signée est déposée" in exc.value.message_dict[champ][0]
    # The mediators may still be corrected.
    assert service.modifier_seance(
        par=m.mediateur, seance=s, donnees=_modif(s, m, mediateurs=[m.responsable.user.pk])
    ) == ["mediateurs"]


def test_la_capacite_ne_descend_pas_sous_les_inscrits(m):
    s = seance(m.atelier, dans_jours=5, mediateurs=[m.mediateur.user])
    for _ in range(3):
        inscrire(s)
    with pytest.raises(ValidationError) as exc:
        service.modifier_seance(par=m.mediateur, seance=s, donnees=_modif(s, m, capacite=2))
    assert "3 personnes sont inscrites" in exc.value.message_dict["capacite"][0]


def test_deplacer_dans_le_passe_demande_confirmation_mais_pas_le_reste(m):
    passee = seance(m.atelier, dans_jours=-3, mediateurs=[m.mediateur.user])
    assert service.modifier_seance(par=m.mediateur, seance=passee, donnees=_modif(passee, m, capacite=9)) == [
        "capacite"
    ]
    future = seance(m.atelier, dans_jours=3, mediateurs=[m.mediateur.user])
    with pytest.raises(ConfirmationRequise):
        service.modifier_seance(
            par=m.mediateur,
            seance=future,
            donnees=_modif(future, m, date=timezone.localdate() - datetime.timedelta(days=1)),
        )


def test_un_mediateur_garde_sur_la_seance_apres_son_depart(m):
    s = seance(m.atelier, dans_jours=5, mediateurs=[m.mediateur.user])
    m.mediateur.is_active = False
    m.mediateur.deactivated_at = timezone.now()
    m.mediateur.save()
    assert service.modifier_seance(par=m.responsable, seance=s, donnees=_modif(s, m, capacite=5)) == ["capacite"]


# --- Cancelling ------------------------------------------------------------------------------


def test_annuler_une_seance(m):
    s = seance(m.atelier, dans_jours=5, mediateurs=[m.mediateur.user])
    inscrire(s)
    annulees, gardees = service.annuler_seance(par=m.mediateur, seance=s, motif="  Médiateur   malade ")
    assert [x.pk for x in annulees] == [s.pk] and gardees == []
    s.refresh_from_db()
    assert s.annulee_le is not None and s.motif_annulation == "Médiateur malade"
    assert s.inscriptions.get().statut == Inscription.Statut.INSCRIT  # kept
    assert Evenement.objects.get(action=Action.SEANCE_ANNULEE).details == {"motif": "Médiateur malade"}
    with pytest.raises(ValidationError, match="déjà annulée"):
        service.annuler_seance(par=m.mediateur, seance=s, motif="encore")
    assert Evenement.objects.filter(action=Action.SEANCE_ANNULEE).count() == 1


@pytest.mark.parametrize("motif", ["", "   ", "x" * 501])
def test_annuler_demande_un_motif(m, motif):
    s = seance(m.atelier, dans_jours=5)
    with pytest.raises(ValidationError) as exc:
        service.annuler_seance(par=m.mediateur, seance=s, motif=motif)
    assert "motif" in exc.value.message_dict
    s.refresh_from_db()
    assert s.annulee_le is None and not Evenement.objects.exists()


def test_une_seance_avec_des_presences_ne_s_annule_pas(m):
    s = seance(m.atelier, dans_jours=0, heure=0)
    inscrire(s, presence=Inscription.Presence.PRESENT)
    with pytest.raises(ValidationError, match="présences sont déjà pointées"):
        service.annuler_seance(par=m.mediateur, seance=s, motif="erreur")
    s.refresh_from_db()
    assert s.annulee_le is None


def test_annuler_la_suite_de_la_serie(m):
    seances = service.programmer_seances(
        par=m.mediateur, atelier=m.atelier, donnees=donnees(m, recurrence="semaine", nombre=5)
    )
    inscrire(seances[4], presence=Inscription.Presence.ABSENT)  # odd, but it was pointed: kept
    annulees, gardees = service.annuler_seance(
        par=m.mediateur, seance=seances[1], motif="Salle en travaux", toute_la_serie=True
    )
    assert [s.pk for s in annulees] == [seances[1].pk, seances[2].pk, seances[3].pk]
    assert [s.pk for s in gardees] == [seances[4].pk]
    assert set(Seance.objects.filter(annulee_le__isnull=False).values_list("pk", flat=True)) == {s.pk for s in annulees}
    assert Evenement.objects.filter(action=Action.SEANCE_ANNULEE).count() == 3


@pytest.mark.postgres
def test_sur_postgresql_les_verrous_et_la_serie(m):
    """select_for_update(of=self) with nullable select_related, bulk_create returning ids."""
    gueret = commune()
    seances = service.programmer_seances(
        par=m.mediateur,
        atelier=m.atelier,
        donnees=donnees(m, recurrence="jours_ouvres", nombre=7, itinerante=True, commune=gueret),
    )
    assert len(seances) == 7 and all(s.pk for s in seances)
    assert Seance.objects.filter(serie=seances[0].serie, commune=gueret).count() == 7
    s = seances[0]
    assert service.modifier_seance(par=m.mediateur, seance=s, donnees=_modif(s, m, capacite=3)) == ["capacite"]
    annulees, _ = service.annuler_seance(par=m.mediateur, seance=s, motif="Neige", toute_la_serie=True)
    assert len(annulees) == 7
    services_ateliers.archiver_atelier(par=m.mediateur, atelier=m.atelier)
    services_ateliers.restaurer_atelier(par=m.mediateur, atelier=m.atelier)
