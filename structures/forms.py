"""Forms of the places' management pages.

`LieuForm` is a plain form (not a ModelForm: validating must not touch the place, the service
computes the changes against the database). Each field uses the standard's validators, so a bad
value gets the same French message here, in the import and in the API.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

from territoires.selectors import commune_par_code_insee, communes_par_code_postal
from territoires.text import normaliser_nom

from .horaires import normaliser_horaires, valider_horaires
from .services.edition import CHAMPS_EDITABLES
from .standard import (
    PIVOT_INCONNU,
    clean_courriels,
    clean_typologie,
    clean_urls,
    clean_vocabulary,
    normaliser_telephone,
    typologies,
    valider_code_insee,
    valider_code_postal,
    valider_pivot,
    vocabularies,
)

EXEMPLE_HORAIRES = "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"


class ChoixVocabulaire(forms.MultipleChoiceField):
    """Checkboxes over one of the standard's closed vocabularies (values are French labels)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, champ: str, **kwargs):
        self.champ = champ
        kwargs.setdefault("required", False)
        super().__init__(choices=[(v, v) for v in vocabularies()[champ]], **kwargs)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        return clean_vocabulary(self.champ, value)


class ChoixTypologie(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        choices = sorted(((code, f"{libelle} ({code})") for code, libelle in typologies().items()), key=_tri)
        super().__init__(choices=choices, **kwargs)

    def validate(self, value):
        pass

    def clean(self, value):
        return clean_typologie(self.to_python(value))


def _tri(choix) -> str:
    return normaliser_nom(choix[1])


class CoordonneeField(forms.FloatField):
    """A latitude or a longitude in decimal degrees; a comma is accepted as decimal separator."""

    def __init__(self, *, nom: str, limite: int, exemple: str, **kwargs):
        self.nom, self.limite, self.exemple = nom, limite, exemple
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})
        )
        super().__init__(**kwargs)
        self.error_messages["invalid"] = f"La {nom} doit être un nombre en degrés décimaux, par exemple {exemple}."

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".").replace(" ", "")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and not -self.limite <= value <= self.limite:
            raise ValidationError(
                "La %(nom)s doit être comprise entre -%(limite)s et %(limite)s (par exemple %(exemple)s) : "
                "« %(valeur)s » est hors limites.",
                code="hors_limites",
                params={
                    "nom": self.nom,
                    "limite": self.limite,
                    "exemple": self.exemple,
                    "valeur": f"{value:g}".replace(".", ","),
                },
            )

    def prepare_value(self, value):
        return f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else value


def _obligatoire(message: str) -> dict:
    return {"required": message}


