"""Forms of the report request and of the cost lines. They parse what was typed; the rules and
their French messages live in the services (`valider_demande`, `valider_ligne`)."""

import datetime

from django import forms
from django.utils import timezone

from .models import Format

FORMATS_PAR_DEFAUT = [Format.PDF.value, Format.XLSX.value]
FORMATS_DATE = ["%Y-%m-%d", "%d/%m/%Y"]


def _date(label: str, aide: str = "", *, manquante: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=bool(manquante),
        help_text=aide,
        input_formats=FORMATS_DATE,
        error_messages={"invalid": "Indiquez une date valide, par exemple 31/12/2025.", "required": manquante},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class Periode:
    """The presets offered on the request page (links that fill the form)."""

    @staticmethod
    def presets(aujourd_hui: datetime.date, dispositif=None) -> list[tuple[str, datetime.date, datetime.date]]:
        debut_mois = aujourd_hui.replace(day=1)
        fin_mois_dernier = debut_mois - datetime.timedelta(days=1)
        annee_derniere = aujourd_hui.year - 1
        choix = [
            ("Depuis le 1er janvier", aujourd_hui.replace(month=1, day=1), aujourd_hui),
            ("Le mois dernier", fin_mois_dernier.replace(day=1), fin_mois_dernier),
            (
                f"L’année {annee_derniere}",
                datetime.date(annee_derniere, 1, 1),
                datetime.date(annee_derniere, 12, 31),
            ),
        ]
        if dispositif is not None:
            choix.insert(0, (f"Toute l’opération « {dispositif.nom} »", dispositif.debut, dispositif.fin))
        return choix


class DemandeForm(forms.Form):
    dispositifs = forms.MultipleChoiceField(
        label="Dispositifs",
        help_text="Un rapport peut porter sur plusieurs dispositifs du département.",
        error_messages={"required": "Choisissez au moins un dispositif."},
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    du = _date(
        "Du",
        "Premier jour de la période, inclus.",
        manquante="Indiquez la date de début de la période, par exemple 01/01/2025.",
    )
    au = _date(
        "Au",
        "Dernier jour de la période, inclus.",
        manquante="Indiquez la date de fin de la période, par exemple 31/12/2025.",
    )
    formats = forms.MultipleChoiceField(
        label="Formats",
        choices=Format.choices,
        error_messages={
            "invalid_choice": "« %(value)s » n’est pas un format proposé.",
            "required": "Cochez au moins un format.",
        },
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, dispositifs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositifs"].choices = [(str(d.pk), d.nom) for d in dispositifs]
        # A foreign or unknown id is not a crash: the service says it clearly.
        self.fields["dispositifs"].valid_value = lambda valeur: True
        if not self.is_bound:
            aujourd_hui = timezone.localdate()
            self.initial.setdefault("du", aujourd_hui.replace(month=1, day=1))
            self.initial.setdefault("au", aujourd_hui)
            self.initial.setdefault("formats", FORMATS_PAR_DEFAUT)
            if len(self.fields["dispositifs"].choices) == 1:
                self.initial.setdefault("dispositifs", [self.fields["dispositifs"].choices[0][0]])


class LigneCoutForm(forms.Form):
    libelle = forms.CharField(
        label="Libellé",
        required=False,
        max_length=200,
        help_text="Par exemple « Coordination du dispositif » ou « Ingénierie pédagogique ».",
    )
    montant = forms.CharField(
        label="Montant (€)",
        required=False,
        help_text="En euros, au centime près, par exemple 1250,50.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    date = _date("Date de la dépense", "Elle compte dans les rapports dont la période la contient.")
