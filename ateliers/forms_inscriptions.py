"""Forms of the registrations and the roll-call. They shape what was typed; the rules and their
French messages are the services' (and, for a person's record, beneficiaires.validation)."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from beneficiaires import validation
from beneficiaires.forms import BeneficiaireForm, DateJJMMAAAA, TexteField
from beneficiaires.services.fiches import CHAMPS_ACCUEIL

from .models import Inscription
from .services.emargement import MARQUES, MOTIF_MAX, MOTIF_MIN
from .services.inscriptions import ANONYMES_MAX


class RechercheForm(forms.Form):
    q = forms.CharField(label="Nom, prénom ou référence (B-…)", required=False, max_length=100)

    def texte(self) -> str:
        return (self.data.get("q") or "").strip()[:100]


class InscriptionForm(forms.Form):
    beneficiaire = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": "Choisissez la personne à inscrire dans la liste.",
            "invalid": "Choisissez la personne à inscrire dans la liste.",
            "min_value": "Choisissez la personne à inscrire dans la liste.",
        },
    )


def _champ_de_la_fiche(nom: str) -> forms.Field:
    return copy.deepcopy(BeneficiaireForm.base_fields[nom])


class NouvellePersonneForm(forms.Form):
    """The minimal record of a person met at the door (beneficiaires CHAMPS_ACCUEIL)."""

    # The identity, commune and needs fields of a person's record (same parsing, same labels).
    nom = _champ_de_la_fiche("nom")
    prenom = _champ_de_la_fiche("prenom")
    date_naissance = _champ_de_la_fiche("date_naissance")
    commune = _champ_de_la_fiche("commune")
    telephone = TexteField(
        label="Téléphone",
        required=False,
        help_text="Par exemple 06 12 34 56 78, pour prévenir la personne d’un changement.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "maxlength": "30"}),
    )
    besoins = _champ_de_la_fiche("besoins")
    information_rgpd_le = DateJJMMAAAA(
        label="Notice sur les données personnelles lue ou remise le",
        help_text="La date à laquelle vous avez lu ou remis à la personne la notice ci-dessus (JJ/MM/AAAA).",
    )

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("initial", {"information_rgpd_le": timezone.localdate()})
        super().__init__(data, **kwargs)
        self.fields["besoins"].widget.attrs["class"] = "form-check-input border-secondary"

    def clean(self):
        cleaned = super().clean()
        try:
            validation.nettoyer({nom: cleaned.get(nom) for nom in CHAMPS_ACCUEIL}, partiel=True)
        except ValidationError as exc:
            for champ, messages in exc.message_dict.items():
                if champ in self.fields and self.has_error(champ):
                    continue  # the field could not even be read: its own message says why
                for message in messages:
                    self.add_error(champ if champ in self.fields else None, message)
        return cleaned

    def donnees(self) -> dict:
        return {champ: self.cleaned_data.get(champ) for champ in CHAMPS_ACCUEIL}


class MotifForm(forms.Form):
    """The reason of a correction after the signed sheet is uploaded (checked by the service)."""

    motif = forms.CharField(
        label="Motif de la correction",
        required=False,
        help_text=f"Obligatoire : la feuille signée est déposée ({MOTIF_MIN} à {MOTIF_MAX} caractères).",
    )


class AnonymesForm(MotifForm):
    nombre = forms.IntegerField(
        label="Personnes venues sans inscription",
        min_value=0,
        max_value=ANONYMES_MAX,
        help_text="Elles ne sont pas enregistrées : comptées dans les chiffres du lieu, jamais comme "
        "participant·es du FSE+.",
        error_messages={
            "required": f"Indiquez un nombre entier de personnes entre 0 et {ANONYMES_MAX}.",
            "invalid": f"Indiquez un nombre entier de personnes entre 0 et {ANONYMES_MAX}.",
            "min_value": f"Indiquez un nombre entier de personnes entre 0 et {ANONYMES_MAX}.",
            "max_value": f"Indiquez un nombre entier de personnes entre 0 et {ANONYMES_MAX}.",
        },
    )
    field_order = ["nombre", "motif"]


class PointageForm(MotifForm):
    presence = forms.ChoiceField(
        choices=[(m.value, m.label) for m in (Inscription.Presence(v) for v in MARQUES)],
        error_messages={
            "required": "Choisissez présent·e, absent·e ou excusé·e.",
            "invalid_choice": "Choisissez présent·e, absent·e ou excusé·e.",
        },
    )
