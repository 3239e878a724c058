"""Forms of the reimbursement pages. The rules live in the services; these collect input."""

import datetime

from django import forms
from django.utils import timezone

from .models import Bordereau
from .services.remboursement import libelle_mois, mois_precedent, motif_manquant

NB_MOIS_PROPOSES = 12


class FiltresBordereauxForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", required=False)
    dispositif = forms.TypedChoiceField(label="Dispositif", required=False, coerce=int, empty_value=None)
    lieu = forms.TypedChoiceField(label="Lieu", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, dispositifs=(), lieux=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [("", "Tous les statuts"), *Bordereau.Statut.choices]
        self.fields["dispositif"].choices = [("", "Tous les dispositifs"), *((d.pk, d.nom) for d in dispositifs)]
        self.fields["lieu"].choices = [("", "Tous les lieux"), *((lieu.pk, lieu.nom) for lieu in lieux)]

    def valeurs(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"statut": "", "dispositif_id": None, "lieu_id": None}
        return {
            "statut": self.cleaned_data["statut"],
            "dispositif_id": self.cleaned_data["dispositif"],
            "lieu_id": self.cleaned_data["lieu"],
        }


def mois_proposes(jour: datetime.date | None = None) -> list[tuple[str, str]]:
    """The finished months, the last one first."""
    mois = mois_precedent(jour or timezone.localdate())
    choix = []
    for _ in range(NB_MOIS_PROPOSES):
        choix.append((mois.isoformat(), libelle_mois(mois).capitalize()))
        mois = mois_precedent(mois)
    return choix


class CreationBordereauxForm(forms.Form):
    mois = forms.TypedChoiceField(
        label="Mois",
        coerce=datetime.date.fromisoformat,
        error_messages={"required": "Choisissez le mois.", "invalid_choice": "Choisissez un mois terminé."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mois"].choices = mois_proposes()


class ValidationBordereauForm(forms.Form):
    """One checkbox « rejeter » and one reason per line: fields rejeter_<id> and motif_<id>."""

    def __init__(self, *args, lignes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lignes = list(lignes)
        for ligne in self.lignes:
            serie = ligne.cheque.numero_serie
            self.fields[f"rejeter_{ligne.pk}"] = forms.BooleanField(
                label=f"Rejeter le chèque n° {serie}", required=False
            )
            self.fields[f"motif_{ligne.pk}"] = forms.CharField(
                label=f"Motif du rejet du chèque n° {serie}",
                required=False,
                max_length=500,
                error_messages={"max_length": "Le motif est trop long (500 caractères au plus)."},
            )

    def clean(self):
        """The same rule as the service (which checks again): a rejected line needs a reason."""
        donnees = super().clean()
        for ligne in self.lignes:
            motif = " ".join((donnees.get(f"motif_{ligne.pk}") or "").split())
            if donnees.get(f"rejeter_{ligne.pk}") and not motif:
                self.add_error(f"motif_{ligne.pk}", motif_manquant(ligne.cheque.numero_serie))
        return donnees

    def rejets(self) -> dict[int, str]:
        return {
            ligne.pk: self.cleaned_data.get(f"motif_{ligne.pk}", "")
            for ligne in self.lignes
            if self.cleaned_data.get(f"rejeter_{ligne.pk}")
        }

    def lignes_et_champs(self):
        """(line, « rejeter » field, reason field) for the template."""
        return [(ligne, self[f"rejeter_{ligne.pk}"], self[f"motif_{ligne.pk}"]) for ligne in self.lignes]


class PaiementForm(forms.Form):
    paye_le = forms.DateField(
        label="Date du paiement",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date du paiement.", "invalid": "Saisissez une date valide."},
    )
    reference = forms.CharField(
        label="Référence du paiement",
        max_length=100,
        help_text="Le numéro du mandat ou du virement, tel que la paierie l’indique.",
        error_messages={
            "required": "Indiquez la référence du paiement (numéro de mandat ou de virement).",
            "max_length": "La référence est trop longue (100 caractères au plus).",
        },
    )


class CoordonneesForm(forms.Form):
    titulaire = forms.CharField(
        label="Titulaire du compte",
        max_length=200,
        help_text="Le nom tel qu’il figure sur le RIB.",
        error_messages={"required": "Indiquez le titulaire du compte, tel qu’il figure sur le RIB."},
    )
    iban = forms.CharField(
        label="IBAN",
        max_length=50,
        help_text="27 caractères pour un compte en France, par exemple FR76 3000 6000 0112 3456 7890 189.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Saisissez l’IBAN du compte, tel qu’il figure sur le RIB (FR76 …)."},
    )
    bic = forms.CharField(
        label="BIC",
        max_length=20,
        required=False,
        help_text="8 ou 11 caractères, par exemple BNPAFRPPXXX.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
