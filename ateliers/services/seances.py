"""Programming, changing and cancelling sessions (séances).

`donnees` carries the form's fields (date, heure, duree_minutes, capacite, itinerante, commune,
adresse, mediateurs, and for a series recurrence, nombre, jusqu_au); the services check them
again with the same French messages (`valider`). A series is created in one transaction with one
shared `serie` UUID and ONE journal entry naming every session.

Two situations are allowed only once confirmed, otherwise the services raise
`ConfirmationRequise` with what the person must see (`Avertissements`): a session that starts in
the past, and a mediator already busy at that time. A form confirms with the empreinte of the
warnings it showed (so a confirmation never covers warnings the person did not see); scripts may
pass `confirme=True`.
"""

import datetime
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from comptes.models import Membership, User
from journal.models import Action
from territoires.models import Commune

from .. import evenements, rules
from ..models import Atelier, Inscription, Seance
from ..selectors.agenda import Chevauchement, animateurs_possibles, chevauchements
from .ateliers import valider_capacite, valider_duree

SERIE_MAX = 52
ADRESSE_MAX = 255
MOTIF_MAX = 500
# A date further than this (either way) is most likely a typo in the year.
HORIZON_FUTUR = datetime.timedelta(days=2 * 366)
HORIZON_PASSE = datetime.timedelta(days=366)


class Recurrence(models.TextChoices):
    AUCUNE = "", "Une seule séance"
    HEBDOMADAIRE = "semaine", "Chaque semaine, le même jour"
    QUINZAINE = "deux_semaines", "Toutes les deux semaines, le même jour"
    JOURS_OUVRES = "jours_ouvres", "Chaque jour ouvré (du lundi au vendredi)"


class ConfirmationRequise(Exception):
    """The input is valid but needs an explicit confirmation (see Avertissements)."""

    def __init__(self, avertissements: "Avertissements"):
        super().__init__("Confirmation requise.")
        self.avertissements = avertissements


@dataclass
class Avertissements:
    passees: list[datetime.datetime] = field(default_factory=list)
    chevauchements: list[Chevauchement] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.passees or self.chevauchements)

    def empreinte(self) -> str:
        """What was shown to the person: a confirmation holds for these warnings only."""
        texte = "|".join(
            [d.isoformat() for d in self.passees]
            + [f"{c.debut.isoformat()}/{c.seance.pk}" for c in self.chevauchements]
        )
        return hashlib.sha256(texte.encode()).hexdigest()[:20]

    def confirmees_par(self, confirme: bool | str) -> bool:
        """`True` confirms anything (scripts, demo data); a form passes the warnings' empreinte."""
        return not self or confirme is True or (bool(confirme) and confirme == self.empreinte())


# --- Rules -------------------------------------------------------------------------------------


def dates_de_la_serie(*, premier: datetime.date, recurrence: str, nombre=None, jusqu_au=None) -> list[datetime.date]:
    """The dates of a series. Raises a ValidationError keyed by field on a bad choice."""
    if recurrence not in Recurrence.values:
        raise ValidationError({"recurrence": "Choisissez une répétition dans la liste."})
    if recurrence == Recurrence.AUCUNE:
        return [premier]
    if nombre in (None, "") and jusqu_au is None:
        raise ValidationError(
            {"nombre": f"Indiquez le nombre de séances de la série (de 1 à {SERIE_MAX}) ou la date de la dernière."}
        )
    if nombre not in (None, "") and jusqu_au is not None:
        raise ValidationError(
            {"jusqu_au": "Indiquez soit le nombre de séances, soit la date de la dernière, pas les deux."}
        )
    if recurrence == Recurrence.JOURS_OUVRES and premier.weekday() >= 5:
        raise ValidationError(
            {"date": "Une série « chaque jour ouvré » commence un jour de semaine (lundi à vendredi)."}
        )
    if jusqu_au is not None and jusqu_au < premier:
        raise ValidationError({"jusqu_au": "La date de la dernière séance est avant la première : corrigez-la."})
    if nombre not in (None, ""):
        try:
            nombre = int(nombre)
        except (TypeError, ValueError):
            nombre = 0
        if not 1 <= nombre <= SERIE_MAX:
            raise ValidationError({"nombre": f"Une série compte de 1 à {SERIE_MAX} séances."})
    dates, jour = [], premier
    pas = {Recurrence.HEBDOMADAIRE: 7, Recurrence.QUINZAINE: 14}.get(recurrence, 1)
    while (nombre and len(dates) < nombre) or (jusqu_au is not None and jour <= jusqu_au):
        if recurrence != Recurrence.JOURS_OUVRES or jour.weekday() < 5:
            dates.append(jour)
            if len(dates) > SERIE_MAX:
                raise ValidationError(
                    {
                        "jusqu_au": f"Jusqu’à cette date, la série compterait plus de {SERIE_MAX} séances : "
                        "choisissez une date plus proche ou indiquez un nombre de séances."
                    }
                )
        jour += datetime.timedelta(days=pas)
    return dates


