"""Personal data rights and the coordinators' tools: the access log of a record, the right of
access (JSON and PDF exports), merging two records of one person, the right to erasure.

Thin views: reads through the selectors (out of scope is 404), writes through the services,
which check the rules again. A role that may not use a view at all gets 403.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees
from journal.models import Action
from territoires.text import normaliser_nom

from .. import exports, rules
from ..diagnostic import Besoin, NiveauAutonomie
from ..forms_rgpd import AnonymisationForm, FusionForm
from ..fse import CHAMPS_FSE
from ..models import Beneficiaire, Orientation, Public, Suivi
from ..selectors import ACTIONS_LECTURE, beneficiaires_visibles, get_beneficiaire_visible, journal_des_acces
from ..services import anonymisation, fusion
from ..services.fiches import journaliser_consultation

PAGE_JOURNAL = 50
PAGE_RECHERCHE = 20
ROLES_EXPORT = (Role.COORDINATEUR, Role.REFERENT, Role.AGENT)

# The views that journal a read (details["vue"]), as the access log names them.
VUES = {
    "fiche": "Page de la personne",
    "modifier": "Formulaire de correction",
    "export_json": "Export des données (JSON)",
    "export_pdf": "Export des données (PDF)",
    "doublon": "Fiche existante montrée comme doublon",
    "orientation": "Choix d’un lieu pour une orientation",
    "fiche_orientation": "Fiche d’orientation imprimée",
    "carnet_pdf": "Lettre de remise d’un carnet (PDF)",
    "fusionner": "Comparaison avant fusion",
}
FILTRES_JOURNAL = (("", "Toutes les entrées"), ("lectures", "Consultations"), ("ecritures", "Autres actions"))
MOTIFS = {
    anonymisation.MOTIF_CONSERVATION: "Règle de conservation (inactivité)",
    anonymisation.MOTIF_EFFACEMENT: "Demande d’effacement de la personne",
}


# --- Access log -------------------------------------------------------------------------------


@role_required(Role.COORDINATEUR)
@require_GET
def journal_acces(request, pk):
    """Who viewed or changed the record, and when: also the entries of the records merged into
    it. Shows the pseudonym only, so reading it is not itself journalled."""
    beneficiaire = get_beneficiaire_visible(request.membership, pk)
    if not rules.peut_lire_journal_acces(request.membership, beneficiaire):
        raise PermissionDenied("Seule la coordination du département lit le journal des accès.")
    filtre = request.GET.get("type", "")
    filtre = filtre if filtre in dict(FILTRES_JOURNAL) else ""
    entrees = journal_des_acces(beneficiaire)
    if filtre == "lectures":
        entrees = entrees.filter(action__in=ACTIONS_LECTURE)
    elif filtre == "ecritures":
        entrees = entrees.exclude(action__in=ACTIONS_LECTURE)
    page = Paginator(entrees, PAGE_JOURNAL).get_page(request.GET.get("page"))
    fusionnees = beneficiaire.fusionnes.order_by("fusionne_le", "pk").values_list("pseudonyme", flat=True)
    return render(
        request,
        "beneficiaires/rgpd/journal_acces.html",
        {
            "beneficiaire": beneficiaire,
            "fusionnees": list(fusionnees),
            "page": page,
            "lignes": [_ligne(evenement, beneficiaire) for evenement in page.object_list],
            "filtre": filtre,
            "filtres": FILTRES_JOURNAL,
        },
    )


def _libelle_champ(nom: str) -> str:
    try:
        return str(Beneficiaire._meta.get_field(nom).verbose_name)
    except FieldDoesNotExist:
        return nom


def _details(evenement) -> str:
    """The entry's details in plain French (they hold pseudonyms and field names, never values)."""
    d = evenement.details or {}
    match evenement.action:
        case Action.BENEFICIAIRE_CONSULTE:
            vue = d.get("vue", "")
            return f"Vue : {VUES.get(vue, vue or 'inconnue')}"
        case Action.BENEFICIAIRE_MODIFIE:
            return "Champs corrigés : " + ", ".join(_libelle_champ(c) for c in d.get("champs", []))
        case Action.BENEFICIAIRE_FUSIONNE:
            return (
                f"Fiche {d.get('absorbee', '?')} réunie dans la fiche {d.get('conservee', '?')} "
                f"({d.get('suivis', 0)} suivi(s) et {d.get('orientations', 0)} orientation(s) repris)"
            )
        case Action.BENEFICIAIRE_ANONYMISE:
            return MOTIFS.get(d.get("motif", ""), d.get("motif", ""))
        case Action.BENEFICIAIRE_RATTACHE:
            return f"Organisme : {d.get('organisme_nom', '?')}"
        case (
            Action.ORIENTATION_CREEE
            | Action.ORIENTATION_ACCEPTEE
            | Action.ORIENTATION_REFUSEE
            | Action.ORIENTATION_SIGNALEE
        ):
            return f"Lieu : {d.get('lieu_nom', '?')}"
    return ""


