"""Forms of the orientation pages. The rules and their French messages live in the services
and in beneficiaires.validation: the forms only read the input and show those messages."""

from django import forms
from django.core.exceptions import ValidationError

from structures.models import Lieu

from . import validation
from .diagnostic import Besoin
from .services.orientations import LONGUEUR_MOTIF

AVERTISSEMENT_SANTE = "N’écrivez aucune information de santé ni de détail sur la situation personnelle."


class ChoixBesoins(forms.MultipleChoiceField):
    """Checkboxes of the needs diagnostic; an unknown value gets validation's French message."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Besoins de la personne")
        super().__init__(choices=Besoin.choices, **kwargs)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        return validation.valider_liste(value, choix=Besoin, libelle="Besoin·s")


class BesoinsForm(forms.Form):
    """GET: the needs that select the places shown."""

    besoins = ChoixBesoins()


class OrientationForm(forms.Form):
    """POST: the chosen place, the needs (as shown when the place was chosen) and a message."""

    besoins = ChoixBesoins(
        required=True,
        error_messages={"required": "Cochez au moins un besoin, puis mettez à jour la liste des lieux."},
    )
    lieu = forms.ModelChoiceField(
        queryset=Lieu.objects.all(),
        label="Lieu choisi",
        error_messages={
            "required": "Choisissez le lieu vers lequel orienter la personne.",
            "invalid_choice": "Ce lieu est introuvable : choisissez un lieu dans la liste.",
        },
    )
    message = forms.CharField(
        label="Message au lieu",
        required=False,
        max_length=LONGUEUR_MOTIF,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"Par exemple : « préfère être appelée le matin ». {AVERTISSEMENT_SANTE} "
            f"{LONGUEUR_MOTIF} caractères au plus."
        ),
        error_messages={"max_length": f"Le message ne doit pas dépasser {LONGUEUR_MOTIF} caractères."},
    )


class RefusForm(forms.Form):
    motif = forms.CharField(
        label="Motif du refus",
        max_length=LONGUEUR_MOTIF,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Le prescripteur lira ce motif (par exemple : « plus de place avant septembre, "
            f"orientez vers la médiathèque »). {AVERTISSEMENT_SANTE}"
        ),
        error_messages={
            "required": "Indiquez le motif du refus : le prescripteur le lira.",
            "max_length": f"Le motif ne doit pas dépasser {LONGUEUR_MOTIF} caractères.",
        },
    )