def valider(
    donnees: Mapping, *, lieu_id: int, serie: bool, deja_animateurs: Sequence[int] = (), maintenant=None
) -> dict:
    """Clean a session's fields (and a series' when `serie`); raise one ValidationError naming
    each bad field. Returns duree_minutes, capacite, itinerante, commune, adresse,
    mediateur_ids, and `debuts` (aware datetimes, Europe/Paris)."""
    maintenant = maintenant or timezone.now()
    propres, erreurs = {}, {}

    def verifier(nom, regle):
        try:
            propres[nom] = regle(donnees.get(nom))
        except ValidationError as exc:
            erreurs.setdefault(nom, []).extend(exc.messages)

    verifier("duree_minutes", valider_duree)
    verifier("capacite", valider_capacite)
    jour, heure = donnees.get("date"), donnees.get("heure")
    if not isinstance(jour, datetime.date):
        erreurs["date"] = ["Indiquez la date de la séance, par exemple 14/04/2026."]
    if not isinstance(heure, datetime.time):
        erreurs["heure"] = ["Indiquez l’heure de début, par exemple 14:00."]
    if "date" not in erreurs and "heure" not in erreurs:
        debut = _debut(jour, heure)
        if debut > maintenant + HORIZON_FUTUR:
            erreurs["date"] = ["La séance serait dans plus de deux ans : vérifiez l’année."]
        elif debut < maintenant - HORIZON_PASSE:
            erreurs["date"] = ["La séance serait il y a plus d’un an : vérifiez l’année."]

    propres["itinerante"] = bool(donnees.get("itinerante"))
    adresse = " ".join(str(donnees.get("adresse") or "").split())
    commune = donnees.get("commune")
    if propres["itinerante"]:
        if not isinstance(commune, Commune):
            erreurs["commune"] = ["Une séance itinérante a lieu dans une autre commune : indiquez-la."]
        if len(adresse) > ADRESSE_MAX:
            erreurs["adresse"] = [f"L’adresse compte au plus {ADRESSE_MAX} caractères."]
        propres["commune"], propres["adresse"] = commune, adresse
    else:
        propres["commune"], propres["adresse"] = None, ""

    possibles = {u.pk for u in animateurs_possibles(lieu_id)} | {int(i) for i in deja_animateurs}
    choisis = []
    for valeur in donnees.get("mediateurs") or ():
        pk = str(valeur.pk if isinstance(valeur, User) else valeur)
        if not pk.isdigit() or int(pk) not in possibles:
            erreurs["mediateurs"] = ["Choisissez les médiateur·rices parmi les membres actifs du lieu."]
            break
        if int(pk) not in choisis:
            choisis.append(int(pk))
    if not choisis and "mediateurs" not in erreurs:
        erreurs["mediateurs"] = ["Choisissez au moins une personne qui anime la séance."]
    propres["mediateur_ids"] = choisis

    if serie and "date" not in erreurs:
        try:
            dates = dates_de_la_serie(
                premier=jour,
                recurrence=donnees.get("recurrence") or "",
                nombre=donnees.get("nombre"),
                jusqu_au=donnees.get("jusqu_au"),
            )
        except ValidationError as exc:
            for nom, messages in exc.message_dict.items():
                erreurs.setdefault(nom, []).extend(messages)
    else:
        dates = [jour]
    if erreurs:
        raise ValidationError(erreurs)
    propres["debuts"] = [_debut(d, heure) for d in dates]
    return propres


