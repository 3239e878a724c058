"""Opening hours in the OpenStreetMap `opening_hours` syntax (field `horaires` of the national standard).

Supported subset, enough for the lieux de médiation numérique (what YoHours produces, plus a little):
- rules separated by `;`; a later rule replaces, for the days it names, what earlier rules said (as in OSM);
- days `Mo Tu We Th Fr Sa Su`, ranges `Mo-Fr` (wrapping: `Sa-Mo`), lists `Mo,We,Fr`, no day = every day;
- week of the month on a single day: `Mo[1]`, `Mo[1,3]`, `Mo[1-2]`, `Mo[-1]` (last Monday);
- time ranges `09:00-12:00,14:00-18:30`, ending at `24:00` at the latest (cut a night in two);
- `off` / `closed`, `24/7`, public holidays `PH off` (or `PH 10:00-12:00`), a comment `"sur rendez-vous"`.
Months, dates, weeks of the year, school holidays, sunrise… are refused with a French message.

Public holidays are kept apart from the weekly schedule: `PH off` means « fermé les jours fériés » wherever
it is written (OSM would let a later weekday rule reopen them), and `est_ouvert` ignores them.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

__all__ = [
    "Couche",
    "Etat",
    "Horaires",
    "HorairesInvalides",
    "Plage",
    "est_ouvert",
    "horaires_en_francais",
    "normaliser_horaires",
    "parse_horaires",
    "valider_horaires",
]

PARIS = ZoneInfo("Europe/Paris")
JOURS_OSM = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
JOURS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_JOURS_PLURIEL = ("lundis", "mardis", "mercredis", "jeudis", "vendredis", "samedis", "dimanches")
_INDEX_JOUR = {nom.lower(): i for i, nom in enumerate(JOURS_OSM)}
_ORDINAUX = {
    1: "premier",
    2: "deuxième",
    3: "troisième",
    4: "quatrième",
    5: "cinquième",
    -1: "dernier",
    -2: "avant-dernier",
    -3: "antépénultième",
    -4: "quatrième en partant de la fin",
    -5: "cinquième en partant de la fin",
}
_MOIS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
_SOLEIL = {"sunrise", "sunset", "dawn", "dusk"}


class HorairesInvalides(ValueError):
    """A French message saying what is wrong; `regle` is the rule at fault when the text has several."""

    def __init__(self, message: str, *, regle: str | None = None):
        self.message = message
        self.regle = regle
        super().__init__(f"{message} Règle concernée : « {regle} »." if regle else message)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _heure_fr(minutes: int) -> str:
    heures, reste = divmod(minutes, 60)
    return f"{heures} h {reste:02d}" if reste else f"{heures} h"


@dataclass(frozen=True, order=True)
class Plage:
    """An opening from `debut` to `fin`, in minutes since midnight (0 ≤ debut < fin ≤ 1440)."""

    debut: int
    fin: int

    def __post_init__(self):
        for minutes in (self.debut, self.fin):
            if not 0 <= minutes <= 1440:
                raise HorairesInvalides(f"Heure invalide « {minutes} minutes » : les heures vont de 00:00 à 24:00.")
        if self.fin == self.debut:
            raise HorairesInvalides(f"La plage {self} est vide : le début et la fin sont identiques.")
        if self.fin < self.debut:
            conseil = ""
            if self.fin <= 6 * 60:
                conseil = (
                    f" Pour une ouverture après minuit, écrivez {_hhmm(self.debut)}-24:00 ce jour-là"
                    f" et 00:00-{_hhmm(self.fin)} le lendemain."
                )
            raise HorairesInvalides(f"La plage {self} finit avant de commencer.{conseil}")

    def __str__(self) -> str:
        return f"{_hhmm(self.debut)}-{_hhmm(self.fin)}"

    def en_francais(self) -> str:
        return f"{_heure_fr(self.debut)} – {_heure_fr(self.fin)}"


@dataclass(frozen=True)
class Etat:
    """What a rule says about a day: time ranges (sorted), or closed (`ferme`), with an optional comment.

    No range, not closed and a comment only (`Sa "sur rendez-vous"`) is valid: the comment says it all.
    """

    plages: tuple[Plage, ...] = ()
    ferme: bool = False
    commentaire: str = ""

    def __post_init__(self):
        plages = tuple(sorted(self.plages))
        object.__setattr__(self, "plages", plages)
        object.__setattr__(self, "commentaire", self.commentaire.strip())
        for avant, apres in itertools.pairwise(plages):
            if apres.debut < avant.fin:
                raise HorairesInvalides(f"Les plages {avant} et {apres} se chevauchent.")
        if self.ferme and plages:
            raise HorairesInvalides("Un jour ne peut pas être à la fois fermé (off) et ouvert sur des plages.")
        if '"' in self.commentaire:
            raise HorairesInvalides('Un commentaire ne peut pas contenir de guillemet « " ».')
        if not (plages or self.ferme or self.commentaire):
            raise HorairesInvalides("Indiquez des plages horaires, off (fermé) ou un commentaire.")

    @property
    def ouvert(self) -> bool:
        return bool(self.plages)

    def en_osm(self) -> str:
        morceaux = [",".join(map(str, self.plages))] if self.plages else (["off"] if self.ferme else [])
        if self.commentaire:
            morceaux.append(f'"{self.commentaire}"')
        return " ".join(morceaux)

    def en_francais(self) -> str:
        if self.plages == (Plage(0, 1440),):
            texte = "24 h/24"
        elif self.plages:
            texte = ", ".join(plage.en_francais() for plage in self.plages)
        else:
            texte = "fermé" if self.ferme else ""
        if not self.commentaire:
            return texte
        return f"{texte} ({self.commentaire})" if texte else self.commentaire


# Each weekday falls in a month as its n-th occurrence counted from the start and the m-th from the end;
# with 4 or 5 occurrences a month, there are nine kinds of (n, m). A rule `Mo[1,-1]` covers those kinds.
_CELLULES = tuple((n, n - total - 1) for total in (4, 5) for n in range(1, total + 1))
_TOUTES = frozenset(range(len(_CELLULES)))


def _cellules(semaines: frozenset[int]) -> frozenset[int]:
    if not semaines:
        return _TOUTES
    return frozenset(i for i, (n, m) in enumerate(_CELLULES) if n in semaines or m in semaines)


def _ordre_semaine(valeur: int) -> tuple[bool, int]:
    return (valeur < 0, abs(valeur))


@dataclass(frozen=True)
class Couche:
    """One rule as it applies to one day: which weeks of the month (empty: all of them) and what state."""

    semaines: frozenset[int]
    etat: Etat

    def __post_init__(self):
        semaines = frozenset(self.semaines)
        if any(not 1 <= abs(s) <= 5 for s in semaines):
            raise HorairesInvalides("Semaine du mois invalide : utilisez 1 à 5, ou -1 à -5 depuis la fin du mois.")
        cellules = _cellules(semaines)
        if cellules == _TOUTES:
            semaines = frozenset()
        for valeur in sorted(semaines):  # drop what another value already covers ([1,-5] is [1])
            if len(semaines) > 1 and _cellules(semaines - {valeur}) == cellules:
                semaines -= {valeur}
        object.__setattr__(self, "semaines", semaines)

    def s_applique(self, cellule: int) -> bool:
        return cellule in _cellules(self.semaines)


def _tableau(couches: list[Couche]) -> tuple[Etat | None, ...]:
    return tuple(next((c.etat for c in reversed(couches) if c.s_applique(i)), None) for i in sorted(_TOUTES))


def _simplifier(couches: Iterable[Couche]) -> tuple[Couche, ...]:
    """Merge neighbours that say the same, drop layers that change nothing (hidden by later ones)."""
    couches = list(couches)
    change = True
    while change:
        change = False
        for i in range(len(couches) - 1):
            premiere, seconde = couches[i], couches[i + 1]
            if premiere.etat == seconde.etat:
                toutes = not premiere.semaines or not seconde.semaines
                semaines = frozenset() if toutes else premiere.semaines | seconde.semaines
                couches[i : i + 2] = [Couche(semaines, premiere.etat)]
                change = True
                break
        if change:
            continue
        reference = _tableau(couches)
        for i in range(len(couches)):
            sans = couches[:i] + couches[i + 1 :]
            if _tableau(sans) == reference:
                couches = sans
                change = True
                break
    return tuple(couches)


@dataclass(frozen=True)
class Horaires:
    """The weekly schedule: for each day (Monday first) the layers that apply in order, plus public holidays.

    Built in a canonical form, so two texts that say the same thing the same way compare equal.
    """

    jours: tuple[tuple[Couche, ...], ...] = ((),) * 7
    feries: Etat | None = None

    def __post_init__(self):
        jours = tuple(self.jours)
        if len(jours) != 7:
            raise ValueError("Horaires.jours doit avoir sept éléments, du lundi au dimanche.")
        object.__setattr__(self, "jours", tuple(_simplifier(couches) for couches in jours))

    @classmethod
    def semaine(
        cls,
        plages_par_jour: Mapping[int, Iterable[Plage | tuple[int, int]]],
        *,
        feries_fermes: bool = False,
    ) -> Horaires:
        """{0: [(540, 720)], 6: []} → Monday 09:00-12:00, Sunday closed (day numbers as date.weekday())."""
        jours: list[tuple[Couche, ...]] = [()] * 7
        for jour, plages in plages_par_jour.items():
            if jour not in range(7):
                raise ValueError(f"Jour {jour!r} : utilisez 0 (lundi) à 6 (dimanche).")
            plages = tuple(p if isinstance(p, Plage) else Plage(*p) for p in plages)
            jours[jour] = (Couche(frozenset(), Etat(plages=plages, ferme=not plages)),)
        return cls(jours=tuple(jours), feries=Etat(ferme=True) if feries_fermes else None)

    @property
    def vide(self) -> bool:
        return self.feries is None and not any(self.jours)

    @property
    def ouvert_24_7(self) -> bool:
        premier = self.jours[0][:1]
        return (
            len(premier) == 1
            and all(couches == premier for couches in self.jours)
            and not premier[0].semaines
            and premier[0].etat.plages == (Plage(0, 1440),)
        )

    def etat_le(self, jour: date) -> Etat | None:
        """What applies on that date (None when the text says nothing about it); public holidays ignored."""
        dernier_du_mois = calendar.monthrange(jour.year, jour.month)[1]
        n, m = (jour.day - 1) // 7 + 1, -((dernier_du_mois - jour.day) // 7 + 1)
        cellule = _CELLULES.index((n, m))
        return next((c.etat for c in reversed(self.jours[jour.weekday()]) if c.s_applique(cellule)), None)


# --- Reading -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Jeton:
    genre: str  # commentaire, continu (24/7), nombre, mot, symbole
    texte: str
    debut: int


_MOTIF = re.compile(
    r'(?P<espace>\s+)|(?P<commentaire>"[^"]*")|(?P<continu>24\s*/\s*7)'
    r"|(?P<nombre>[0-9][0-9A-Za-z:.]*)|(?P<mot>[^\W\d_]+)|(?P<symbole>[-,\[\]|+/:])"
)
_HEURE = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def _jetons(texte: str) -> list[_Jeton]:
    jetons, position = [], 0
    while position < len(texte):
        trouve = _MOTIF.match(texte, position)
        if trouve is None:
            raise HorairesInvalides(f"Caractère inattendu « {texte[position]} ».")
        if trouve.lastgroup != "espace":
            jetons.append(_Jeton(trouve.lastgroup, trouve.group(), position))
        position = trouve.end()
    return jetons


def _minutes(jeton: _Jeton) -> int:
    trouve = _HEURE.fullmatch(jeton.texte)
    if trouve is None:
        raise HorairesInvalides(
            f"Heure invalide « {jeton.texte} » : écrivez les heures au format HH:MM, par exemple 09:00."
        )
    heures, minutes = int(trouve[1]), int(trouve[2])
    if heures > 24 or minutes > 59 or (heures == 24 and minutes):
        raise HorairesInvalides(f"Heure invalide « {jeton.texte} » : les heures vont de 00:00 à 24:00.")
    return heures * 60 + minutes


def _refuser_mot(jeton: _Jeton) -> HorairesInvalides:
    mot = jeton.texte.lower()
    if mot in _MOIS or mot in {"week", "easter"}:
        return HorairesInvalides(
            f"Les mois, semaines de l'année et dates (« {jeton.texte} ») ne sont pas pris en charge :"
            " indiquez seulement des jours de la semaine et des heures."
        )
    if mot == "sh":
        return HorairesInvalides("Les vacances scolaires (SH) ne sont pas prises en charge.")
    if mot in _SOLEIL:
        return HorairesInvalides(f"Les heures liées au soleil (« {jeton.texte} ») ne sont pas prises en charge.")
    if mot in {"open", "unknown"}:
        return HorairesInvalides(
            f"« {jeton.texte} » n'est pas pris en charge : indiquez des plages horaires, ou off pour fermé."
        )
    return HorairesInvalides(f"Jour inconnu « {jeton.texte} » : utilisez Mo, Tu, We, Th, Fr, Sa, Su.")


def _est_jour(jeton: _Jeton | None) -> bool:
    return (
        jeton is not None
        and jeton.genre == "mot"
        and (jeton.texte.lower() in _INDEX_JOUR or jeton.texte.lower() == "ph")
    )


@dataclass
class _Regle:
    jours: dict[int, frozenset[int]]
    feries: bool
    etat: Etat


@dataclass
class _Lecteur:
    texte: str
    jetons: list[_Jeton] = field(init=False)
    position: int = 0

    def __post_init__(self):
        self.jetons = _jetons(self.texte)

    def voir(self, decalage: int = 0) -> _Jeton | None:
        index = self.position + decalage
        return self.jetons[index] if 0 <= index < len(self.jetons) else None

    def est(self, genre: str, texte: str | None = None) -> bool:
        jeton = self.voir()
        return jeton is not None and jeton.genre == genre and (texte is None or jeton.texte.lower() == texte)

    def prendre(self) -> _Jeton:
        jeton = self.jetons[self.position]
        self.position += 1
        return jeton

    def jusquici(self, depuis: _Jeton) -> str:
        fin = self.voir(-1)
        return self.texte[depuis.debut : fin.debut + len(fin.texte)] if fin else ""

    def regle(self) -> _Regle | None:
        if not self.jetons:
            return None
        if self.est("continu"):
            self.prendre()
            etat = Etat(plages=(Plage(0, 1440),), commentaire=self.commentaire())
            self.terminer()
            return _Regle(jours=dict.fromkeys(range(7), frozenset()), feries=False, etat=etat)
        premier = self.voir()
        jours, feries = self.selecteur()
        selection = self.jusquici(premier) if jours or feries else ""
        etat = self.corps(selection)
        self.terminer()
        if not (jours or feries):
            jours = dict.fromkeys(range(7), frozenset())
        return _Regle(jours=jours, feries=feries, etat=etat)

    def selecteur(self) -> tuple[dict[int, frozenset[int]], bool]:
        jours: dict[int, frozenset[int]] = {}
        feries = False
        if not self.est("mot") or self.voir().texte.lower() in {"off", "closed"}:
            return jours, feries
        while True:
            jeton = self.prendre()
            if jeton.genre != "mot":
                raise HorairesInvalides(
                    f"Jour attendu à la place de « {jeton.texte} » : utilisez Mo, Tu, We, Th, Fr, Sa, Su."
                )
            if jeton.texte.lower() == "ph":
                feries = True
            elif jeton.texte.lower() not in _INDEX_JOUR:
                raise _refuser_mot(jeton)
            else:
                debut = _INDEX_JOUR[jeton.texte.lower()]
                nouveaux = {debut: frozenset()}
                if self.est("symbole", "-"):
                    self.prendre()
                    if not (_est_jour(self.voir()) and self.voir().texte.lower() != "ph"):
                        suite = self.voir()
                        if suite is not None and suite.genre == "mot":
                            raise _refuser_mot(suite)
                        raise HorairesInvalides(
                            f"Plage de jours incomplète « {self.jusquici(jeton)} » : écrivez par exemple Mo-Fr."
                        )
                    fin = _INDEX_JOUR[self.prendre().texte.lower()]
                    nouveaux = {(debut + i) % 7: frozenset() for i in range((fin - debut) % 7 + 1)}
                    if self.est("symbole", "["):
                        raise HorairesInvalides(
                            f"La semaine du mois ne s'applique qu'à un jour seul (« {self.jusquici(jeton)}[ ») :"
                            " écrivez par exemple Mo[1],Tu[1]."
                        )
                elif self.est("symbole", "["):
                    nouveaux = {debut: self.semaines(jeton)}
                for jour, semaines in nouveaux.items():
                    deja = jours.get(jour)
                    jours[jour] = semaines if deja is None else (deja | semaines if deja and semaines else frozenset())
            if not self.est("symbole", ","):
                break
            self.prendre()
            if self.voir() is None:
                raise HorairesInvalides("Jour attendu après la virgule : utilisez Mo, Tu, We, Th, Fr, Sa, Su.")
        if self.est("symbole", ":"):  # « Mo-Fr: 09:00-12:00 » is tolerated
            self.prendre()
        return jours, feries

    def semaines(self, jour: _Jeton) -> frozenset[int]:
        self.prendre()  # [
        valeurs: set[int] = set()
        mal_ecrite = HorairesInvalides(
            f"Semaine du mois mal écrite après « {jour.texte} » : écrivez par exemple {jour.texte}[1],"
            f" {jour.texte}[1,3] ou {jour.texte}[-1] pour le dernier du mois."
        )

        def entier() -> int:
            if not self.est("nombre") or not self.voir().texte.isdigit():
                raise mal_ecrite
            texte = self.prendre().texte
            return int(texte) if len(texte) <= 2 else 99

        while True:
            depart = self.voir()
            if self.est("symbole", "-"):
                self.prendre()
                bornes = [-entier()]
            else:
                bornes = [entier()]
                if self.est("symbole", "-"):  # a range, positive only: Mo[1-3]
                    self.prendre()
                    dernier = entier()
                    bornes = list(range(bornes[0], dernier + 1)) if bornes[0] <= dernier else [0]
            if any(not 1 <= abs(valeur) <= 5 for valeur in bornes):
                raise HorairesInvalides(
                    f"Semaine du mois invalide « {self.jusquici(depart)} » : utilisez 1 à 5,"
                    " ou -1 à -5 en partant de la fin du mois (-1 : le dernier)."
                )
            valeurs.update(bornes)
            if self.est("symbole", ","):
                self.prendre()
                continue
            if self.est("symbole", "]"):
                self.prendre()
                return frozenset(valeurs)
            raise mal_ecrite

    def corps(self, selection: str) -> Etat:
        manquants = HorairesInvalides(
            f"Horaires manquants après « {selection} » : indiquez des plages comme 09:00-12:00, ou off pour fermé."
        )
        jeton = self.voir()
        plages: list[Plage] = []
        ferme = False
        if jeton is None:
            raise manquants
        if jeton.genre == "mot" and jeton.texte.lower() in {"off", "closed"}:
            self.prendre()
            ferme = True
        elif jeton.genre == "nombre":
            plages = self.plages()
        elif jeton.genre == "mot" and not _est_jour(jeton):
            raise _refuser_mot(jeton)
        elif jeton.genre != "commentaire":
            raise self.inattendu(jeton)
        commentaire = self.commentaire()
        if not (plages or ferme or commentaire):
            raise manquants
        return Etat(plages=tuple(plages), ferme=ferme, commentaire=commentaire)

    def plages(self) -> list[Plage]:
        plages = []
        while True:
            debut = self.prendre()
            if not self.est("symbole", "-"):
                if self.est("symbole", "+"):
                    raise HorairesInvalides(
                        f"Les horaires sans heure de fin (« {debut.texte}+ ») ne sont pas pris en charge."
                    )
                _minutes(debut)
                raise HorairesInvalides(
                    f"Plage horaire incomplète après « {debut.texte} » : écrivez par exemple 09:00-12:00."
                )
            self.prendre()
            if not self.est("nombre"):
                _minutes(debut)
                raise HorairesInvalides(
                    f"Plage horaire incomplète « {self.jusquici(debut)} » : écrivez par exemple 09:00-12:00."
                )
            fin = self.prendre()
            plages.append(Plage(_minutes(debut), _minutes(fin)))
            if not self.est("symbole", ","):
                return plages
            virgule = self.prendre()
            if not self.est("nombre"):
                raise self.inattendu(self.voir() or virgule)

    def commentaire(self) -> str:
        return self.prendre().texte[1:-1] if self.est("commentaire") else ""

    def terminer(self) -> None:
        if self.voir() is not None:
            raise self.inattendu(self.voir())

    def inattendu(self, jeton: _Jeton) -> HorairesInvalides:
        if jeton.texte == ",":
            return HorairesInvalides("Virgule en trop : elle doit être suivie d'une autre plage, comme 14:00-18:00.")
        if _est_jour(jeton):
            return HorairesInvalides(
                f"Élément inattendu « {jeton.texte} » : écrivez les jours avant les heures, séparés par des"
                " virgules (Mo,Tu), et séparez les règles par « ; » (par exemple Mo 09:00-12:00; Tu 14:00-18:00)."
            )
        if jeton.texte == "|":
            return HorairesInvalides(
                "Les règles de repli « || » ne sont pas prises en charge : séparez les règles par « ; »."
            )
        if jeton.texte == "+":
            return HorairesInvalides("Les horaires sans heure de fin (« + ») ne sont pas pris en charge.")
        if jeton.genre == "mot" and jeton.texte.lower() not in {"off", "closed"}:
            return _refuser_mot(jeton)
        return HorairesInvalides(f"Élément inattendu « {jeton.texte} ».")


def _decouper(texte: str) -> list[str]:
    """Split on `;` outside comments."""
    regles, debut, dans_commentaire = [], 0, False
    for position, caractere in enumerate(texte):
        if caractere == '"':
            dans_commentaire = not dans_commentaire
        elif caractere == ";" and not dans_commentaire:
            regles.append(texte[debut:position])
            debut = position + 1
    if dans_commentaire:
        raise HorairesInvalides('Commentaire non fermé : il manque un guillemet « " ».')
    regles.append(texte[debut:])
    return [regle.strip() for regle in regles if regle.strip()]


def parse_horaires(texte: str) -> Horaires:
    """Read an OSM `opening_hours` value; an empty text gives empty Horaires (not provided)."""
    regles = _decouper(texte or "")
    couches: list[list[Couche]] = [[] for _ in range(7)]
    feries: Etat | None = None
    for texte_regle in regles:
        try:
            regle = _Lecteur(texte_regle).regle()
        except HorairesInvalides as erreur:
            raise HorairesInvalides(erreur.message, regle=texte_regle if len(regles) > 1 else None) from None
        if regle is None:
            continue
        for jour, semaines in regle.jours.items():
            couches[jour].append(Couche(semaines, regle.etat))
        if regle.feries:
            feries = regle.etat
    return Horaires(jours=tuple(tuple(c) for c in couches), feries=feries)


def valider_horaires(texte: str | None) -> None:
    """Validator for model and form fields."""
    try:
        parse_horaires(texte or "")
    except HorairesInvalides as erreur:
        raise ValidationError(str(erreur), code="horaires") from None


def _en_horaires(horaires: str | Horaires | None) -> Horaires:
    return horaires if isinstance(horaires, Horaires) else parse_horaires(horaires or "")


# --- Writing -------------------------------------------------------------------------------------------


def _series(jours: list[int]) -> list[list[int]]:
    """Runs of consecutive days, Monday first; a run through Sunday→Monday of 3 days or more is joined."""
    series: list[list[int]] = []
    for jour in sorted(jours):
        if series and series[-1][-1] == jour - 1:
            series[-1].append(jour)
        else:
            series.append([jour])
    if len(series) > 1 and series[0][0] == 0 and series[-1][-1] == 6 and len(series[0]) + len(series[-1]) >= 3:
        series = [*series[1:-1], series[-1] + series[0]]
    return series


def _enumerer(morceaux: list[str]) -> str:
    return morceaux[0] if len(morceaux) == 1 else ", ".join(morceaux[:-1]) + " et " + morceaux[-1]


def _majuscule(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


def _semaines_triees(semaines: frozenset[int]) -> list[int]:
    return sorted(semaines, key=_ordre_semaine)


def _groupes(horaires: Horaires) -> list[tuple[Couche, list[int]]]:
    """The layers, rank by rank, each with the days that share it: the order of the rules to write."""
    groupes = []
    for rang in range(max((len(c) for c in horaires.jours), default=0)):
        par_couche: dict[Couche, list[int]] = {}
        for jour, couches in enumerate(horaires.jours):
            if rang < len(couches):
                par_couche.setdefault(couches[rang], []).append(jour)
        groupes.extend(sorted(par_couche.items(), key=lambda item: item[1][0]))
    return groupes


def _selecteur_osm(couche: Couche, jours: list[int]) -> str:
    if couche.semaines:
        semaines = ",".join(map(str, _semaines_triees(couche.semaines)))
        return ",".join(f"{JOURS_OSM[jour]}[{semaines}]" for jour in jours)
    if len(jours) == 7:
        return "Mo-Su"
    morceaux = []
    for serie in _series(jours):
        if len(serie) >= 3:
            morceaux.append(f"{JOURS_OSM[serie[0]]}-{JOURS_OSM[serie[-1]]}")
        else:
            morceaux.extend(JOURS_OSM[jour] for jour in serie)
    return ",".join(morceaux)


def normaliser_horaires(texte: str | Horaires) -> str:
    """The canonical OSM text (for export): parsing it gives back the same Horaires."""
    horaires = _en_horaires(texte)
    if horaires.ouvert_24_7:  # every day has this one layer and nothing else
        regles = [f"24/7 {horaires.jours[0][0].etat.en_osm()}".replace(" 00:00-24:00", "").strip()]
    else:
        regles = [f"{_selecteur_osm(couche, jours)} {couche.etat.en_osm()}" for couche, jours in _groupes(horaires)]
    if horaires.feries is not None:
        regles.append(f"PH {horaires.feries.en_osm()}")
    return "; ".join(regles)


def _libelle_jours(jours: list[int]) -> str:
    if len(jours) == 7:
        return "Tous les jours"
    morceaux = []
    for serie in _series(jours):
        if len(serie) >= 3:
            morceaux.append(f"{JOURS_FR[serie[0]]} au {JOURS_FR[serie[-1]]}")
        else:
            morceaux.extend(JOURS_FR[jour] for jour in serie)
    return _majuscule(_enumerer(morceaux))


def _libelle_semaines(semaines: frozenset[int], jours: list[int]) -> str:
    ordinaux = _enumerer([_ORDINAUX[s] for s in _semaines_triees(semaines)])
    noms = _JOURS_PLURIEL if len(semaines) > 1 else JOURS_FR
    return _majuscule(_enumerer([f"{ordinaux} {noms[jour]}" for jour in jours]) + " du mois")


def horaires_en_francais(horaires: str | Horaires, *, afficher_fermes: bool = True) -> list[str]:
    """Lines in plain French, e.g. « Lundi au vendredi : 9 h – 12 h, 14 h – 18 h 30 ».

    Days the text does not mention are left out; days it says closed are shown unless afficher_fermes=False.
    """
    horaires = _en_horaires(horaires)
    lignes = []
    groupes = _groupes(horaires)
    if horaires.ouvert_24_7:  # every day has this one layer and nothing else
        commentaire = horaires.jours[0][0].etat.commentaire
        lignes.append("Ouvert 24 h/24, 7 j/7" + (f" ({commentaire})" if commentaire else ""))
        groupes = []
    for couche, jours in groupes:
        if couche.etat.ferme and not afficher_fermes:
            continue
        libelle = _libelle_semaines(couche.semaines, jours) if couche.semaines else _libelle_jours(jours)
        lignes.append(f"{libelle} : {couche.etat.en_francais()}")
    if horaires.feries is not None:
        if horaires.feries.ferme:
            commentaire = horaires.feries.commentaire
            lignes.append("Fermé les jours fériés" + (f" ({commentaire})" if commentaire else ""))
        else:
            lignes.append(f"Jours fériés : {horaires.feries.en_francais()}")
    return lignes


def est_ouvert(horaires: str | Horaires, moment: datetime) -> bool:
    """Open at that moment (Europe/Paris local time; a naive datetime is taken as such)? Ignores holidays."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(PARIS)
    etat = _en_horaires(horaires).etat_le(moment.date())
    minute = moment.hour * 60 + moment.minute
    return etat is not None and any(p.debut <= minute < p.fin for p in etat.plages)


def lignes_horaires(texte: str, *, afficher_fermes: bool = True) -> tuple[list[str], bool]:
    """(lines in plain French, understood?) for an opening_hours text; a text that cannot be
    read is shown as typed."""
    texte = (texte or "").strip()
    if not texte:
        return [], True
    try:
        return horaires_en_francais(texte, afficher_fermes=afficher_fermes), True
    except HorairesInvalides:
        return [texte], False
