"""Activity figures of a place or of one of its mediators (page and CSV), and a person's parcours.

- `activite` (?du=AAAA-MM&au=AAAA-MM&mediateur=<user id>&lieu=<id>): the place's members see
  their place (a médiateur may see all of it and any member's figures); the département's
  coordinators and lecteurs name a place of their département with ?lieu= (none, or another
  département's: 404). Prescribers: 403.
- `activite_csv`: the same figures as a spreadsheet (French flavour), bad parameters → 400.
- `parcours`: a person's sessions, as beneficiaires.selectors.get_beneficiaire_visible allows
  (404 otherwise); a place sees its own sessions only. Every read is journalled.
"""

import csv
import io

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from beneficiaires import rules as regles_beneficiaires
from beneficiaires.selectors import get_beneficiaire_visible
from beneficiaires.services.fiches import journaliser_consultation
from comptes.access import membership_required, role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service
from structures.serialisation import cellule_sure

from ..selectors import activite as lectures
from ..selectors.parcours import parcours_de
from ..themes import Theme

ROLES_ACTIVITE = (Role.COORDINATEUR, Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR)
TAILLE_PAGE = 25


class ChampMois(forms.TextInput):
    input_type = "month"


class ActiviteForm(forms.Form):
    """The period and the mediator (GET). Garbage gets a French message, never a 500."""

    du = forms.CharField(
        label="Du mois",
        required=False,
        max_length=7,
        widget=ChampMois,
        help_text="Format AAAA-MM, par exemple 2025-01.",
    )
    au = forms.CharField(
        label="Au mois", required=False, max_length=7, widget=ChampMois, help_text="Format AAAA-MM, au plus 36 mois."
    )
    mediateur = forms.ChoiceField(
        label="Médiateur·rice",
        required=False,
        error_messages={"invalid_choice": "Choisissez un·e membre du lieu dans la liste."},
    )

    def __init__(self, data, *, membres, **kwargs):
        super().__init__(data, **kwargs)
        self.membres = {str(m.user_id): m for m in membres}
        self.fields["mediateur"].choices = [("", "Toute l’équipe du lieu")] + [
            (cle, str(m.user) + ("" if m.is_active else " (ancien·ne membre)")) for cle, m in self.membres.items()
        ]

    def clean(self):
        donnees = super().clean()
        if "du" in donnees and "au" in donnees:
            try:
                donnees["periode"] = lectures.periode_depuis(donnees["du"], donnees["au"])
            except ValidationError as exc:
                ajouter_erreurs_du_service(self, exc)
        return donnees

    def mediateur_choisi(self):
        membre = self.membres.get(self.cleaned_data.get("mediateur") or "")
        return membre.user if membre else None


def _lire(request):
    """(lieu, form, figures or None) for the page and the CSV."""
    par = request.membership
    lieu = lectures.get_lieu_de_l_activite(par, request.GET.get("lieu"))
    donnees = request.GET.copy()
    if not donnees.get("du") and not donnees.get("au"):
        # The default period, shown in the fields.
        for cle, valeur in lectures.periode_depuis().parametres.items():
            donnees[cle] = valeur
    form = ActiviteForm(donnees, membres=list(lectures.membres_du_lieu(lieu)))
    figures = None
    if form.is_valid():
        figures = lectures.activite(lieu=lieu, periode=form.cleaned_data["periode"], mediateur=form.mediateur_choisi())
    return lieu, form, figures


@role_required(*ROLES_ACTIVITE)
def activite(request):
    par = request.membership
    lieu, form, figures = _lire(request)
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "ateliers/activite/activite.html",
        {
            "lieu": lieu,
            "form": form,
            "figures": figures,
            "de_la_coordination": par.role in (Role.COORDINATEUR, Role.LECTEUR),
            "mes_chiffres": par.user_id if par.role in (Role.RESPONSABLE, Role.MEDIATEUR) else None,
            "parametres_csv": parametres.urlencode(),
        },
    )


def _heures(minutes: int) -> str:
    return f"{minutes / 60:.2f}".replace(".", ",")


def csv_de_l_activite(figures: lectures.Activite) -> str:
    """French spreadsheet flavour: UTF-8 with BOM, `;`, decimal comma for the hours, one row per
    month and a total row (distinct participants over the period); formula injection
    neutralised (structures.serialisation.cellule_sure)."""
    themes = [t for t in Theme if figures.total.themes.get(t.value)]
    mediateur = str(figures.mediateur) if figures.mediateur else "Toute l’équipe"
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(
        [
            "Lieu",
            "Médiateur·rice",
            "Mois",
            "Séances tenues",
            "Heures délivrées",
            "Participant·es (personnes distinctes)",
            "Venu·es sans inscription",
            "Présences",
            "Chèques pris à l’émargement",
            "Chèques encaissés par le lieu",
            *(f"Thème : {t.label}" for t in themes),
        ]
    )
    for chiffres in [*figures.mois, figures.total]:
        ecrivain.writerow(
            [
                cellule_sure(figures.lieu.nom),
                cellule_sure(mediateur),
                f"{chiffres.mois:%m/%Y}" if chiffres.mois else "Total",
                chiffres.seances,
                _heures(chiffres.minutes),
                chiffres.participants,
                chiffres.anonymes,
                chiffres.presences,
                chiffres.cheques_emargement,
                chiffres.cheques_lieu,
                *(chiffres.themes.get(t.value, 0) for t in themes),
            ]
        )
    return "\ufeff" + tampon.getvalue()


@role_required(*ROLES_ACTIVITE)
def activite_csv(request):
    lieu, form, figures = _lire(request)
    if figures is None:
        erreurs = [e for liste in form.errors.values() for e in liste]
        return HttpResponse(
            "Export impossible : " + " ".join(erreurs), status=400, content_type="text/plain; charset=utf-8"
        )
    periode = figures.periode
    nom = f"activite-{slugify(lieu.nom)[:40] or lieu.pk}-{periode.debut:%Y-%m}-{periode.fin:%Y-%m}.csv"
    response = HttpResponse(csv_de_l_activite(figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    response["Cache-Control"] = "no-store, private"
    return response


@membership_required
def parcours(request, pk):
    par = request.membership
    beneficiaire = get_beneficiaire_visible(par, pk)
    journaliser_consultation(par=par, beneficiaire=beneficiaire, vue="parcours", request=request)
    resultat = parcours_de(beneficiaire, par)
    page = Paginator(resultat.seances, TAILLE_PAGE).get_page(request.GET.get("page"))
    nombre = page.paginator.count
    legende = f"{nombre} inscription{'s' if nombre > 1 else ''}, les plus récentes d’abord"
    if page.paginator.num_pages > 1:
        legende += f" — page {page.number} sur {page.paginator.num_pages}"
    return render(
        request,
        "ateliers/parcours/parcours.html",
        {
            "beneficiaire": beneficiaire,
            "nom": (
                f"la personne anonymisée {beneficiaire.pseudonyme}"
                if beneficiaire.est_anonymise
                else f"{beneficiaire.prenom} {beneficiaire.nom.upper()}"
            ),
            "parcours": resultat,
            "page": page,
            "legende": legende,
            "du_lieu": regles_beneficiaires.est_d_un_lieu(par),
        },
    )