def _ligne(evenement, beneficiaire) -> dict:
    return {
        "evenement": evenement,
        "lecture": evenement.action in ACTIONS_LECTURE,
        "details": _details(evenement),
        # An entry of a record merged into this one names that record.
        "autre_fiche": evenement.target_repr if evenement.target_id != str(beneficiaire.pk) else "",
    }


# --- Right of access --------------------------------------------------------------------------


def _fiche_a_exporter(request, pk) -> Beneficiaire:
    beneficiaire = get_beneficiaire_visible(request.membership, pk)
    if not rules.peut_exporter(request.membership, beneficiaire):
        raise PermissionDenied("Cette fiche est anonymisée : elle ne contient plus de données personnelles à exporter.")
    return exports.charger(beneficiaire.pk)


def _telechargement(contenu: bytes, content_type: str, nom: str) -> HttpResponse:
    response = HttpResponse(contenu, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, nom)
    response["Cache-Control"] = "no-store, private"
    return response


@role_required(*ROLES_EXPORT)
@require_GET
def export_json(request, pk):
    beneficiaire = _fiche_a_exporter(request, pk)
    contenu = exports.en_json(exports.donnees_de(beneficiaire))
    journaliser_consultation(par=request.membership, beneficiaire=beneficiaire, vue="export_json", request=request)
    return _telechargement(contenu, "application/json; charset=utf-8", exports.nom_de_fichier(beneficiaire, "json"))


@role_required(*ROLES_EXPORT)
@require_GET
def export_pdf(request, pk):
    beneficiaire = _fiche_a_exporter(request, pk)
    contenu = exports.en_pdf(exports.donnees_de(beneficiaire), couleur=beneficiaire.departement.couleur)
    journaliser_consultation(par=request.membership, beneficiaire=beneficiaire, vue="export_pdf", request=request)
    return _telechargement(contenu, "application/pdf", exports.nom_de_fichier(beneficiaire, "pdf"))


# --- Merge --------------------------------------------------------------------------------------


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def fusionner(request, pk):
    """pk is the record to KEEP. Without `autre`: search for the other record; with it: the two
    records side by side and the confirmation; POST merges."""
    par = request.membership
    conservee = get_beneficiaire_visible(par, pk)
    if conservee.est_anonymise:
        messages.error(request, "Cette fiche est anonymisée : elle ne peut pas être fusionnée.")
        return redirect("beneficiaires:fiche", pk=conservee.pk)
    autre_pk = (request.POST if request.method == "POST" else request.GET).get("autre", "")
    if not autre_pk:
        return _recherche(request, conservee)
    autre = _fiche_du_departement(par, autre_pk)
    try:
        fusion.verifier_fusion(conservee=conservee, absorbee=autre)
    except ValidationError as exc:
        return _recherche(request, conservee, erreur=" ".join(exc.messages))
    form = FusionForm(donnees_postees(request), initial={"autre": autre.pk})
    if request.method == "POST" and form.is_valid():
        try:
            fusion.fusionner(par=par, conservee=conservee, absorbee=autre, request=request)
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"Les fiches sont fusionnées : la fiche {autre.pseudonyme} est réunie dans la fiche "
                f"{conservee.pseudonyme}. Son historique reste lisible dans le journal des accès.",
            )
            return redirect("beneficiaires:fiche", pk=conservee.pk)
    for fiche in (conservee, autre):
        journaliser_consultation(par=par, beneficiaire=fiche, vue="fusionner", request=request)
    return render(
        request,
        "beneficiaires/rgpd/fusionner_comparaison.html",
        {"conservee": conservee, "autre": autre, "form": form, "lignes": _comparaison(conservee, autre)},
    )


