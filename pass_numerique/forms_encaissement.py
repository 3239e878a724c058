"""Forms of the redemption page, of API tokens and of opposition. They only shape input: the
rules (and their French messages) live in the services."""

import secrets

from django import forms

from .services.encaissement import MOTIF_MAX
from .services.jetons import NOM_MAX


def nouvelle_cle() -> str:
    """The random key a displayed redemption form carries (its idempotency key)."""
    return secrets.token_urlsafe(24)


class EncaissementForm(forms.Form):
    # Not validated here: the service checks the code (check character, no database query) and
    # its refusal is shown as the page's large result.
    code = forms.CharField(label="Code du chèque", max_length=300, required=False)
    cle = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class MotifForm(forms.Form):
    motif = forms.CharField(
        label="Motif",
        max_length=MOTIF_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Indiquez le motif.",
            "max_length": f"Le motif compte au plus {MOTIF_MAX} caractères.",
        },
    )


class JetonForm(forms.Form):
    nom = forms.CharField(
        label="Nom du jeton",
        max_length=NOM_MAX,
        help_text="Pour le reconnaître plus tard : le logiciel ou le poste qui l’utilisera.",
        error_messages={
            "required": "Donnez un nom au jeton (par exemple le logiciel qui l’utilisera).",
            "max_length": f"Le nom compte au plus {NOM_MAX} caractères.",
        },
    )


class RechercheCarnetForm(forms.Form):
    q = forms.CharField(
        label="Numéro du carnet, ou code ou numéro de série d’un de ses chèques",
        max_length=100,
        required=False,
        help_text="Par exemple 1042 (numéro de carnet ou de série) ou K7M3Q-XR9P4 (code d’un chèque).",
    )


class OppositionForm(forms.Form):
    TOUS, CHOISIS = "tous", "choisis"
    portee = forms.ChoiceField(
        label="Chèques à annuler",
        choices=[(TOUS, "Tous les chèques encore utilisables du carnet"), (CHOISIS, "Seulement les chèques cochés")],
        widget=forms.RadioSelect,
        initial=TOUS,
        error_messages={"required": "Choisissez les chèques à annuler."},
    )
    cheques = forms.MultipleChoiceField(label="Chèques du carnet", required=False, widget=forms.CheckboxSelectMultiple)
    motif = forms.CharField(
        label="Motif de l’opposition",
        max_length=MOTIF_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : carnet perdu, chèques volés. "
        "Pas de détail sur la santé ou la vie privée de la personne.",
        error_messages={
            "required": "Indiquez le motif de l’opposition (chèques perdus, volés…).",
            "max_length": f"Le motif compte au plus {MOTIF_MAX} caractères.",
        },
    )
    confirmer = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, annulables=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cheques"].choices = [(str(c.pk), f"n° {c.numero_serie}") for c in annulables]

    def clean(self):
        donnees = super().clean()
        if donnees.get("portee") == self.CHOISIS and not donnees.get("cheques"):
            self.add_error("cheques", "Cochez au moins un chèque, ou choisissez « tous les chèques ».")
        return donnees
