"""The form of a person's record (creation and correction) and the list's filters.

The fields only parse what was typed (a date, a commune, the ticked boxes); the rules and their
French messages are those of `beneficiaires.validation`, called once in `clean()`: the form, the
services, the command line and later apps say the same thing about the same mistake.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from structures.standard import telephone_lisible
from territoires.forms import CommuneField

from . import validation
from .diagnostic import Besoin, NiveauAutonomie
from .fse import QUESTIONS_OUI_NON, SEUIL_COMMUNE_RURALE, NiveauEtudes, Reponse, Sexe, SituationEmploi
from .models import Orientation, Public
from .selectors import ORIENTATION_AUCUNE, ORIENTATION_SANS_REPONSE, STATUT_ANONYMISEES
from .services.fiches import CHAMPS_SAISIS

FORMATS_DATE = ("%d/%m/%Y", "%Y/%m/%d", "%d%m%Y")
_SEPARATEURS_DATE = re.compile(r"[\s.\-]+")
SEUIL_RURAL = f"{SEUIL_COMMUNE_RURALE:,}".replace(",", "\u202f")  # 2 000


class _RegleDeValidation:
    """The field parses; `validation.nettoyer` checks the value (required included)."""

    def validate(self, value):
        return None


class TexteField(_RegleDeValidation, forms.CharField):
    pass


class DateJJMMAAAA(_RegleDeValidation, forms.Field):
    """A date typed as JJ/MM/AAAA (also 02.03.1950, 02-03-1950, 02031950 or 1950-03-02)."""

    default_error_messages = {
        "invalid": "Date invalide : « %(valeur)s ». Écrivez-la au format JJ/MM/AAAA, par exemple 02/03/1950."
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateInput(format="%d/%m/%Y", attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": "10"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        texte = _SEPARATEURS_DATE.sub("/", str(value).strip())
        for format_ in FORMATS_DATE:
            try:
                return datetime.datetime.strptime(texte, format_).date()
            except ValueError:
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid", params={"valeur": value})


class ChoixUnique(_RegleDeValidation, forms.ChoiceField):
    widget = forms.RadioSelect


class ChoixMultiples(_RegleDeValidation, forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def _fse(label: str, choix) -> ChoixUnique:
    return ChoixUnique(label=label, choices=choix.choices)


class BeneficiaireForm(forms.Form):
    # Identité
    nom = TexteField(label="Nom", widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": "100"}))
    prenom = TexteField(label="Prénom", widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": "100"}))
    date_naissance = DateJJMMAAAA(label="Date de naissance", help_text="Au format JJ/MM/AAAA, par exemple 02/03/1950.")
    commune = CommuneField(
        label="Commune de résidence",
        help_text="Tapez le nom ou le code postal de la commune, puis choisissez-la dans la liste.",
    )
    # Contact
    telephone = TexteField(
        label="Téléphone",
        required=False,
        help_text="Par exemple 06 12 34 56 78. Le lieu vers lequel vous orientez la personne le verra pour l’appeler.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "maxlength": "30"}),
    )
    email = TexteField(
        label="Adresse e-mail",
        required=False,
        help_text="Par exemple prenom.nom@exemple.fr.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # Éligibilité
    publics = ChoixMultiples(
        label="Publics d’éligibilité",
        required=False,
        choices=Public.choices,
        help_text="Cochez tout ce qui s’applique : les dispositifs Pass numérique s’adressent à certains publics.",
    )
    # Indicateurs FSE+
    sexe = _fse("Sexe", Sexe)
    situation_emploi = _fse("Situation vis-à-vis de l’emploi", SituationEmploi)
    niveau_etudes = _fse("Niveau d’études le plus élevé", NiveauEtudes)
    handicap = _fse(QUESTIONS_OUI_NON["handicap"], Reponse)
    pays_tiers = _fse(QUESTIONS_OUI_NON["pays_tiers"], Reponse)
    origine_etrangere = _fse(QUESTIONS_OUI_NON["origine_etrangere"], Reponse)
    minorite = _fse(QUESTIONS_OUI_NON["minorite"], Reponse)
    sans_abri = _fse(QUESTIONS_OUI_NON["sans_abri"], Reponse)
    # Besoins
    besoins = ChoixMultiples(
        label="Ce que la personne veut apprendre à faire",
        required=False,
        choices=Besoin.choices,
        help_text="Ces besoins servent à proposer les lieux qui y répondent.",
    )
    niveau_autonomie = ChoixUnique(
        label="Niveau d’autonomie avec le numérique",
        required=False,
        choices=[("", "Non évalué"), *NiveauAutonomie.choices],
    )
    # Information et notes
    information_rgpd_le = DateJJMMAAAA(
        label="Information sur les données personnelles donnée le",
        help_text="La date à laquelle vous avez remis ou lu à la personne la notice sur l’usage de ses données "
        "(JJ/MM/AAAA).",
    )
    notes = TexteField(
        label="Notes",
        required=False,
        help_text="N’écrivez aucune information de santé ni de jugement sur la personne.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    FIELDSETS = (
        ("identite", "Identité", "", ("nom", "prenom", "date_naissance", "commune")),
        ("contact", "Contact", "", ("telephone", "email")),
        ("eligibilite", "Éligibilité", "", ("publics",)),
        (
            "fse",
            "Indicateurs du Fonds social européen (FSE+)",
            "Posez chaque question ; la personne peut toujours répondre « Ne souhaite pas répondre ». "
            "La zone rurale n’est pas demandée : elle est déduite de la commune de résidence (commune de moins "
            f"de {SEUIL_RURAL} habitants, définition de l’INSEE).",
            ("sexe", "situation_emploi", "niveau_etudes", *QUESTIONS_OUI_NON),
        ),
        ("besoins", "Besoins", "", ("besoins", "niveau_autonomie")),
        ("suivi", "Information et notes", "", ("information_rgpd_le", "notes")),
    )
    # Short answers shown on one line.
    EN_LIGNE = ("sexe", *QUESTIONS_OUI_NON)

    def __init__(self, data=None, *, beneficiaire=None, **kwargs):
        self.beneficiaire = beneficiaire
        if beneficiaire is not None:
            kwargs.setdefault("initial", initial_depuis(beneficiaire))
        else:
            kwargs.setdefault("initial", {"information_rgpd_le": timezone.localdate()})
        super().__init__(data, **kwargs)
        for champ in self.fields.values():
            if isinstance(champ.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                # A darker border than Bootstrap's: the boxes stay visible on the grey panels.
                champ.widget.attrs["class"] = "form-check-input border-secondary"

    def groupes(self) -> list[dict]:
        return [
            {"cle": cle, "titre": titre, "aide": aide, "champs": [self[nom] for nom in noms]}
            for cle, titre, aide, noms in self.FIELDSETS
        ]

    @property
    def noms_choix(self) -> set[str]:
        return {
            nom
            for nom, champ in self.fields.items()
            if isinstance(champ.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)
        }

    def clean(self):
        cleaned = super().clean()
        try:
            validation.nettoyer({nom: cleaned.get(nom) for nom in self.fields})
        except ValidationError as exc:
            for champ, messages in exc.message_dict.items():
                if champ in self.fields and self.has_error(champ):
                    continue  # the field could not even be read: its own message says why
                for message in messages:
                    self.add_error(champ if champ in self.fields else None, message)
        return cleaned

    def donnees(self) -> dict:
        """What the services take (they validate again)."""
        return {champ: self.cleaned_data[champ] for champ in CHAMPS_SAISIS if champ in self.cleaned_data}


def initial_depuis(beneficiaire) -> dict:
    initial = {champ: getattr(beneficiaire, champ) for champ in CHAMPS_SAISIS}
    initial["telephone"] = telephone_lisible(beneficiaire.telephone)
    return initial


LIBELLES = {nom: champ.label for nom, champ in BeneficiaireForm.base_fields.items()}
LIBELLES_COURTS = {
    **LIBELLES,
    "handicap": "Handicap",
    "pays_tiers": "Ressortissant·e de pays tiers",
    "origine_etrangere": "Origine étrangère",
    "minorite": "Minorité",
    "sans_abri": "Sans abri ou exclusion du logement",
    "besoins": "Besoins",
    "information_rgpd_le": "Date d’information sur les données personnelles",
    "age_a_l_entree": "Âge à l’entrée",
    "zone_rurale": "Zone rurale (déduite de la commune)",
}


class RattachementForm(forms.Form):
    """Linking an existing record: the agent gives the name and birth date again (hidden fields
    of the duplicate page), never a record number."""

    nom = forms.CharField(max_length=100)
    prenom = forms.CharField(max_length=100)
    date_naissance = DateJJMMAAAA()

    def clean(self):
        cleaned = super().clean()
        if self.errors or not cleaned.get("date_naissance"):
            raise ValidationError("Indiquez le nom, le prénom et la date de naissance de la personne.")
        return cleaned


# --- The list's filters ------------------------------------------------------------------------

LIBELLES_ORIENTATION = {
    ORIENTATION_AUCUNE: "Jamais orientée",
    Orientation.Statut.A_CONTACTER: "En attente d’un lieu",
    ORIENTATION_SANS_REPONSE: "Sans réponse depuis 8 jours",
    Orientation.Statut.PRIS_EN_CHARGE: "Prise en charge",
    Orientation.Statut.REFUSEE: "Refusée, à réorienter",
}


class FiltresForm(forms.Form):
    """The list's search and filters (GET). An unknown value is ignored, never an error page."""

    q = forms.CharField(label="Nom (et prénom) ou référence", required=False, max_length=100)
    public = forms.ChoiceField(label="Public d’éligibilité", required=False, choices=[("", "Tous"), *Public.choices])
    orientation = forms.ChoiceField(
        label="Orientation", required=False, choices=[("", "Toutes"), *LIBELLES_ORIENTATION.items()]
    )
    statut = forms.ChoiceField(
        label="Fiches",
        required=False,
        choices=[("", "Actives"), (STATUT_ANONYMISEES, "Anonymisées")],
    )

    def __init__(self, data=None, *, avec_statut: bool, **kwargs):
        super().__init__(data, **kwargs)
        if not avec_statut:
            # A prescriber's list: its organisation's people and the orientations it sent.
            del self.fields["statut"]
            self.fields["orientation"].label = "Orientations de votre organisme"
        for champ in self.fields.values():
            classe = "form-select" if isinstance(champ.widget, forms.Select) else "form-control"
            champ.widget.attrs["class"] = classe
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["autocomplete"] = "off"

    def valeurs(self) -> dict:
        """{q, public, orientation, statut}: what was asked, unknown values dropped."""
        propre = {"q": "", "public": "", "orientation": "", "statut": ""}
        for nom in self.fields:
            champ = self.fields[nom]
            try:
                propre[nom] = champ.clean(self.data.get(nom, "")) or ""
            except ValidationError:
                propre[nom] = ""
        propre["q"] = propre["q"][:100]
        return propre