def _textarea(rows: int, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class LieuForm(forms.Form):
    # Identité
    nom = forms.CharField(label="Nom du lieu", max_length=255, error_messages=_obligatoire("Indiquez le nom du lieu."))
    pivot = forms.CharField(
        label="SIRET ou numéro RNA",
        required=False,
        max_length=20,
        help_text="14 chiffres pour un SIRET, ou W suivi de 9 caractères pour une association (RNA). "
        "Laissez vide si vous ne le connaissez pas.",
    )
    typologie = ChoixTypologie(
        label="Typologie",
        help_text="Le type de structure, selon la nomenclature data·inclusion. Cochez une ou plusieurs cases.",
    )
    structure_parente = forms.CharField(
        label="Structure parente",
        required=False,
        max_length=255,
        help_text="Par exemple la commune pour une médiathèque municipale.",
    )
    source = forms.CharField(
        label="Source des données",
        required=False,
        max_length=255,
        help_text="Qui fournit ces informations, par exemple le nom du département.",
    )
    # Adresse et position
    adresse = forms.CharField(
        label="Adresse",
        max_length=255,
        help_text="Numéro et voie, par exemple 12 rue de la Poste.",
        error_messages=_obligatoire("Indiquez l’adresse du lieu (numéro et voie)."),
    )
    complement_adresse = forms.CharField(
        label="Complément d’adresse",
        required=False,
        max_length=255,
        help_text="Bâtiment, étage, lieu-dit…",
    )
    code_postal = forms.CharField(
        label="Code postal",
        help_text="5 chiffres, par exemple 23000.",
        error_messages=_obligatoire("Indiquez le code postal (5 chiffres, par exemple 23000)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    commune = forms.CharField(
        label="Commune",
        max_length=100,
        error_messages=_obligatoire("Indiquez la commune du lieu."),
    )
    code_insee = forms.CharField(
        label="Code INSEE de la commune",
        required=False,
        help_text="Facultatif : il est retrouvé à partir du code postal et de la commune. "
        "Indiquez-le seulement quand deux communes portent le même nom.",
    )
    latitude = CoordonneeField(
        label="Latitude",
        nom="latitude",
        limite=90,
        exemple="46,1718",
        help_text="En degrés décimaux, par exemple 46,1718 (Guéret). Vide : le centre de la commune.",
    )
    longitude = CoordonneeField(
        label="Longitude",
        nom="longitude",
        limite=180,
        exemple="1,8717",
        help_text="En degrés décimaux, par exemple 1,8717 (Guéret). Vide : le centre de la commune.",
    )
    centre_commune = forms.BooleanField(
        label="Placer le lieu au centre de la commune",
        required=False,
        help_text="La latitude et la longitude seront celles du centre de la commune indiquée ci-dessus.",
    )
    # Contact
    telephone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=30,
        help_text="Par exemple 05 55 12 34 56.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    courriels = forms.CharField(
        label="Adresses e-mail",
        required=False,
        help_text="Une adresse par ligne.",
        widget=_textarea(2, spellcheck="false"),
    )
    site_web = forms.CharField(
        label="Sites web",
        required=False,
        help_text="Une adresse par ligne, commençant par https://.",
        widget=_textarea(2, spellcheck="false"),
    )
    prise_rdv = forms.CharField(
        label="Prise de rendez-vous en ligne",
        required=False,
        max_length=500,
        help_text="L’adresse de la page de réservation, commençant par https://.",
    )
    modalites_acces = ChoixVocabulaire("modalites_acces", label="Comment venir ou prendre contact")
    # Horaires
    horaires = forms.CharField(
        label="Horaires d’ouverture",
        required=False,
        help_text=(
            "Au format OpenStreetMap, en anglais : jours Mo Tu We Th Fr Sa Su, heures sur 24 h. "
            f'Par exemple : <code class="text-body">{EXEMPLE_HORAIRES}</code> '
            "(du lundi au vendredi de 9 h à 12 h et de 14 h à 18 h 30, le samedi de 8 h 30 à 12 h)."
        ),
        widget=_textarea(2, spellcheck="false"),
    )
    # Présentation
    presentation_resume = forms.CharField(
        label="Présentation courte",
        required=False,
        max_length=280,
        help_text="280 caractères au plus : ce qu’on trouve en premier dans l’annuaire.",
        widget=_textarea(3),
    )
    presentation_detail = forms.CharField(label="Présentation détaillée", required=False, widget=_textarea(6))
    # Services et publics
    services = ChoixVocabulaire("services", label="Services proposés")
    publics_specifiquement_adresses = ChoixVocabulaire(
        "publics_specifiquement_adresses", label="Publics spécifiquement accueillis"
    )
    prise_en_charge_specifique = ChoixVocabulaire("prise_en_charge_specifique", label="Prise en charge spécifique")
    frais_a_charge = ChoixVocabulaire("frais_a_charge", label="Frais à charge de la personne")
    modalites_accompagnement = ChoixVocabulaire("modalites_accompagnement", label="Modalités d’accompagnement")
    itinerance = ChoixVocabulaire("itinerance", label="Itinérance")
    # Accessibilité
    accessibilite = forms.CharField(
        label="Accessibilité",
        required=False,
        help_text="Accès en fauteuil, boucle magnétique, stationnement, transports… en quelques mots.",
        widget=_textarea(3),
    )
    fiche_acces_libre = forms.CharField(
        label="Fiche Acceslibre",
        required=False,
        max_length=500,
        help_text="L’adresse de la fiche du lieu sur acceslibre.beta.gouv.fr, si elle existe.",
    )
    # Labels
    dispositif_programmes_nationaux = ChoixVocabulaire(
        "dispositif_programmes_nationaux", label="Dispositifs et programmes nationaux"
    )
    formations_labels = ChoixVocabulaire("formations_labels", label="Formations et labels")
    autres_formations_labels = forms.CharField(label="Autres formations et labels", required=False, widget=_textarea(2))

    FIELDSETS = (
        (
            "identite",
            "Identité",
            ("nom", "pivot", "structure_parente", "source", "typologie"),
        ),
        (
            "adresse",
            "Adresse et position",
            ("adresse", "complement_adresse", "code_postal", "commune", "code_insee"),
        ),
        ("contact", "Contact", ("telephone", "courriels", "site_web", "prise_rdv", "modalites_acces")),
        ("horaires", "Horaires", ("horaires",)),
        ("presentation", "Présentation", ("presentation_resume", "presentation_detail")),
        (
            "services",
            "Services et publics",
            (
                "services",
                "publics_specifiquement_adresses",
                "prise_en_charge_specifique",
                "frais_a_charge",
                "modalites_accompagnement",
                "itinerance",
            ),
        ),
        ("accessibilite", "Accessibilité", ("accessibilite", "fiche_acces_libre")),
        ("labels", "Labels", ("dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels")),
    )
    CHAMPS_POSITION = ("latitude", "longitude", "centre_commune")
    CHAMPS_LISTES = ("courriels", "site_web")

    def __init__(self, data=None, *, departement, lieu=None, champs_autorises=None, **kwargs):
        self.departement = departement
        self.lieu = lieu
        self.commune_ref = None
        if lieu is not None:
            kwargs.setdefault("initial", initial_depuis_lieu(lieu))
        super().__init__(data, **kwargs)
        if champs_autorises is not None:
            for nom in [n for n in self.fields if n in CHAMPS_EDITABLES and n not in champs_autorises]:
                del self.fields[nom]
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"

    # --- Presentation helpers for the template -------------------------------------------

    def groupes(self) -> list[dict]:
        groupes = []
        for cle, titre, noms in self.FIELDSETS:
            champs = [self[nom] for nom in noms if nom in self.fields]
            groupes.append({"cle": cle, "titre": titre, "champs": champs})
        return groupes

    def champs_position(self) -> list:
        return [self[nom] for nom in self.CHAMPS_POSITION]

    @property
    def noms_choix_multiples(self) -> set[str]:
        return {nom for nom, champ in self.fields.items() if isinstance(champ.widget, forms.CheckboxSelectMultiple)}

    # --- Field cleaning --------------------------------------------------------------------

    def clean_pivot(self):
        return valider_pivot(self.cleaned_data["pivot"] or PIVOT_INCONNU)

    def clean_code_postal(self):
        return valider_code_postal(self.cleaned_data["code_postal"])

    def clean_code_insee(self):
        code = self.cleaned_data["code_insee"].strip()
        return valider_code_insee(code) if code else ""

    def clean_telephone(self):
        return normaliser_telephone(self.cleaned_data["telephone"])

    def clean_courriels(self):
        return clean_courriels(re.split(r"[\s,;|]+", self.cleaned_data["courriels"]))

    def clean_site_web(self):
        return clean_urls(re.split(r"[\s|]+", self.cleaned_data["site_web"]), field="site_web")

    def clean_prise_rdv(self):
        return self._une_url("prise_rdv")

    def clean_fiche_acces_libre(self):
        return self._une_url("fiche_acces_libre")

    def _une_url(self, champ: str) -> str:
        valeur = self.cleaned_data[champ].strip()
        if valeur:
            clean_urls([valeur], field=champ)
        return valeur

    def clean_horaires(self):
        texte = self.cleaned_data["horaires"].strip()
        if not texte:
            return ""
        valider_horaires(texte)
        normalise = normaliser_horaires(texte)
        ancien = self.lieu.horaires if self.lieu is not None else ""
        if ancien and _normaliser_ou_rien(ancien) == normalise:
            return ancien  # the same hours written another way: nothing changes
        return normalise

    def clean(self):
        cleaned = super().clean()
        self._clean_commune(cleaned)
        if cleaned.get("centre_commune"):
            cleaned["latitude"] = cleaned["longitude"] = None
            if "latitude" in self.errors or "longitude" in self.errors:
                # The commune's centre replaces whatever was typed.
                self.errors.pop("latitude", None)
                self.errors.pop("longitude", None)
        elif not self.has_error("latitude") and not self.has_error("longitude"):
            lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
            if (lat is None) != (lon is None):
                champ = "longitude" if lon is None else "latitude"
                self.add_error(champ, "Indiquez la latitude et la longitude, ou aucune des deux.")
        return cleaned

    def _clean_commune(self, cleaned) -> None:
        """The commune comes from the reference: found by postal code and name; the INSEE code,
        when typed, settles between namesakes (or stands for a name written another way)."""
        code_postal, nom = cleaned.get("code_postal"), cleaned.get("commune")
        code_insee = cleaned.get("code_insee")
        if not code_postal or not nom or self.has_error("code_insee"):
            return
        candidates = list(communes_par_code_postal(code_postal))
        recherche = normaliser_nom(nom)
        trouvees = [c for c in candidates if c.nom_normalise == recherche]
        if code_insee:
            commune = commune_par_code_insee(code_insee)
            if commune is None:
                self.add_error("code_insee", f"Aucune commune ne porte le code INSEE {code_insee}.")
                return
            if commune.code_insee not in {c.code_insee for c in candidates}:
                self.add_error(
                    "code_postal",
                    f"Le code postal {code_postal} ne dessert pas la commune {commune.nom} (code INSEE "
                    f"{commune.code_insee}, codes postaux : {', '.join(commune.liste_codes_postaux) or 'aucun'}).",
                )
                return
            if trouvees and commune.code_insee not in {c.code_insee for c in trouvees}:
                self.add_error(
                    "code_insee",
                    f"Le code INSEE {commune.code_insee} est celui de {commune.nom}, pas de « {nom} » : "
                    "corrigez l’un ou l’autre, ou laissez le code INSEE vide.",
                )
                return
        elif not candidates:
            self.add_error("code_postal", f"Aucune commune ne correspond au code postal {code_postal}.")
            return
        elif not trouvees:
            self.add_error(
                "commune",
                f"Commune inconnue pour le code postal {code_postal} : « {nom} ». Communes de ce code postal : "
                f"{', '.join(c.nom for c in candidates[:12])}.",
            )
            return
        elif len(trouvees) > 1:
            self.add_error(
                "code_insee",
                "Plusieurs communes portent ce nom pour ce code postal : indiquez le code INSEE ("
                + ", ".join(f"{c.code_insee} pour {c.nom}" for c in trouvees)
                + ").",
            )
            return
        else:
            commune = trouvees[0]
        if commune.departement_id != self.departement.code:
            self.add_error(
                "commune",
                f"La commune {commune.nom} ({commune.departement_id}) n’est pas dans le département "
                f"{self.departement.nom} ({self.departement.code}) : un lieu se situe dans son département.",
            )
            return
        self.commune_ref = commune
        cleaned["commune"], cleaned["code_insee"] = commune.nom, commune.code_insee

    def donnees(self) -> dict:
        """The cleaned values, keyed by the place's field names, for the services."""
        donnees = {nom: valeur for nom, valeur in self.cleaned_data.items() if nom != "centre_commune"}
        donnees["commune_ref"] = self.commune_ref
        return donnees


def _normaliser_ou_rien(texte: str) -> str | None:
    try:
        return normaliser_horaires(texte)
    except (ValueError, ValidationError):  # HorairesInvalides is a ValueError
        return None


def initial_depuis_lieu(lieu) -> dict:
    initial = {nom: getattr(lieu, nom) for nom in LieuForm.base_fields if hasattr(lieu, nom)}
    for nom in LieuForm.CHAMPS_LISTES:
        initial[nom] = "\n".join(getattr(lieu, nom) or [])
    # Derived from the commune at each save: typed only to settle between namesakes.
    initial["code_insee"] = ""
    if initial.get("pivot") == PIVOT_INCONNU:
        initial["pivot"] = ""
    return initial


class FermetureForm(forms.Form):
    motif = forms.CharField(
        label="Motif de la fermeture",
        max_length=500,
        help_text="Par exemple : fin de l’activité de médiation numérique, déménagement, fusion avec un autre lieu.",
        error_messages=_obligatoire("Indiquez le motif de la fermeture."),
        widget=_textarea(3),
    )


# Labels of the journalled fields, for the history page.
LIBELLES = {nom: champ.label for nom, champ in LieuForm.base_fields.items()} | {
    "source_position": "Origine de la position",
    # No longer typed (derived from the Pass numérique qualifications), still in older entries.
    "accepte_pass_numerique": "Accepte le Pass numérique",
}
