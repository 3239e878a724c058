"""Forms of the dispositif pages and of the prescribers' stock page.

The rules and their French messages live in the services (`valider_dispositif`,
`valider_financeurs`, `generation.verifier`); the forms parse what was typed and show the
services' messages on the right fields.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from beneficiaires.models import Public

from .models import Dispositif, Qualification
from .models.dispositifs import TAILLES_CARNET
from .selectors import dispositifs as selecteurs
from .services import generation
from .services.dispositifs import (
    CHAMPS,
    OBLIGATOIRES,
    en_decimal,
    nombre_fr,
    tailles,
    valider_dispositif,
    valider_financeurs,
)

LIGNES_FINANCEURS = 5
CHOIX_TAILLES = [(str(t), f"{t} chèques") for t in TAILLES_CARNET]


def _texte(label: str, *, aide: str = "", decimal: bool = False, **attrs) -> forms.CharField:
    if decimal:
        attrs.setdefault("inputmode", "decimal")
    return forms.CharField(label=label, required=False, help_text=aide, widget=forms.TextInput(attrs=attrs))


def _date(label: str, aide: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=aide,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Indiquez une date valide, par exemple 31/12/2026."},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _cases(choix, label: str, aide: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        help_text=aide,
        choices=choix,
        error_messages={"invalid_choice": "« %(value)s » n’est pas un choix possible."},
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class DispositifForm(forms.Form):
    nom = _texte("Nom du dispositif", aide="Par exemple « Pass numérique 2026 — réseau Tela ».", maxlength=200)
    reseau = _texte("Réseau opérateur", aide="Par exemple « Réseau Tela ».", maxlength=200)
    debut = _date("Début de l’opération")
    fin = _date("Fin de l’opération")
    validite_fin = _date("Fin de validité des chèques", "La date imprimée sur les chèques.")
    tolerance_jours = _texte(
        "Tolérance après la fin de validité (jours)",
        aide="Les lieux peuvent encore encaisser les chèques pendant ce nombre de jours (souvent 30).",
        inputmode="numeric",
    )
    valeur_faciale = _texte("Valeur d’un chèque (€)", aide="Par exemple 10.", decimal=True)
    tailles_carnet = _cases(CHOIX_TAILLES, "Tailles de carnet autorisées")
    publics = _cases(Public.choices, "Publics éligibles")
    part_cible_prioritaires = _texte(
        "Part cible de publics prioritaires (%)",
        aide="Entre 0 et 100, par exemple 50 pour la moitié des bénéficiaires.",
        decimal=True,
    )
    budget = _texte(
        "Budget (€)", aide="En euros, par exemple 100000. Indiquez 0 s’il n’est pas encore connu.", decimal=True
    )

    CHAMPS_CASES = ("tailles_carnet", "publics")

    def __init__(self, data=None, *, departement_id, dispositif: Dispositif | None = None, **kwargs):
        self.departement_id = departement_id
        self.dispositif = dispositif
        financeurs = list(dispositif.financeurs.all()) if dispositif is not None else []
        if dispositif is not None:
            initial = {c: getattr(dispositif, c) for c in CHAMPS}
            for champ in ("valeur_faciale", "part_cible_prioritaires", "budget"):
                initial[champ] = nombre_fr(initial[champ])
        else:
            initial = {
                "tolerance_jours": "30",
                "valeur_faciale": "10",
                "part_cible_prioritaires": "50",
                "tailles_carnet": [str(t) for t in TAILLES_CARNET],
                "publics": list(Public.values),
            }
        self.nb_lignes = max(LIGNES_FINANCEURS, len(financeurs) + 1)
        super().__init__(data, initial=kwargs.pop("initial", initial), **kwargs)
        # Required as the service says, with its sentences (the labels then show no « facultatif »).
        for champ, message in OBLIGATOIRES.items():
            self.fields[champ].required = True
            self.fields[champ].error_messages["required"] = message
        for rang in range(1, self.nb_lignes + 1):
            self.fields[f"financeur_{rang}_nom"] = forms.CharField(
                label=f"Financeur n° {rang} : nom", required=False, max_length=200
            )
            self.fields[f"financeur_{rang}_part"] = forms.CharField(
                label=f"Financeur n° {rang} : part (%)",
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        lignes = [(f.nom, nombre_fr(f.pourcentage)) for f in financeurs]
        for rang, (nom, part) in enumerate(lignes, start=1):
            self.initial.setdefault(f"financeur_{rang}_nom", nom)
            self.initial.setdefault(f"financeur_{rang}_part", part)
        self.erreurs_financeurs: list[str] = []

    # --- for the template ----------------------------------------------------------------

    def champs_principaux(self):
        return [self[c] for c in CHAMPS if c not in self.CHAMPS_CASES]

    def champs_cases(self):
        return [self[c] for c in self.CHAMPS_CASES]

    def lignes_financeurs(self):
        return [
            {"rang": rang, "nom": self[f"financeur_{rang}_nom"], "part": self[f"financeur_{rang}_part"]}
            for rang in range(1, self.nb_lignes + 1)
        ]

    @property
    def total_financeurs(self) -> str:
        """The sum of the shares as typed (or as stored), for the page."""
        total = Decimal(0)
        for rang in range(1, self.nb_lignes + 1):
            nom = f"financeur_{rang}_part"
            valeur = self[nom].value()
            try:
                total += en_decimal(valeur) or 0
            except ValueError:
                continue
        return nombre_fr(total)

    # --- cleaning ---------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        donnees = {c: cleaned.get(c) for c in CHAMPS}
        try:
            valider_dispositif(donnees, departement_id=self.departement_id, dispositif=self.dispositif)
        except ValidationError as exc:
            for champ, messages in exc.message_dict.items():
                if champ not in self.errors:
                    self.add_error(champ, messages)
        try:
            valider_financeurs(self.financeurs())
        except ValidationError as exc:
            self.erreurs_financeurs = exc.message_dict["financeurs"]
            for message in self.erreurs_financeurs:
                self.add_error(None, message)
        return cleaned

    def financeurs(self) -> list[tuple[str, str]]:
        lignes = []
        for rang in range(1, self.nb_lignes + 1):
            nom = (self.cleaned_data.get(f"financeur_{rang}_nom") or "").strip()
            part = (self.cleaned_data.get(f"financeur_{rang}_part") or "").strip()
            if nom or part:
                lignes.append((nom, part))
        return lignes

    def donnees(self) -> dict:
        return {c: self.cleaned_data.get(c) for c in CHAMPS}


def _motif(label: str, aide: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=500,
        help_text=aide,
        error_messages={"required": "Indiquez le motif de la décision (il est inscrit au journal)."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LieuChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, lieu):
        ferme = "" if lieu.est_actif else " — fermé"
        return f"{lieu.nom} ({lieu.commune or 'commune inconnue'}){ferme}"


class QualificationForm(forms.Form):
    lieu = LieuChoiceField(
        label="Lieu",
        queryset=None,
        empty_label="Choisissez un lieu",
        error_messages={
            "required": "Choisissez le lieu concerné.",
            "invalid_choice": "Choisissez un lieu du département dans la liste.",
        },
    )
    statut = forms.ChoiceField(
        label="Décision",
        choices=Qualification.Statut.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "Choisissez un statut : candidat, qualifié ou suspendu."},
    )
    motif = _motif(
        "Motif",
        "Par exemple : convention signée le 12/03/2026, ou : suspendu dans l’attente de justificatifs.",
    )

    def __init__(self, data=None, *, dispositif: Dispositif, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["lieu"].queryset = selecteurs.lieux_du_departement(dispositif)


class OrganismeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisme):
        return f"{organisme.nom} ({organisme.get_type_organisme_display()})"


class ParticipationForm(forms.Form):
    organisme = OrganismeChoiceField(
        label="Organisme prescripteur",
        queryset=None,
        empty_label="Choisissez un organisme",
        error_messages={
            "required": "Choisissez l’organisme à ajouter.",
            "invalid_choice": "Choisissez un organisme ouvert du département qui ne participe pas encore.",
        },
    )

    def __init__(self, data=None, *, dispositif: Dispositif, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["organisme"].queryset = selecteurs.organismes_ajoutables(dispositif)


def _nb_carnets(aide: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label="Nombre de carnets",
        min_value=1,
        help_text=aide,
        error_messages={
            "required": "Indiquez le nombre de carnets.",
            "invalid": "Indiquez un nombre entier de carnets, par exemple 50.",
            "min_value": "Indiquez un nombre de carnets supérieur ou égal à 1.",
        },
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    )


class GenerationForm(forms.Form):
    nb_carnets = _nb_carnets(f"Au plus {generation.LIMITE_CHEQUES:,} chèques par génération.".replace(",", "\u202f"))
    taille = forms.ChoiceField(
        label="Chèques par carnet",
        error_messages={
            "required": "Choisissez la taille des carnets.",
            "invalid_choice": "Cette taille de carnet n’est pas autorisée pour ce dispositif.",
        },
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, data=None, *, dispositif: Dispositif, **kwargs):
        self.dispositif = dispositif
        permises = tailles(dispositif)
        kwargs.setdefault("initial", {"taille": str(permises[-1])} if permises else {})
        super().__init__(data, **kwargs)
        self.fields["taille"].choices = [(str(t), f"{t} chèques") for t in permises]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                cleaned["nb_carnets"], cleaned["taille"] = generation.verifier(
                    dispositif=self.dispositif, nb_carnets=cleaned["nb_carnets"], taille=cleaned["taille"]
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for champ, messages in exc.message_dict.items():
                        self.add_error(champ if champ in self.fields else None, messages)
                else:
                    self.add_error(None, exc.messages)
        return cleaned


class DotationForm(forms.Form):
    organisme = OrganismeChoiceField(
        label="Organisme prescripteur",
        queryset=None,
        empty_label="Choisissez un organisme",
        help_text="Seuls les organismes qui participent au dispositif reçoivent ses carnets.",
        error_messages={
            "required": "Choisissez l’organisme à doter.",
            "invalid_choice": "Choisissez un organisme qui participe au dispositif.",
        },
    )
    nb_carnets = _nb_carnets("Les carnets de plus petit numéro du stock du département sont attribués en premier.")
    taille = forms.TypedChoiceField(
        label="Taille des carnets",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Cette taille de carnet n’est pas autorisée pour ce dispositif."},
    )

    def __init__(self, data=None, *, dispositif: Dispositif, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["organisme"].queryset = selecteurs.organismes_participants(dispositif).filter(ferme_le__isnull=True)
        self.fields["taille"].choices = [
            ("", "Toutes tailles"),
            *((str(t), f"{t} chèques") for t in tailles(dispositif)),
        ]


class TransfertForm(forms.Form):
    de = OrganismeChoiceField(
        label="Depuis le stock de",
        queryset=None,
        empty_label="Choisissez un organisme",
        error_messages={
            "required": "Choisissez l’organisme qui cède des carnets.",
            "invalid_choice": "Choisissez un organisme de la liste.",
        },
    )
    vers = OrganismeChoiceField(
        label="Vers le stock de",
        queryset=None,
        empty_label="Choisissez un organisme",
        error_messages={
            "required": "Choisissez l’organisme qui reçoit les carnets.",
            "invalid_choice": "Choisissez un organisme de la liste.",
        },
    )
    nb_carnets = _nb_carnets("Les carnets de plus petit numéro du stock cédant sont transférés.")

    def __init__(self, data=None, *, dispositif: Dispositif, **kwargs):
        super().__init__(data, **kwargs)
        participants = selecteurs.organismes_participants(dispositif)
        self.fields["de"].queryset = participants
        self.fields["vers"].queryset = participants.filter(ferme_le__isnull=True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("de") and cleaned.get("de") == cleaned.get("vers"):
            self.add_error("vers", "Choisissez un autre organisme que celui qui cède les carnets.")
        return cleaned


class RetourForm(forms.Form):
    dispositif = forms.ModelChoiceField(
        label="Dispositif",
        queryset=None,
        empty_label="Choisissez un dispositif",
        error_messages={
            "required": "Choisissez le dispositif des carnets à retourner.",
            "invalid_choice": "Choisissez un dispositif dont vous avez des carnets en stock.",
        },
    )
    du = forms.IntegerField(
        label="Du carnet n°",
        required=False,
        min_value=1,
        help_text="Laissez vide pour partir du premier carnet de votre stock.",
        error_messages={"invalid": "Indiquez un numéro de carnet.", "min_value": "Un numéro de carnet commence à 1."},
    )
    au = forms.IntegerField(
        label="Au carnet n°",
        required=False,
        min_value=1,
        help_text="Laissez vide pour aller jusqu’au dernier carnet de votre stock.",
        error_messages={"invalid": "Indiquez un numéro de carnet.", "min_value": "Un numéro de carnet commence à 1."},
    )

    def __init__(self, data=None, *, dispositifs, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["dispositif"].queryset = dispositifs

    def clean(self):
        cleaned = super().clean()
        du, au = cleaned.get("du"), cleaned.get("au")
        if du and au and au < du:
            self.add_error("au", f"Le dernier numéro ({au}) précède le premier ({du}).")
        return cleaned