def _fiche_du_departement(par, pk) -> Beneficiaire:
    """Any record of the coordinator's département (merged and anonymised ones too, so that the
    merge can say why it is refused); 404 elsewhere."""
    if not str(pk).isdigit():
        raise Http404("Fiche introuvable.")
    found = (
        Beneficiaire.objects.filter(departement_id=par.organisation.departement_id, pk=pk)
        .select_related("commune")
        .first()
    )
    if found is None:
        raise Http404("Fiche introuvable.")
    return found


def _avec_organismes(qs):
    return qs.select_related("commune").prefetch_related(
        Prefetch("suivis", queryset=Suivi.objects.select_related("organisme").order_by("cree_le", "pk"))
    )


def _recherche(request, conservee: Beneficiaire, *, erreur: str = ""):
    """Live records of the département, by name (words in any order, accents ignored) or by
    reference. Without a search: the records with the same birth date or the same name."""
    q = request.GET.get("q", "").strip()
    candidates = beneficiaires_visibles(request.membership).filter(anonymise_le__isnull=True).exclude(pk=conservee.pk)
    mots = normaliser_nom(q).split()
    if q and q.upper().startswith("B-"):
        candidates = candidates.filter(pseudonyme=q.upper())
    elif mots:
        for mot in mots:
            candidates = candidates.filter(texte_recherche__contains=mot)
    else:
        nom = normaliser_nom(conservee.nom)
        condition = Q(date_naissance=conservee.date_naissance) if conservee.date_naissance else Q(pk__in=[])
        if nom:
            condition |= Q(texte_recherche__startswith=f"{nom} ")
        candidates = candidates.filter(condition)
    page = Paginator(_avec_organismes(candidates.order_by("texte_recherche", "pk")), PAGE_RECHERCHE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "beneficiaires/rgpd/fusionner_recherche.html",
        {"conservee": conservee, "q": q, "page": page, "erreur": erreur, "suggestions": not q},
    )


def _texte(valeur) -> str:
    if valeur in (None, "", []):
        return "—"
    if isinstance(valeur, list):
        return ", ".join(valeur)
    return str(valeur)


def _comparaison(conservee: Beneficiaire, autre: Beneficiaire) -> list[dict]:
    """Rows: label, value on each record, value after the merge (what `services.fusion` does)."""
    publics, besoins = dict(Public.choices), dict(Besoin.choices)
    organismes = {
        b.pk: [s.organisme.nom for s in b.suivis.select_related("organisme").order_by("cree_le", "pk")]
        for b in (conservee, autre)
    }
    ouvertes = {b.pk: b.orientations.filter(statut=Orientation.Statut.A_CONTACTER).count() for b in (conservee, autre)}
    orientations = {b.pk: b.orientations.count() for b in (conservee, autre)}

    def date(b, champ):
        valeur = getattr(b, champ)
        if isinstance(valeur, datetime.datetime):
            valeur = timezone.localtime(valeur)
        return valeur.strftime("%d/%m/%Y") if valeur else None

    notes_apres = conservee.notes
    if autre.notes and autre.notes not in conservee.notes:
        notes_apres = "\n\n".join(filter(None, [conservee.notes, autre.notes]))

    def autonomie(b):
        return NiveauAutonomie(b.niveau_autonomie).label if b.niveau_autonomie else None

    lignes = [
        ("Référence", conservee.pseudonyme, autre.pseudonyme, conservee.pseudonyme),
        ("Nom", conservee.nom, autre.nom, conservee.nom),
        ("Prénom", conservee.prenom, autre.prenom, conservee.prenom),
        (
            "Date de naissance",
            date(conservee, "date_naissance"),
            date(autre, "date_naissance"),
            date(conservee, "date_naissance"),
        ),
        ("Commune", conservee.commune.nom, autre.commune.nom, conservee.commune.nom),
        ("Téléphone", conservee.telephone, autre.telephone, conservee.telephone or autre.telephone),
        ("Adresse e-mail", conservee.email, autre.email, conservee.email or autre.email),
        (
            "Publics d’éligibilité",
            [publics.get(p, p) for p in conservee.publics],
            [publics.get(p, p) for p in autre.publics],
            [publics.get(p, p) for p in dict.fromkeys([*conservee.publics, *autre.publics])],
        ),
        (
            "Besoins",
            [besoins.get(b, b) for b in conservee.besoins],
            [besoins.get(b, b) for b in autre.besoins],
            [besoins.get(b, b) for b in dict.fromkeys([*conservee.besoins, *autre.besoins])],
        ),
        ("Niveau d’autonomie", autonomie(conservee), autonomie(autre), autonomie(conservee)),
        (
            "Organismes qui suivent",
            organismes[conservee.pk],
            organismes[autre.pk],
            list(dict.fromkeys([*organismes[conservee.pk], *organismes[autre.pk]])),
        ),
        (
            "Orientations",
            f"{orientations[conservee.pk]} (dont {ouvertes[conservee.pk]} en attente)",
            f"{orientations[autre.pk]} (dont {ouvertes[autre.pk]} en attente)",
            f"{orientations[conservee.pk] + orientations[autre.pk]}",
        ),
        ("Fiche créée le", date(conservee, "cree_le"), date(autre, "cree_le"), date(conservee, "cree_le")),
        ("Notes", conservee.notes, autre.notes, notes_apres),
    ]
    # Two records always differ by their reference and creation date: not worth flagging.
    return [
        {
            "libelle": libelle,
            "conservee": _texte(a),
            "autre": _texte(b),
            "apres": _texte(apres),
            "differe": a != b and libelle not in ("Référence", "Fiche créée le"),
        }
        for libelle, a, b, apres in lignes
    ]


# --- Right to erasure ---------------------------------------------------------------------------


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def anonymiser(request, pk):
    beneficiaire = get_beneficiaire_visible(request.membership, pk)
    if beneficiaire.est_anonymise:
        messages.info(request, f"La fiche {beneficiaire.pseudonyme} est déjà anonymisée.")
        return redirect("beneficiaires:fiche", pk=beneficiaire.pk)
    form = AnonymisationForm(donnees_postees(request))
    if request.method == "POST" and form.is_valid():
        try:
            anonymisation.anonymiser(
                par=request.membership,
                beneficiaire=beneficiaire,
                motif=anonymisation.MOTIF_EFFACEMENT,
                request=request,
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"La fiche {beneficiaire.pseudonyme} est anonymisée : son identité, ses coordonnées, ses notes et "
                "son diagnostic sont effacés.",
            )
            return redirect("beneficiaires:fiche", pk=beneficiaire.pk)
    return render(
        request,
        "beneficiaires/rgpd/anonymiser.html",
        {
            "beneficiaire": beneficiaire,
            "form": form,
            "fusionnees": list(beneficiaire.fusionnes.filter(anonymise_le=None).values_list("pseudonyme", flat=True)),
            "effaces": _libelles(Beneficiaire, [c for c in anonymisation.EFFACES[Beneficiaire] if c in CHAMPS_SAISIS]),
            "effaces_orientation": _libelles(Orientation, anonymisation.EFFACES[Orientation]),
            "conserves_fse": _libelles(Beneficiaire, CHAMPS_FSE),
        },
    )


# The erased fields a person would recognise (the others are derived from them).
CHAMPS_SAISIS = ("nom", "prenom", "date_naissance", "telephone", "email", "notes", "besoins", "niveau_autonomie")


def _libelles(modele, champs) -> list[str]:
    return [str(modele._meta.get_field(c).verbose_name) for c in champs]