def _debut(jour: datetime.date, heure: datetime.time) -> datetime.datetime:
    """A wall-clock time in Europe/Paris (the current time zone), as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(jour, heure.replace(second=0, microsecond=0)))


def avertissements(propres: dict, *, exclure_pk=None, debut_change=True, maintenant=None) -> Avertissements:
    maintenant = maintenant or timezone.now()
    return Avertissements(
        passees=[d for d in propres["debuts"] if d < maintenant] if debut_change else [],
        chevauchements=chevauchements(
            debuts=propres["debuts"],
            duree_minutes=propres["duree_minutes"],
            mediateur_ids=propres["mediateur_ids"],
            exclure_pk=exclure_pk,
        ),
    )


# --- Writes ------------------------------------------------------------------------------------


def _verifier(par: Membership | None, lieu_id: int) -> None:
    if not rules.est_du_lieu(par, lieu_id):
        raise PermissionDenied("Seuls le ou la responsable et les médiateur·rices du lieu gèrent ses séances.")


@transaction.atomic
def programmer_seances(
    *, par: Membership, atelier: Atelier, donnees: Mapping, confirme: bool | str = False, request=None
) -> list[Seance]:
    """One session, or a whole series at once (one `serie` UUID, one journal entry)."""
    _verifier(par, atelier.lieu_id)
    atelier = Atelier.objects.select_for_update(of=("self",)).select_related("lieu__departement").get(pk=atelier.pk)
    if atelier.archive_le is not None:
        raise ValidationError(
            "Cet atelier est archivé : restaurez-le pour programmer de nouvelles séances.", code="archive"
        )
    propres = valider(donnees, lieu_id=atelier.lieu_id, serie=True)
    alertes = avertissements(propres)
    if not alertes.confirmees_par(confirme):
        raise ConfirmationRequise(alertes)
    serie = uuid.uuid4() if len(propres["debuts"]) > 1 else None
    seances = Seance.objects.bulk_create(
        [
            Seance(
                atelier=atelier,
                lieu=atelier.lieu,
                debut=debut,
                duree_minutes=propres["duree_minutes"],
                capacite=propres["capacite"],
                itinerante=propres["itinerante"],
                commune=propres["commune"],
                adresse=propres["adresse"],
                serie=serie,
                cree_par=par.user,
            )
            for debut in propres["debuts"]
        ]
    )
    Lien = Seance.mediateurs.through
    Lien.objects.bulk_create(
        [Lien(seance_id=s.pk, user_id=user_id) for s in seances for user_id in propres["mediateur_ids"]]
    )
    details = {"seances": [s.pk for s in seances], "serie": str(serie) if serie else None}
    if alertes.passees:
        details["passee_confirmee"] = True
    if alertes.chevauchements:
        details["chevauchements_confirmes"] = sorted({c.seance.pk for c in alertes.chevauchements})
    evenements.sur_seance(action=Action.SEANCES_CREEES, par=par, seance=seances[0], details=details, request=request)
    return seances


CHAMPS_MODIFIABLES = ("debut", "duree_minutes", "capacite", "itinerante", "commune", "adresse", "mediateurs")


@transaction.atomic
def modifier_seance(*, par: Membership, seance: Seance, donnees: Mapping, confirme: bool | str = False, request=None):
    """Change a maintained session; return the names of the fields changed."""
    _verifier(par, seance.lieu_id)
    seance = (
        Seance.objects.select_for_update(of=("self",))
        .select_related("atelier", "lieu__departement", "commune")
        .get(pk=seance.pk)
    )
    if seance.est_annulee:
        raise ValidationError("Cette séance est annulée : elle ne peut plus être modifiée.", code="annulee")
    avant = set(seance.mediateurs.values_list("pk", flat=True))
    propres = valider(donnees, lieu_id=seance.lieu_id, serie=False, deja_animateurs=avant)
    nouveau = {
        "debut": propres["debuts"][0],
        "duree_minutes": propres["duree_minutes"],
        "capacite": propres["capacite"],
        "itinerante": propres["itinerante"],
        "commune": propres["commune"],
        "adresse": propres["adresse"],
    }
    changes = [nom for nom, valeur in nouveau.items() if getattr(seance, nom) != valeur]
    if set(propres["mediateur_ids"]) != avant:
        changes.append("mediateurs")
    erreurs = {}
    if seance.est_verrouillee:
        for nom, champ in (("debut", "date"), ("duree_minutes", "duree_minutes")):
            if nom in changes:
                erreurs[champ] = [
                    "La feuille d’émargement signée est déposée : la date, l’heure et la durée de la séance ne "
                    "peuvent plus changer."
                ]
    inscrits = seance.inscriptions.filter(statut=Inscription.Statut.INSCRIT).count()
    if propres["capacite"] < inscrits:
        erreurs["capacite"] = [
            f"{inscrits} personnes sont inscrites : la capacité ne peut pas descendre en dessous. "
            "Désinscrivez d’abord des personnes, ou gardez la capacité."
        ]
    if erreurs:
        raise ValidationError(erreurs)
    if not changes:
        return []
    horaire_change = bool({"debut", "duree_minutes", "mediateurs"} & set(changes))
    alertes = avertissements(propres, exclure_pk=seance.pk, debut_change="debut" in changes)
    if not horaire_change:
        alertes.chevauchements = []
    if not alertes.confirmees_par(confirme):
        raise ConfirmationRequise(alertes)
    for nom, valeur in nouveau.items():
        setattr(seance, nom, valeur)
    champs = [nom for nom in changes if nom != "mediateurs"]
    if champs:
        seance.save(update_fields=champs)
    if "mediateurs" in changes:
        seance.mediateurs.set(propres["mediateur_ids"])
    details = {"champs": changes}
    if alertes.chevauchements:
        details["chevauchements_confirmes"] = sorted({c.seance.pk for c in alertes.chevauchements})
    evenements.sur_seance(action=Action.SEANCE_MODIFIEE, par=par, seance=seance, details=details, request=request)
    return changes


def motif_valide(motif) -> str:
    motif = " ".join(str(motif or "").split())
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de l’annulation, par exemple « médiateur·rice malade »."})
    if len(motif) > MOTIF_MAX:
        raise ValidationError({"motif": f"Le motif compte au plus {MOTIF_MAX} caractères."})
    return motif


def annulable(seance: Seance) -> str:
    """Why the session cannot be cancelled ("" when it can)."""
    if seance.est_annulee:
        return f"Cette séance est déjà annulée (le {timezone.localtime(seance.annulee_le):%d/%m/%Y})."
    if seance.est_verrouillee:
        return "La feuille d’émargement signée est déposée : la séance a eu lieu et ne peut pas être annulée."
    if seance.inscriptions.exclude(presence="").exists():
        return (
            "Des présences sont déjà pointées : la séance a eu lieu et ne peut pas être annulée. "
            "Corrigez l’émargement si besoin."
        )
    return ""


@transaction.atomic
def annuler_seance(
    *, par: Membership, seance: Seance, motif: str, toute_la_serie: bool = False, request=None
) -> tuple[list[Seance], list[Seance]]:
    """Cancel the session (and, when asked, the later sessions of its series). Returns the
    sessions cancelled and the later ones kept because they took place. One journal entry per
    session cancelled; registrations stay as they are (the session remains visible, « annulée »)."""
    _verifier(par, seance.lieu_id)
    motif = motif_valide(motif)
    seance = (
        Seance.objects.select_for_update(of=("self",)).select_related("atelier", "lieu__departement").get(pk=seance.pk)
    )
    raison = annulable(seance)
    if raison:
        raise ValidationError(raison, code="non_annulable")
    a_annuler, gardees = [seance], []
    if toute_la_serie and seance.serie is not None:
        suivantes = (
            Seance.objects.select_for_update(of=("self",))
            .select_related("atelier", "lieu__departement")
            .filter(serie=seance.serie, lieu_id=seance.lieu_id, debut__gt=seance.debut, annulee_le__isnull=True)
            .order_by("debut", "pk")
        )
        for autre in suivantes:
            (gardees if annulable(autre) else a_annuler).append(autre)
    maintenant = timezone.now()
    Seance.objects.filter(pk__in=[s.pk for s in a_annuler]).update(annulee_le=maintenant, motif_annulation=motif)
    for s in a_annuler:
        s.annulee_le, s.motif_annulation = maintenant, motif
        details = {"motif": motif}
        if s.pk != seance.pk:
            details["avec_la_serie_depuis"] = seance.pk
        evenements.sur_seance(action=Action.SEANCE_ANNULEE, par=par, seance=s, details=details, request=request)
    return a_annuler, gardees
