"""Activity figures (selectors/activite.py) against values computed by hand on a small data set
of three months, and the period rules. `jeu()` is shared with the view tests.

The data set (place L, mediators A and B, maintenant = 20 March 2025 at noon, Paris):
- January: S1 (10th, 2 h, A; P1 and P2 present, P3 absent, 1 walk-in, P1's cheque taken), S2
  (31st at 23:30 Paris — still January, 1 h, B; P1 present), S3 (cancelled, A; P4 present, 3
  walk-ins: never counted), S4 (25th, 1 h 30, A; P3 absent: held, no hours).
- February: S5 (12th, 2 h, A and B; P2 and P5 present, 2 walk-ins; P2's cheque taken, P5's
  redemption undone), S6 (20th, 45 min, nobody registered present, 4 walk-ins: hours count).
- March: S7 (1st at 00:30 Paris — 28 February 23:30 UTC, counted in March, 1 h, B; P1 present),
  S8 (25th: not started yet, not counted).
- Another place's session and redemption in February: never counted.
- Redemptions of L: P1's (January, by A), P2's (February, by B), P5's (February, undone), one
  by the API (February, nobody), one on the page (March, by A).
"""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from comptes.models import Role
from comptes.tests.factories import make_member
from pass_numerique.models import Encaissement
from pass_numerique.tests.factories import DispositifFactory, cheques_remis, lieu_qualifie

from ..models import PresenceCheque
from ..selectors.activite import MOIS_MAX, PARIS, Periode, activite, activite_du_mois, lire_mois, periode_depuis
from ..themes import Theme
from .factories import AtelierFactory, inscrire, personne_du_lieu, seance

pytestmark = pytest.mark.django_db

MAINTENANT = datetime.datetime(2025, 3, 20, 12, 0, tzinfo=PARIS)
PRESENT, ABSENT = "present", "absent"


def le(jour: str, heure: str = "14:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{jour}T{heure}").replace(tzinfo=PARIS)


def encaissement(m, lieu, *, par=None, quand, annule=False, source=Encaissement.Source.EMARGEMENT):
    cheque = m.cheques.pop()
    return Encaissement.objects.create(
        cheque=cheque,
        lieu=lieu,
        par=par,
        source=source,
        le=quand,
        annule_le=quand + datetime.timedelta(hours=1) if annule else None,
    )


def prendre_cheque(m, inscription, *, par, annule=False):
    enc = encaissement(m, inscription.seance.lieu, par=par, quand=inscription.seance.debut, annule=annule)
    return PresenceCheque.objects.create(inscription=inscription, encaissement=enc)


