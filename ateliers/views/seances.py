"""Sessions: programme (one or a series), show, change, cancel. The session page is also read by
the département's coordinators (read-only); every write is for the place's members.

The warnings (a session in the past, a mediator already busy) come back as the same form with
the warnings above it and a box to tick: re-posted ticked, the session is saved."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees

from .. import rules
from ..forms_seances import AnnulationForm, ModificationSeanceForm, ProgrammationForm
from ..models import Inscription, Seance
from ..selectors import agenda as lectures
from ..selectors.portee import get_atelier_du_lieu, get_seance_du_lieu, get_seance_visible
from ..services import seances as service

ROLES = (Role.RESPONSABLE, Role.MEDIATEUR)
LIBELLES = {
    "debut": "date et heure",
    "duree_minutes": "durée",
    "capacite": "capacité",
    "itinerante": "itinérance",
    "commune": "commune",
    "adresse": "adresse",
    "mediateurs": "médiateur·rices",
}


@role_required(*ROLES)
@require_http_methods(["GET", "POST"])
def programmer(request, pk):
    atelier = get_atelier_du_lieu(request.membership, pk)
    if not atelier.est_actif:
        messages.error(request, "Cet atelier est archivé : restaurez-le pour programmer de nouvelles séances.")
        return redirect("ateliers:detail", pk=atelier.pk)
    animateurs = lectures.animateurs_possibles(atelier.lieu_id)
    form = ProgrammationForm.pour_atelier(
        donnees_postees(request), atelier=atelier, animateurs=animateurs, par_defaut=request.user
    )
    fait, seances, avertissements = _enregistrer(
        request,
        form,
        lambda donnees, confirme: service.programmer_seances(
            par=request.membership, atelier=atelier, donnees=donnees, confirme=confirme, request=request
        ),
    )
    if fait and len(seances) == 1:
        messages.success(request, f"La séance du {_quand(seances[0])} est programmée.")
        return redirect("ateliers:seance", pk=seances[0].pk)
    if fait:
        messages.success(
            request, f"{len(seances)} séances programmées, du {_quand(seances[0])} au {_quand(seances[-1])}."
        )
        return redirect("ateliers:detail", pk=atelier.pk)
    return render(
        request,
        "ateliers/seances/formulaire.html",
        {"form": form, "atelier": atelier, "seance": None, "avertissements": avertissements},
    )


@role_required(Role.COORDINATEUR, *ROLES)
def detail(request, pk):
    seance = get_seance_visible(request.membership, pk)
    inscriptions = lectures.inscriptions_de(seance)
    inscrits = sum(1 for i in inscriptions if i.statut == Inscription.Statut.INSCRIT)
    # The waiting list, a part of `inscriptions` (no query): `attente|length` is its count.
    attente = [i for i in inscriptions if i.statut == Inscription.Statut.ATTENTE]
    serie = []
    if seance.serie is not None:
        serie = list(Seance.objects.filter(serie=seance.serie).order_by("debut", "pk").values_list("pk", flat=True))
    return render(
        request,
        "ateliers/seances/detail.html",
        {
            "seance": seance,
            "atelier": seance.atelier,
            "dispositif": seance.atelier.dispositif,
            "peut_gerer": rules.peut_gerer_seance(request.membership, seance),
            "statut": lectures.statut_de(seance),
            "mediateurs": list(seance.mediateurs.order_by("last_name", "first_name")),
            "inscriptions": inscriptions,
            "inscrits": inscrits,
            "attente": attente,
            "places_libres": max(seance.capacite - inscrits, 0),
            "feuille": lectures.feuille_courante(seance),
            "cheques_par_inscription": lectures.cheques_par_inscription(seance),
            "rang_dans_serie": serie.index(seance.pk) + 1 if serie else 0,
            "taille_serie": len(serie),
        },
    )


@role_required(*ROLES)
@require_http_methods(["GET", "POST"])
def modifier(request, pk):
    seance = get_seance_du_lieu(request.membership, pk)
    if seance.est_annulee:
        messages.error(request, "Cette séance est annulée : elle ne peut plus être modifiée.")
        return redirect("ateliers:seance", pk=seance.pk)
    form = ModificationSeanceForm.pour_seance(
        donnees_postees(request), seance=seance, animateurs=lectures.animateurs_possibles(seance.lieu_id)
    )
    fait, changes, avertissements = _enregistrer(
        request,
        form,
        lambda donnees, confirme: service.modifier_seance(
            par=request.membership, seance=seance, donnees=donnees, confirme=confirme, request=request
        ),
    )
    if fait:
        if changes:
            libelles = ", ".join(LIBELLES.get(c, c) for c in changes)
            messages.success(request, f"Modifications enregistrées ({libelles}).")
        else:
            messages.info(request, "Aucune modification : la séance est inchangée.")
        return redirect("ateliers:seance", pk=seance.pk)
    return render(
        request,
        "ateliers/seances/formulaire.html",
        {"form": form, "atelier": seance.atelier, "seance": seance, "avertissements": avertissements},
    )


@role_required(*ROLES)
@require_http_methods(["GET", "POST"])
def annuler(request, pk):
    seance = get_seance_du_lieu(request.membership, pk)
    raison = service.annulable(seance)
    if raison:
        messages.error(request, raison)
        return redirect("ateliers:seance", pk=seance.pk)
    form = AnnulationForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            annulees, gardees = service.annuler_seance(
                par=request.membership,
                seance=seance,
                motif=form.cleaned_data["motif"],
                toute_la_serie=form.cleaned_data["toute_la_serie"],
                request=request,
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            if len(annulees) == 1:
                messages.success(request, f"La séance du {_quand(seance)} est annulée.")
            else:
                messages.success(request, f"{len(annulees)} séances de la série sont annulées.")
            if gardees:
                messages.warning(
                    request,
                    f"{len(gardees)} séance{'s' if len(gardees) > 1 else ''} de la série "
                    f"{'ont' if len(gardees) > 1 else 'a'} eu lieu (présences pointées) et "
                    f"{'restent' if len(gardees) > 1 else 'reste'} maintenue{'s' if len(gardees) > 1 else ''}.",
                )
            return redirect("ateliers:seance", pk=seance.pk)
    suivantes = 0
    if seance.serie is not None:
        suivantes = Seance.objects.maintenues().filter(serie=seance.serie, debut__gt=seance.debut).count()
    a_prevenir = lectures.inscriptions_de(seance)
    return render(
        request,
        "ateliers/seances/annuler.html",
        {"seance": seance, "form": form, "a_prevenir": a_prevenir, "suivantes": suivantes},
    )


def _enregistrer(request, form, ecrire):
    """On a valid POST, call `ecrire(donnees, confirme)`. Returns (done, its result, the warnings
    to confirm or None); a service's refusal goes onto the form."""
    if request.method != "POST" or not form.is_valid():
        return False, None, None
    try:
        return True, ecrire(form.donnees(), form.confirmation()), None
    except service.ConfirmationRequise as exc:
        return False, None, exc.avertissements
    except ValidationError as exc:
        ajouter_erreurs_du_service(form, exc)
        return False, None, None


def _quand(seance: Seance) -> str:
    return f"{timezone.localtime(seance.debut):%d/%m/%Y à %H\u00a0h\u00a0%M}"
