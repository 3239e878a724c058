"""The roll-call of a session, one screen made for a phone: a form per registered person with
three buttons (présent·e, absent·e, excusé·e) posting to `pointer`, and for a present person a
cheque code field posting to `encaisser`. Everything works without JavaScript
(static/js/scanner-qr.js only focuses the result and adds the QR code scanner).

A mark redirects back to the person (#personne-N). A cheque renders the page directly, the
result next to the person: the form carries a random key made when it was displayed, so sending
it again (reload, double tap) replays the first answer (the Pass numérique's idempotency)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptes.access import role_required
from comptes.models import Role
from pass_numerique.forms_encaissement import nouvelle_cle
from pass_numerique.services.encaissement import Statut as StatutPass

from ..forms_inscriptions import AnonymesForm, PointageForm
from ..models import Inscription
from ..selectors.emargement import feuille_d_appel, get_inscription_de_la_seance
from ..selectors.portee import get_seance_du_lieu
from ..services import emargement as service
from ..services.inscriptions import seance_commencee

ROLES_LIEU = (Role.RESPONSABLE, Role.MEDIATEUR)
P = Inscription.Presence
MARQUES = [(P(v).value, P(v).label) for v in service.MARQUES]
# After these refusals the typed code stays in the field, to be corrected.
GARDER_LE_CODE = {str(StatutPass.FAUTE_DE_FRAPPE), str(StatutPass.INCONNU), "motif", "pas_present"}


def _page(request, seance, *, pour=None, erreurs=(), resultat=None, code=""):
    """The roll-call page. `pour`: the registration the POST was about, whose `erreurs` (a mark
    refused) or `resultat` (a cheque) are shown next to the person."""
    feuille = feuille_d_appel(seance)
    jour_venu = seance_commencee(seance)
    affichee = False
    for inscription in feuille.inscrits:
        concernee = inscription.pk == pour
        affichee = affichee or concernee
        inscription.erreurs = list(erreurs) if concernee else []
        inscription.resultat = resultat if concernee else None
        inscription.code = code if concernee else ""
        inscription.cle = nouvelle_cle()
        inscription.peut_encaisser = (
            seance.atelier.accepte_pass
            and inscription.presence == P.PRESENT
            and len(inscription.cheques_pris) < seance.atelier.cheques_par_seance
        )
    return render(
        request,
        "ateliers/emargement/emargement.html",
        {
            "seance": seance,
            "feuille": feuille,
            "marques": MARQUES,
            "jour_venu": jour_venu,
            "peut_pointer": jour_venu and not seance.est_annulee,
            "verrouillee": seance.est_verrouillee,
            "erreurs_hors_liste": [] if affichee else list(erreurs) + ([resultat.message] if resultat else []),
            "anonymes": AnonymesForm(initial={"nombre": seance.participants_anonymes}),
        },
    )


@never_cache
@role_required(*ROLES_LIEU)
def emargement(request, pk):
    seance = get_seance_du_lieu(request.membership, pk)
    return _page(request, seance)


@role_required(*ROLES_LIEU)
@require_POST
def pointer(request, pk, ipk):
    par = request.membership
    seance = get_seance_du_lieu(par, pk)
    inscription = get_inscription_de_la_seance(seance, ipk)
    form = PointageForm(request.POST)
    if not form.is_valid():
        erreurs = [e for liste in form.errors.values() for e in liste]
        return _page(request, seance, pour=inscription.pk, erreurs=erreurs)
    presence = form.cleaned_data["presence"]
    try:
        change = service.pointer(
            par=par, inscription=inscription, presence=presence, motif=form.cleaned_data["motif"], request=request
        )
    except ValidationError as exc:
        return _page(request, seance, pour=inscription.pk, erreurs=exc.messages)
    libelle = P(presence).label.lower()
    if change:
        messages.success(request, f"{inscription.beneficiaire} : {libelle}.")
    else:
        messages.info(request, f"{inscription.beneficiaire} était déjà pointé·e {libelle}.")
    return redirect(reverse("ateliers:emargement", args=[seance.pk]) + f"#personne-{inscription.pk}")


@never_cache
@role_required(*ROLES_LIEU)
@require_POST
def encaisser(request, pk, ipk):
    par = request.membership
    seance = get_seance_du_lieu(par, pk)
    inscription = get_inscription_de_la_seance(seance, ipk)
    code = request.POST.get("code", "")[:300]
    try:
        resultat = service.encaisser_cheque(
            par=par,
            inscription=inscription,
            code_saisi=code,
            cle_idempotence=request.POST.get("cle", ""),
            motif=request.POST.get("motif", ""),
            request=request,
        )
    except ValidationError as exc:
        return _page(request, seance, pour=inscription.pk, erreurs=exc.messages)
    garder = not resultat.ok and resultat.statut in GARDER_LE_CODE
    return _page(request, seance, pour=inscription.pk, resultat=resultat, code=code if garder else "")