def jeu() -> SimpleNamespace:
    m = SimpleNamespace()
    m.dispositif = DispositifFactory()
    m.lieu = lieu_qualifie(m.dispositif, nom="Tiers-lieu La Quincaillerie")
    m.autre_lieu = lieu_qualifie(m.dispositif)
    m.responsable = make_member(Role.RESPONSABLE, organisation=m.lieu)
    m.a = make_member(Role.MEDIATEUR, organisation=m.lieu)
    m.b = make_member(Role.MEDIATEUR, organisation=m.lieu)
    m.cheques = cheques_remis(m.dispositif, taille=10)
    p1, p2, p3, p4, p5 = (personne_du_lieu(m.lieu) for _ in range(5))
    m.personnes = [p1, p2, p3, p4, p5]
    A, B = m.a.user, m.b.user
    smartphone = AtelierFactory(lieu=m.lieu, themes=[Theme.PRISE_EN_MAIN, Theme.COURRIEL], duree_minutes=120)
    securite = AtelierFactory(lieu=m.lieu, themes=[Theme.SECURITE], duree_minutes=60)
    bureautique = AtelierFactory(lieu=m.lieu, themes=[Theme.BUREAUTIQUE], duree_minutes=90)
    prise_en_main = AtelierFactory(lieu=m.lieu, themes=[Theme.PRISE_EN_MAIN], duree_minutes=120)
    demarches = AtelierFactory(lieu=m.lieu, themes=[Theme.DEMARCHES], duree_minutes=45)
    courriel = AtelierFactory(lieu=m.lieu, themes=[Theme.COURRIEL], duree_minutes=60)

    s1 = seance(smartphone, debut=le("2025-01-10"), mediateurs=[A], participants_anonymes=1)
    i = inscrire(s1, p1, presence=PRESENT)
    prendre_cheque(m, i, par=A)
    inscrire(s1, p2, presence=PRESENT)
    inscrire(s1, p3, presence=ABSENT)
    s2 = seance(securite, debut=le("2025-01-31", "23:30"), mediateurs=[B])
    inscrire(s2, p1, presence=PRESENT)
    s3 = seance(
        bureautique, debut=le("2025-01-20"), mediateurs=[A], participants_anonymes=3, annulee_le=le("2025-01-19")
    )
    inscrire(s3, p4, presence=PRESENT)
    s4 = seance(bureautique, debut=le("2025-01-25", "10:00"), mediateurs=[A])
    inscrire(s4, p3, presence=ABSENT)

    s5 = seance(prise_en_main, debut=le("2025-02-12"), mediateurs=[A, B], participants_anonymes=2)
    prendre_cheque(m, inscrire(s5, p2, presence=PRESENT), par=B)
    prendre_cheque(m, inscrire(s5, p5, presence=PRESENT), par=B, annule=True)
    seance(demarches, debut=le("2025-02-20"), participants_anonymes=4)
    encaissement(m, m.lieu, quand=le("2025-02-21"), source=Encaissement.Source.API)

    s7 = seance(courriel, debut=le("2025-03-01", "00:30"), mediateurs=[B])
    inscrire(s7, p1, presence=PRESENT)
    s8 = seance(courriel, debut=le("2025-03-25"), mediateurs=[B], participants_anonymes=5)
    inscrire(s8, p2)
    encaissement(m, m.lieu, par=A, quand=le("2025-03-05"), source=Encaissement.Source.PAGE)

    ailleurs = seance(lieu=m.autre_lieu, debut=le("2025-02-12"), participants_anonymes=7)
    inscrire(ailleurs, personne_du_lieu(m.autre_lieu), presence=PRESENT)
    encaissement(m, m.autre_lieu, quand=le("2025-02-12"), source=Encaissement.Source.PAGE)
    m.periode = Periode(datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
    return m


def _ligne(chiffres) -> tuple:
    return (
        chiffres.seances,
        chiffres.minutes,
        chiffres.participants,
        chiffres.anonymes,
        chiffres.presences,
        chiffres.cheques_emargement,
        chiffres.cheques_lieu,
    )


def test_les_chiffres_du_lieu_mois_par_mois():
    m = jeu()
    figures = activite(lieu=m.lieu, periode=m.periode, maintenant=MAINTENANT)
    janvier, fevrier, mars = figures.mois
    assert [c.mois for c in figures.mois] == [datetime.date(2025, n, 1) for n in (1, 2, 3)]
    # séances, minutes, participants, walk-ins, presences, cheques at roll-call, cheques of the place
    assert _ligne(janvier) == (3, 180, 2, 1, 3, 1, 1)
    assert _ligne(fevrier) == (2, 165, 2, 6, 2, 1, 2)
    assert _ligne(mars) == (1, 60, 1, 0, 1, 0, 1)
    # Distinct participants over the period: P1, P2, P5 — not 2 + 2 + 1.
    assert _ligne(figures.total) == (6, 405, 3, 7, 6, 2, 4)
    assert figures.total.heures == 6.75
    assert janvier.themes == {"prise_en_main": 1, "courriel": 1, "securite": 1, "bureautique": 1}
    assert fevrier.themes == {"prise_en_main": 1, "demarches": 1}
    assert mars.themes == {"courriel": 1}
    assert figures.themes[:2] == [
        ("prise_en_main", Theme.PRISE_EN_MAIN.label, 2),
        ("courriel", Theme.COURRIEL.label, 2),
    ]
    assert len(figures.themes) == 5


def test_les_chiffres_d_un_mediateur():
    m = jeu()
    figures = activite(lieu=m.lieu, periode=m.periode, mediateur=m.a.user, maintenant=MAINTENANT)
    janvier, fevrier, mars = figures.mois
    # A runs S1, S4 (January; S3 is cancelled) and S5 (February, with B); A redeemed P1's
    # cheque in January and one on the page in March.
    assert _ligne(janvier) == (2, 120, 2, 1, 2, 1, 1)
    assert _ligne(fevrier) == (1, 120, 2, 2, 2, 1, 0)
    assert _ligne(mars) == (0, 0, 0, 0, 0, 0, 1)
    assert _ligne(figures.total) == (3, 240, 3, 3, 4, 2, 2)
    b = activite(lieu=m.lieu, periode=m.periode, mediateur=m.b.user, maintenant=MAINTENANT)
    assert [c.seances for c in b.mois] == [1, 1, 1]
    assert b.total.participants == 3  # P1 (S2, S7), P2 and P5 (S5)


def test_un_mois_vide_a_des_zeros_et_les_bornes_suivent_paris():
    m = jeu()
    figures = activite(
        lieu=m.lieu, periode=Periode(datetime.date(2024, 12, 1), datetime.date(2025, 1, 1)), maintenant=MAINTENANT
    )
    decembre, janvier = figures.mois
    assert _ligne(decembre) == (0, 0, 0, 0, 0, 0, 0) and decembre.themes == {}
    assert janvier.seances == 3  # S2 at 23:30 on 31 January (22:30 UTC) stays in January
    mars = activite(lieu=m.lieu, periode=Periode(datetime.date(2025, 3, 1), datetime.date(2025, 3, 1)))
    assert mars.total.seances == 2  # later, S8 has started too (S7 at 00:30 on 1 March is March's)


def test_activite_du_mois_pour_l_accueil():
    m = jeu()
    chiffres = activite_du_mois(m.lieu, maintenant=datetime.datetime(2025, 2, 28, 12, 0, tzinfo=PARIS))
    assert _ligne(chiffres) == (2, 165, 2, 6, 2, 1, 2)


def test_nombre_de_requetes_constant(django_assert_num_queries):
    m = jeu()
    with django_assert_num_queries(5):
        activite(lieu=m.lieu, periode=m.periode, maintenant=MAINTENANT)
    atelier = AtelierFactory(lieu=m.lieu)
    for jour in range(1, 29):
        s = seance(atelier, debut=le(f"2025-02-{jour:02d}", "09:00"), mediateurs=[m.a.user])
        inscrire(s, m.personnes[jour % 5], presence=PRESENT)
    with django_assert_num_queries(5):
        figures = activite(lieu=m.lieu, periode=m.periode, mediateur=m.a.user, maintenant=MAINTENANT)
    assert figures.mois[1].seances == 29


# --- The period -------------------------------------------------------------------------------

AUJOURD_HUI = datetime.date(2025, 3, 20)


def test_periode_par_defaut_les_douze_derniers_mois():
    periode = periode_depuis(aujourd_hui=AUJOURD_HUI)
    assert (periode.debut, periode.fin) == (datetime.date(2024, 4, 1), datetime.date(2025, 3, 1))
    assert len(periode.mois) == 12
    assert periode.libelle == "de avril 2024 à mars 2025"
    assert periode.parametres == {"du": "2024-04", "au": "2025-03"}


def test_periode_avec_un_seul_bout():
    assert periode_depuis(du="2025-01", aujourd_hui=AUJOURD_HUI) == Periode(
        datetime.date(2025, 1, 1), datetime.date(2025, 3, 1)
    )
    assert periode_depuis(au="2024-06", aujourd_hui=AUJOURD_HUI) == Periode(
        datetime.date(2023, 7, 1), datetime.date(2024, 6, 1)
    )
    # A start after the current month: twelve months from it.
    assert periode_depuis(du="2026-01", aujourd_hui=AUJOURD_HUI).fin == datetime.date(2026, 12, 1)
    assert periode_depuis(du="2025-03", au="2025-03", aujourd_hui=AUJOURD_HUI).libelle == "mars 2025"


@pytest.mark.parametrize(
    ("du", "au", "champ", "message"),
    [
        ("2025-13", "", "du", "Le mois 13 n’existe pas"),
        ("2025-00", "", "du", "Le mois 0 n’existe pas"),
        ("abc", "", "du", "Indiquez un mois sous la forme AAAA-MM"),
        ("2025-1-1", "", "du", "Indiquez un mois sous la forme AAAA-MM"),
        ("", "1850-01", "au", "Indiquez une année entre 2000 et 2100"),
        ("2025-03", "2025-01", "au", "Le mois de fin doit venir après le mois de début"),
        ("2022-01", "2025-01", "au", "La période compte 37 mois : 36 mois au plus"),
    ],
)
def test_periode_refusee_avec_un_message_en_francais(du, au, champ, message):
    with pytest.raises(ValidationError) as exc:
        periode_depuis(du=du, au=au, aujourd_hui=AUJOURD_HUI)
    assert message in " ".join(exc.value.message_dict[champ])


def test_trente_six_mois_au_plus():
    periode = periode_depuis(du="2022-02", au="2025-01", aujourd_hui=AUJOURD_HUI)
    assert len(periode.mois) == MOIS_MAX
    assert lire_mois(" 2025-3 ") == datetime.date(2025, 3, 1)


@pytest.mark.postgres
def test_les_memes_chiffres_sur_postgresql():
    """TruncMonth in Europe/Paris, the Exists filter of the hours and the distinct counts, on
    the production database (the suite runs every test there too in CI)."""
    test_les_chiffres_du_lieu_mois_par_mois()
    test_les_chiffres_d_un_mediateur()
    test_un_mois_vide_a_des_zeros_et_les_bornes_suivent_paris()
