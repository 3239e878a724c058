"""Forms of the organismes prescripteurs' pages. Each field uses the rules of `validation.py`,
so the form and the services give the same French messages."""

from django import forms
from django.core.exceptions import ValidationError

from structures.standard import telephone_lisible
from territoires.forms import CommuneField

from . import validation
from .models import OrganismePrescripteur, TypeOrganisme
from .services import LONGUEUR_MOTIF


class OrganismeForm(forms.Form):
    nom = forms.CharField(
        label="Nom de l’organisme",
        max_length=validation.LONGUEUR_NOM,
        help_text="Tel qu’on le connaît dans le département, par exemple « CCAS de Guéret ».",
        error_messages={"required": "Indiquez le nom de l’organisme, par exemple « CCAS de Guéret »."},
    )
    type_organisme = forms.ChoiceField(
        label="Type d’organisme",
        choices=[("", "Choisissez un type"), *TypeOrganisme.choices],
        error_messages={
            "required": "Choisissez le type d’organisme.",
            "invalid_choice": "Type d’organisme inconnu : « %(value)s ». Choisissez dans la liste.",
        },
    )
    siret = forms.CharField(
        label="SIRET",
        required=False,
        max_length=20,
        help_text="14 chiffres, les espaces sont acceptés. Laissez vide si vous ne le connaissez pas.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    adresse = forms.CharField(
        label="Adresse",
        required=False,
        max_length=validation.LONGUEUR_ADRESSE,
        help_text="Numéro et voie, par exemple 12 rue de la Poste.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    code_postal = forms.CharField(
        label="Code postal",
        required=False,
        max_length=10,
        help_text="5 chiffres. Laissé vide, c’est celui de la commune quand elle n’en a qu’un.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    commune = CommuneField(
        label="Commune",
        help_text="Tapez le nom ou le code postal, puis choisissez la commune dans la liste.",
    )
    telephone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=30,
        help_text="Par exemple 05 55 12 34 56.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    courriel = forms.CharField(
        label="Adresse e-mail de contact",
        required=False,
        max_length=254,
        help_text="Une adresse de l’organisme plutôt que celle d’une personne, par exemple accueil@exemple.fr.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    GROUPES = (
        ("identite", "Identité", ("nom", "type_organisme", "siret")),
        ("adresse", "Adresse", ("adresse", "code_postal", "commune")),
        ("contact", "Contact", ("telephone", "courriel")),
    )

    def __init__(self, data=None, *, organisme: OrganismePrescripteur | None = None, **kwargs):
        self.organisme = organisme
        if organisme is not None:
            initial = {champ: getattr(organisme, champ) for champ in validation.CHAMPS}
            initial["telephone"] = telephone_lisible(organisme.telephone)
            kwargs.setdefault("initial", initial)
        super().__init__(data, **kwargs)

    def groupes(self) -> list[dict]:
        return [
            {"cle": cle, "titre": titre, "champs": [self[nom] for nom in noms]} for cle, titre, noms in self.GROUPES
        ]

    def donnees(self) -> dict:
        """What the services take: every field of validation.CHAMPS, cleaned."""
        return {champ: self.cleaned_data[champ] for champ in validation.CHAMPS}

    # --- Field cleaning: the rules of validation.py -------------------------------------

    def clean_nom(self):
        return validation.valider_nom(self.cleaned_data["nom"])

    def clean_siret(self):
        return validation.valider_siret_facultatif(self.cleaned_data["siret"])

    def clean_adresse(self):
        return validation.valider_adresse(self.cleaned_data["adresse"])

    def clean_code_postal(self):
        return validation.valider_code_postal_facultatif(self.cleaned_data["code_postal"])

    def clean_telephone(self):
        return validation.valider_telephone(self.cleaned_data["telephone"])

    def clean_courriel(self):
        return validation.valider_courriel(self.cleaned_data["courriel"])

    def clean(self):
        cleaned = super().clean()
        if not self.has_error("code_postal") and cleaned.get("commune") is not None:
            try:
                cleaned["code_postal"] = validation.accorder_code_postal(cleaned["code_postal"], cleaned["commune"])
            except ValidationError as exc:
                self.add_error("code_postal", exc)
        return cleaned


class FermetureForm(forms.Form):
    motif = forms.CharField(
        label="Motif de la fermeture",
        max_length=LONGUEUR_MOTIF,
        help_text="Par exemple : fin de la convention, fusion avec un autre organisme, organisme créé par erreur.",
        error_messages={
            "required": "Indiquez le motif de la fermeture.",
            "max_length": f"Le motif ne doit pas dépasser {LONGUEUR_MOTIF} caractères.",
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )
