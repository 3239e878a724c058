"""The agenda of a place: one week (Monday to Sunday) as a list by day, readable on a phone;
every session of the place, or one mediator's (« mes séances » in one click)."""

import datetime

from django.shortcuts import render
from django.utils import timezone

from comptes.access import role_required
from comptes.models import Role

from ..selectors.agenda import animateurs_possibles, jours_de_la_semaine, lundi_de, seances_de_la_semaine

ANNEES = (2000, 2100)  # outside: a typo in the address bar


@role_required(Role.RESPONSABLE, Role.MEDIATEUR)
def agenda(request):
    lieu_id = request.membership.organisation_id
    aujourd_hui = timezone.localdate()
    jour, semaine_invalide = _jour(request.GET.get("semaine", ""), aujourd_hui)
    lundi = lundi_de(jour)
    animateurs = animateurs_possibles(lieu_id)
    mediateur = next((u for u in animateurs if str(u.pk) == request.GET.get("mediateur", "")), None)
    seances = seances_de_la_semaine(lieu_id=lieu_id, lundi=lundi, mediateur_id=mediateur.pk if mediateur else None)
    une_semaine = datetime.timedelta(days=7)
    return render(
        request,
        "ateliers/agenda/semaine.html",
        {
            "lundi": lundi,
            "dimanche": lundi + datetime.timedelta(days=6),
            "precedente": lundi - une_semaine,
            "suivante": lundi + une_semaine,
            "cette_semaine": lundi_de(aujourd_hui),
            "est_cette_semaine": lundi == lundi_de(aujourd_hui),
            "jours": jours_de_la_semaine(lundi, seances),
            "nb_seances": len(seances),
            "animateurs": animateurs,
            "mediateur": mediateur,
            "mes_seances": mediateur is not None and mediateur.pk == request.user.pk,
            "semaine_invalide": semaine_invalide,
        },
    )


def _jour(texte: str, par_defaut: datetime.date) -> tuple[datetime.date, bool]:
    """The day asked for (?semaine=YYYY-MM-DD, any day of the week), else today."""
    if not texte:
        return par_defaut, False
    try:
        jour = datetime.date.fromisoformat(texte.strip()[:10])
    except ValueError:
        return par_defaut, True
    if not ANNEES[0] <= jour.year <= ANNEES[1]:
        return par_defaut, True
    return jour, False
