"""Opening hours in the OSM syntax: reading, French rendering, canonical export, open-now."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from structures.horaires import (
    JOURS_FR,
    JOURS_OSM,
    Couche,
    Etat,
    Horaires,
    HorairesInvalides,
    Plage,
    est_ouvert,
    horaires_en_francais,
    normaliser_horaires,
    parse_horaires,
    valider_horaires,
)

EXEMPLE_OFFICIEL = "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"
TOUS = frozenset()


def h(debut: str, fin: str) -> Plage:
    def minutes(texte):
        heures, minutes = texte.split(":")
        return int(heures) * 60 + int(minutes)

    return Plage(minutes(debut), minutes(fin))


def jours_de(horaires: Horaires) -> dict[int, tuple[Couche, ...]]:
    return {jour: couches for jour, couches in enumerate(horaires.jours) if couches}


# --- Reading -------------------------------------------------------------------------------------------


def test_exemple_officiel():
    horaires = parse_horaires(EXEMPLE_OFFICIEL)
    semaine = Couche(TOUS, Etat(plages=(h("09:00", "12:00"), h("14:00", "18:30"))))
    samedi = Couche(TOUS, Etat(plages=(h("08:30", "12:00"),)))
    assert jours_de(horaires) == {
        0: (semaine,),
        1: (semaine,),
        2: (semaine,),
        3: (semaine,),
        4: (semaine,),
        5: (samedi,),
    }
    assert horaires.feries is None
    assert horaires_en_francais(EXEMPLE_OFFICIEL) == [
        "Lundi au vendredi : 9 h – 12 h, 14 h – 18 h 30",
        "Samedi : 8 h 30 – 12 h",
    ]
    assert normaliser_horaires(EXEMPLE_OFFICIEL) == EXEMPLE_OFFICIEL


def test_vide_est_valide_et_ne_dit_rien():
    for texte in ("", "   ", " ; "):
        horaires = parse_horaires(texte)
        assert horaires.vide
        assert horaires == Horaires()
        assert horaires_en_francais(texte) == []
        assert normaliser_horaires(texte) == ""
    valider_horaires("")
    valider_horaires(None)


def test_espaces_casse_et_deux_points_toleres():
    assert normaliser_horaires("  mo - fr : 9:00 - 12:00 ,14:00-18:30 ;SA 08:30-12:00 ; ") == (
        "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"
    )


def test_plages_remises_dans_l_ordre():
    assert normaliser_horaires("Mo 14:00-18:00,09:00-12:00") == "Mo 09:00-12:00,14:00-18:00"


def test_jours_seul_liste_et_plages_enveloppantes():
    assert horaires_en_francais("Tu 10:00-12:00") == ["Mardi : 10 h – 12 h"]
    assert horaires_en_francais("Mo,We,Fr 10:00-12:00") == ["Lundi, mercredi et vendredi : 10 h – 12 h"]
    assert horaires_en_francais("Sa,Su 10:00-12:00") == ["Samedi et dimanche : 10 h – 12 h"]
    assert horaires_en_francais("Mo-We,Fr 10:00-12:00") == ["Lundi au mercredi et vendredi : 10 h – 12 h"]
    enveloppe = parse_horaires("Sa-Mo 10:00-18:00")
    assert set(jours_de(enveloppe)) == {5, 6, 0}
    assert normaliser_horaires(enveloppe) == "Sa-Mo 10:00-18:00"
    assert horaires_en_francais(enveloppe) == ["Samedi au lundi : 10 h – 18 h"]
    assert set(jours_de(parse_horaires("Su-Sa 10:00-11:00"))) == set(range(7))
    assert horaires_en_francais("Mo-Su 10:00-11:00") == ["Tous les jours : 10 h – 11 h"]


def test_sans_jour_veut_dire_tous_les_jours():
    assert normaliser_horaires("10:00-18:00") == "Mo-Su 10:00-18:00"


def test_regle_suivante_remplace_la_precedente_pour_ses_jours():
    horaires = parse_horaires("Mo-Fr 09:00-12:00; We 14:00-18:00; Fr off")
    assert horaires.jours[2] == (Couche(TOUS, Etat(plages=(h("14:00", "18:00"),))),)
    assert horaires.jours[4] == (Couche(TOUS, Etat(ferme=True)),)
    assert horaires.jours[1] == (Couche(TOUS, Etat(plages=(h("09:00", "12:00"),))),)
    assert normaliser_horaires(horaires) == "Mo,Tu,Th 09:00-12:00; We 14:00-18:00; Fr off"
    assert horaires_en_francais(horaires) == [
        "Lundi, mardi et jeudi : 9 h – 12 h",
        "Mercredi : 14 h – 18 h",
        "Vendredi : fermé",
    ]
    assert horaires_en_francais(horaires, afficher_fermes=False) == [
        "Lundi, mardi et jeudi : 9 h – 12 h",
        "Mercredi : 14 h – 18 h",
    ]
    assert parse_horaires("Mo 09:00-12:00; Mo off; Mo 10:00-11:00") == parse_horaires("Mo 10:00-11:00")


def test_minuit():
    horaires = parse_horaires("Fr 18:00-24:00; Sa 00:00-02:00")
    assert horaires.jours[4][0].etat.plages == (Plage(18 * 60, 1440),)
    assert horaires_en_francais(horaires) == ["Vendredi : 18 h – 24 h", "Samedi : 0 h – 2 h"]
    assert normaliser_horaires(horaires) == "Fr 18:00-24:00; Sa 00:00-02:00"
    assert est_ouvert(horaires, datetime(2024, 6, 7, 23, 59))
    assert est_ouvert(horaires, datetime(2024, 6, 8, 1, 30))
    assert not est_ouvert(horaires, datetime(2024, 6, 8, 2, 0))


def test_24_7_et_jours_feries():
    assert horaires_en_francais("24/7") == ["Ouvert 24 h/24, 7 j/7"]
    assert parse_horaires("24/7") == parse_horaires("Mo-Su 00:00-24:00")
    assert normaliser_horaires("Mo-Su 00:00-24:00; PH closed") == "24/7; PH off"
    assert horaires_en_francais("24 / 7 ; PH off") == ["Ouvert 24 h/24, 7 j/7", "Fermé les jours fériés"]
    assert horaires_en_francais(f"{EXEMPLE_OFFICIEL}; PH off")[-1] == "Fermé les jours fériés"
    assert horaires_en_francais("Mo-Fr 09:00-12:00; PH 10:00-11:00")[-1] == "Jours fériés : 10 h – 11 h"
    assert horaires_en_francais("Mo 00:00-24:00") == ["Lundi : 24 h/24"]
    assert normaliser_horaires("Mo-Fr,PH 09:00-12:00") == "Mo-Fr 09:00-12:00; PH 09:00-12:00"


def test_semaines_du_mois():
    assert horaires_en_francais("Mo[1] 14:00-17:00") == ["Premier lundi du mois : 14 h – 17 h"]
    assert horaires_en_francais("Mo[1,3] 14:00-17:00") == ["Premier et troisième lundis du mois : 14 h – 17 h"]
    assert horaires_en_francais("Fr[-1] 14:00-17:00") == ["Dernier vendredi du mois : 14 h – 17 h"]
    assert normaliser_horaires("Mo[1-2] 10:00-12:00") == "Mo[1,2] 10:00-12:00"
    assert normaliser_horaires("Mo[1],We[1] 10:00-12:00") == "Mo[1],We[1] 10:00-12:00"
    assert horaires_en_francais("Mo[1],We[1] 10:00-12:00") == [
        "Premier lundi et premier mercredi du mois : 10 h – 12 h"
    ]
    horaires = parse_horaires("Mo-Fr 09:00-12:00; Mo[1] off")
    assert normaliser_horaires(horaires) == "Mo-Fr 09:00-12:00; Mo[1] off"
    assert horaires_en_francais(horaires) == ["Lundi au vendredi : 9 h – 12 h", "Premier lundi du mois : fermé"]
    assert not est_ouvert(horaires, datetime(2024, 6, 3, 10))  # first Monday of June 2024
    assert est_ouvert(horaires, datetime(2024, 6, 10, 10))
    # Every week of the month is the same as no week at all; a value another one covers is dropped.
    assert parse_horaires("Mo[1-5] 10:00-12:00") == parse_horaires("Mo 10:00-12:00")
    assert parse_horaires("Mo[1],Mo[-5] 10:00-12:00") == parse_horaires("Mo[1] 10:00-12:00")


def test_commentaires():
    assert horaires_en_francais('Mo 14:00-17:00 "sur rendez-vous"') == ["Lundi : 14 h – 17 h (sur rendez-vous)"]
    assert horaires_en_francais('Sa "sur rendez-vous; appeler avant"') == ["Samedi : sur rendez-vous; appeler avant"]
    assert horaires_en_francais('Su off "travaux"') == ["Dimanche : fermé (travaux)"]
    assert horaires_en_francais('24/7 "borne en libre accès"') == ["Ouvert 24 h/24, 7 j/7 (borne en libre accès)"]
    assert normaliser_horaires('Mo 14:00-17:00 " sur rendez-vous "') == 'Mo 14:00-17:00 "sur rendez-vous"'


def test_est_ouvert_heure_de_paris():
    # Tuesday 4 June 2024, summer time (UTC+2): 10:30 UTC is 12:30 in Paris.
    assert est_ouvert(EXEMPLE_OFFICIEL, datetime(2024, 6, 4, 9, 30, tzinfo=UTC))
    assert not est_ouvert(EXEMPLE_OFFICIEL, datetime(2024, 6, 4, 10, 30, tzinfo=UTC))
    assert est_ouvert(EXEMPLE_OFFICIEL, datetime(2024, 6, 4, 18, 29))
    assert not est_ouvert(EXEMPLE_OFFICIEL, datetime(2024, 6, 4, 18, 30))
    assert not est_ouvert(EXEMPLE_OFFICIEL, datetime(2024, 6, 9, 10))  # Sunday: not mentioned
    assert not est_ouvert('Sa "sur rendez-vous"', datetime(2024, 6, 8, 10))
    assert not est_ouvert("", datetime(2024, 6, 8, 10))


# --- Errors --------------------------------------------------------------------------------------------

ERREURS = [
    ("Mx 09:00-12:00", "Jour inconnu « Mx » : utilisez Mo, Tu, We, Th, Fr, Sa, Su."),
    ("Lu-Ve 09:00-12:00", "Jour inconnu « Lu » : utilisez Mo, Tu, We, Th, Fr, Sa, Su."),
    ("Mo 25:00-26:00", "Heure invalide « 25:00 » : les heures vont de 00:00 à 24:00."),
    ("Mo 09:60-12:00", "Heure invalide « 09:60 » : les heures vont de 00:00 à 24:00."),
    ("Mo 9h-12h", "Heure invalide « 9h » : écrivez les heures au format HH:MM, par exemple 09:00."),
    ("Mo 14:00-12:00", "La plage 14:00-12:00 finit avant de commencer."),
    (
        "Fr 22:00-02:00",
        "La plage 22:00-02:00 finit avant de commencer. Pour une ouverture après minuit, écrivez 22:00-24:00"
        " ce jour-là et 00:00-02:00 le lendemain.",
    ),
    ("Mo 12:00-12:00", "La plage 12:00-12:00 est vide : le début et la fin sont identiques."),
    ("Mo 09:00-12:00,11:00-14:00", "Les plages 09:00-12:00 et 11:00-14:00 se chevauchent."),
    ("Mo 09:00", "Plage horaire incomplète après « 09:00 » : écrivez par exemple 09:00-12:00."),
    ("Mo 09:00-", "Plage horaire incomplète « 09:00- » : écrivez par exemple 09:00-12:00."),
    ("Mo 09:00+", "Les horaires sans heure de fin (« 09:00+ ») ne sont pas pris en charge."),
    ("Mo 09:00-12:00,", "Virgule en trop : elle doit être suivie d'une autre plage, comme 14:00-18:00."),
    ("Mo-Fr", "Horaires manquants après « Mo-Fr » : indiquez des plages comme 09:00-12:00, ou off pour fermé."),
    ("Mo- 09:00-12:00", "Plage de jours incomplète « Mo- » : écrivez par exemple Mo-Fr."),
    ("Mo, 09:00-12:00", "Jour attendu à la place de « 09:00 » : utilisez Mo, Tu, We, Th, Fr, Sa, Su."),
    ('Mo 09:00-12:00 "sur rendez-vous', 'Commentaire non fermé : il manque un guillemet « " ».'),
    ("Mo 09:00-12:00 @", "Caractère inattendu « @ »."),
    (
        "Mo[6] 10:00-12:00",
        "Semaine du mois invalide « 6 » : utilisez 1 à 5, ou -1 à -5 en partant de la fin du mois (-1 : le dernier).",
    ),
    (
        "Mo[-1-] 10:00-12:00",
        "Semaine du mois mal écrite après « Mo » : écrivez par exemple Mo[1], Mo[1,3] ou Mo[-1]"
        " pour le dernier du mois.",
    ),
    (
        "Mo-Fr[1] 10:00-12:00",
        "La semaine du mois ne s'applique qu'à un jour seul (« Mo-Fr[ ») : écrivez par exemple Mo[1],Tu[1].",
    ),
    (
        "Mo 09:00-12:00, We 14:00-18:00",
        "Élément inattendu « We » : écrivez les jours avant les heures, séparés par des virgules (Mo,Tu), et séparez"
        " les règles par « ; » (par exemple Mo 09:00-12:00; Tu 14:00-18:00).",
    ),
    (
        "Jan-Mar Mo-Fr 09:00-12:00",
        "Les mois, semaines de l'année et dates (« Jan ») ne sont pas pris en charge : indiquez seulement des jours"
        " de la semaine et des heures.",
    ),
    ("SH off", "Les vacances scolaires (SH) ne sont pas prises en charge."),
    ("Mo sunrise-sunset", "Les heures liées au soleil (« sunrise ») ne sont pas prises en charge."),
    ("Mo open", "« open » n'est pas pris en charge : indiquez des plages horaires, ou off pour fermé."),
    (
        "Mo 09:00-12:00 || Tu off",
        "Les règles de repli « || » ne sont pas prises en charge : séparez les règles par « ; ».",
    ),
]


@pytest.mark.parametrize(("texte", "message"), ERREURS)
def test_erreurs_en_francais(texte, message):
    with pytest.raises(HorairesInvalides) as erreur:
        parse_horaires(texte)
    assert str(erreur.value) == message
    assert isinstance(erreur.value, ValueError)
    with pytest.raises(ValidationError) as validation:
        valider_horaires(texte)
    assert validation.value.messages == [message]
    assert validation.value.code == "horaires"


def test_l_erreur_dit_quelle_regle():
    with pytest.raises(HorairesInvalides) as erreur:
        parse_horaires("Mo-Fr 09:00-12:00; Sa 08:30-25:00")
    assert str(erreur.value) == (
        "Heure invalide « 25:00 » : les heures vont de 00:00 à 24:00. Règle concernée : « Sa 08:30-25:00 »."
    )
    assert erreur.value.regle == "Sa 08:30-25:00"


def test_construction_directe_verifiee():
    with pytest.raises(HorairesInvalides, match="se chevauchent"):
        Etat(plages=(Plage(600, 720), Plage(700, 800)))
    with pytest.raises(HorairesInvalides, match="guillemet"):
        Etat(commentaire='dire "bonjour"')
    with pytest.raises(HorairesInvalides, match="finit avant de commencer"):
        Plage(720, 600)
    with pytest.raises(ValueError, match="0 \\(lundi\\) à 6"):
        Horaires.semaine({7: [(600, 720)]})


# --- Properties ----------------------------------------------------------------------------------------


@st.composite
def plages(draw, *, min_size=0):
    bornes = sorted(draw(st.sets(st.integers(0, 1440), min_size=2 * min_size, max_size=8)))
    bornes = bornes[: len(bornes) // 2 * 2]
    return [(bornes[i], bornes[i + 1]) for i in range(0, len(bornes), 2)]


semaines_types = st.dictionaries(st.integers(0, 6), plages(), max_size=7)


def jours_cites(lignes: list[str]) -> set[int]:
    """The days a French rendering names, including those inside « lundi au vendredi »."""
    cites: set[int] = set()
    for ligne in lignes:
        if ligne.startswith("Ouvert 24 h/24, 7 j/7"):
            return set(range(7))
        libelle = ligne.split(" : ", 1)[0].lower()
        if libelle == "tous les jours":
            cites |= set(range(7))
        for morceau in re.split(r", | et ", libelle):
            if " au " in morceau:
                debut, fin = (JOURS_FR.index(nom) for nom in morceau.split(" au "))
                cites |= {(debut + i) % 7 for i in range((fin - debut) % 7 + 1)}
            else:
                cites |= {
                    JOURS_FR.index(mot.removesuffix("s"))
                    for mot in morceau.split()
                    if mot.removesuffix("s") in JOURS_FR
                }
    return cites


@given(semaines_types, st.booleans())
def test_aller_retour_des_semaines_types(semaine, feries_fermes):
    horaires = Horaires.semaine(semaine, feries_fermes=feries_fermes)
    texte = normaliser_horaires(horaires)
    assert parse_horaires(texte) == horaires
    assert normaliser_horaires(texte) == texte
    # Written by hand, one rule a day, it reads the same.
    a_la_main = "; ".join(
        f"{JOURS_OSM[jour]} " + (",".join(str(Plage(*p)) for p in plages_) or "off")
        for jour, plages_ in semaine.items()
    )
    assert parse_horaires(a_la_main + ("; PH off" if feries_fermes else "")) == horaires

    lignes = horaires_en_francais(horaires)
    ouverts = {jour for jour, plages_ in semaine.items() if plages_}
    assert ouverts <= jours_cites(lignes)
    assert jours_cites(horaires_en_francais(horaires, afficher_fermes=False)) == ouverts
    assert ("Fermé les jours fériés" in lignes) == feries_fermes


@st.composite
def regles(draw):
    """A few rules, some on weeks of the month, as (days, weeks, state) and as OSM text."""
    resultat = []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            jours = draw(st.sets(st.integers(0, 6), min_size=1))
            semaines = frozenset()
            selecteur = ",".join(JOURS_OSM[jour] for jour in sorted(jours))
        else:
            jour = draw(st.integers(0, 6))
            jours = {jour}
            semaines = draw(st.sets(st.sampled_from([1, 2, 3, 4, 5, -1, -2, -3, -4, -5]), min_size=1, max_size=3))
            selecteur = f"{JOURS_OSM[jour]}[{','.join(map(str, sorted(semaines)))}]"
        plages_ = draw(plages())
        commentaire = draw(st.sampled_from(["", "", "sur rendez-vous", "avec pass numérique"]))
        if not plages_ and not commentaire:
            etat = Etat(ferme=True)
        else:
            etat = Etat(plages=tuple(Plage(*p) for p in plages_), commentaire=commentaire)
        resultat.append((jours, semaines, etat, f"{selecteur} {etat.en_osm()}"))
    return resultat


def etat_attendu(regles_, jour: date) -> Etat | None:
    dernier = (date(jour.year + jour.month // 12, jour.month % 12 + 1, 1) - timedelta(days=1)).day
    n, m = (jour.day - 1) // 7 + 1, -((dernier - jour.day) // 7 + 1)
    etat = None
    for jours, semaines, etat_regle, _ in regles_:
        if jour.weekday() in jours and (not semaines or n in semaines or m in semaines):
            etat = etat_regle
    return etat


ANNEE = [date(2024, 1, 1) + timedelta(days=i) for i in range(366)]


@given(regles())
def test_les_regles_se_remplacent_comme_dans_osm(regles_):
    texte = "; ".join(osm for *_, osm in regles_)
    horaires = parse_horaires(texte)
    for jour in ANNEE:
        assert horaires.etat_le(jour) == etat_attendu(regles_, jour), (texte, jour)
    canonique = normaliser_horaires(horaires)
    assert parse_horaires(canonique) == horaires
    assert normaliser_horaires(canonique) == canonique
    ouverts = {jour.weekday() for jour in ANNEE if (etat := horaires.etat_le(jour)) and etat.ouvert}
    assert ouverts <= jours_cites(horaires_en_francais(horaires))


OSM = st.text(alphabet='MoTuWeThFrSaSuPHoffclsed0123456789:-,;[]/+|" \t', max_size=40)


@given(st.one_of(st.text(), OSM))
def test_n_importe_quel_texte_est_lu_ou_refuse_en_francais(texte):
    try:
        horaires = parse_horaires(texte)
    except HorairesInvalides as erreur:
        assert str(erreur)
        return
    assert parse_horaires(normaliser_horaires(horaires)) == horaires
    horaires_en_francais(horaires)
