"""Forms of the workshop pages. The field rules and French messages are the services' own
(`services/ateliers.py`), so the form and the services always say the same thing."""

from django import forms
from django.core.exceptions import ValidationError

from .models import Atelier
from .models.ateliers import CAPACITE_MAX, DUREE_MAX_MINUTES
from .services import ateliers as regles
from .themes import Format, Niveau, Theme

ENTIER = {"inputmode": "numeric"}


class AtelierForm(forms.Form):
    titre = forms.CharField(
        label="Titre",
        max_length=regles.TITRE_MAX,
        help_text="Tel que les personnes le liront, par exemple « Premiers pas sur smartphone ».",
        error_messages={"required": regles.MESSAGES["titre"], "max_length": regles.MESSAGES["titre_long"]},
    )
    themes = forms.MultipleChoiceField(
        label="Thèmes",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="La liste nationale des outils d’activité. Cochez-en un ou plusieurs.",
        error_messages={"required": regles.MESSAGES["themes"], "invalid_choice": regles.MESSAGES["themes"]},
    )
    niveau = forms.ChoiceField(
        label="Niveau",
        choices=Niveau.choices,
        initial=Niveau.DEBUTANT,
        error_messages={"required": regles.MESSAGES["niveau"], "invalid_choice": regles.MESSAGES["niveau"]},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=Format.choices,
        initial=Format.COLLECTIF,
        help_text="Un accompagnement individuel accueille une personne : sa capacité est de 1.",
        error_messages={"required": regles.MESSAGES["format"], "invalid_choice": regles.MESSAGES["format"]},
    )
    duree_minutes = forms.IntegerField(
        label="Durée habituelle (minutes)",
        initial=120,
        help_text=f"De {regles.DUREE_MIN} à {DUREE_MAX_MINUTES} minutes, par exemple 90 pour une heure et demie. "
        "Proposée par défaut pour chaque séance.",
        widget=forms.NumberInput(attrs={"min": regles.DUREE_MIN, "max": DUREE_MAX_MINUTES, **ENTIER}),
        error_messages={"required": regles.MESSAGES["duree"], "invalid": regles.MESSAGES["duree"]},
    )
    capacite = forms.IntegerField(
        label="Capacité (personnes)",
        initial=8,
        help_text=f"Le nombre de places, de 1 à {CAPACITE_MAX}. Proposé par défaut pour chaque séance.",
        widget=forms.NumberInput(attrs={"min": 1, "max": CAPACITE_MAX, **ENTIER}),
        error_messages={"required": regles.MESSAGES["capacite"], "invalid": regles.MESSAGES["capacite"]},
    )
    accepte_pass = forms.BooleanField(label="Accepte les chèques Pass numérique", required=False)
    cheques_par_seance = forms.IntegerField(
        label="Chèques par séance et par personne",
        initial=1,
        help_text=f"De 1 à {regles.CHEQUES_MAX}. En Creuse, un chèque paie un atelier de deux heures au plus.",
        widget=forms.NumberInput(attrs={"min": 1, "max": regles.CHEQUES_MAX, **ENTIER}),
        error_messages={"required": regles.MESSAGES["cheques"], "invalid": regles.MESSAGES["cheques"]},
    )
    dispositif = forms.TypedChoiceField(
        label="Dispositif qui finance l’atelier",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Son nom et ses financeurs figurent sur la feuille d’émargement. Seuls les dispositifs actifs "
        "pour lesquels votre lieu est qualifié sont proposés.",
        error_messages={"invalid_choice": regles.MESSAGES["dispositif"]},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=regles.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que les personnes apprendront, ce qu’elles doivent apporter (téléphone, identifiants…).",
        error_messages={"max_length": regles.MESSAGES["description_longue"]},
    )

    GROUPES = (
        ("atelier", "L’atelier", ("titre", "themes", "niveau", "format", "description")),
        ("seances", "Ses séances, par défaut", ("duree_minutes", "capacite")),
        ("pass", "Pass numérique", ("accepte_pass", "cheques_par_seance", "dispositif")),
    )

    def __init__(self, data=None, *, lieu_id: int, atelier: Atelier | None = None, **kwargs):
        self.lieu_id, self.atelier = lieu_id, atelier
        if atelier is not None:
            initial = {nom: getattr(atelier, nom) for nom in regles.CHAMPS if nom != "dispositif"}
            initial["dispositif"] = atelier.dispositif_id
            kwargs.setdefault("initial", initial)
        super().__init__(data, **kwargs)
        possibles = list(regles.dispositifs_possibles(lieu_id))
        if atelier is not None and atelier.dispositif_id and atelier.dispositif_id not in {d.pk for d in possibles}:
            possibles.append(atelier.dispositif)
        self.fields["dispositif"].choices = [("", "Aucun")] + [(d.pk, d.nom) for d in possibles]

    def groupes(self) -> list[dict]:
        return [{"cle": cle, "titre": titre, "champs": [self[n] for n in noms]} for cle, titre, noms in self.GROUPES]

    def clean_titre(self):
        return regles.valider_titre(self.cleaned_data["titre"])

    def clean_themes(self):
        return regles.valider_themes(self.cleaned_data["themes"])

    def clean_duree_minutes(self):
        return regles.valider_duree(self.cleaned_data["duree_minutes"])

    def clean_capacite(self):
        return regles.valider_capacite(self.cleaned_data["capacite"])

    def clean_cheques_par_seance(self):
        return regles.valider_cheques(self.cleaned_data["cheques_par_seance"])

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                regles.valider(self.donnees(), lieu_id=self.lieu_id, atelier=self.atelier)
            except ValidationError as exc:
                for nom, messages in exc.message_dict.items():
                    for message in messages:
                        self.add_error(nom if nom in self.fields else None, message)
        return cleaned

    def donnees(self) -> dict:
        return {nom: self.cleaned_data.get(nom) for nom in regles.CHAMPS}


class RechercheAtelierForm(forms.Form):
    q = forms.CharField(label="Titre de l’atelier", required=False, max_length=150)
    archives = forms.BooleanField(label="Afficher aussi les ateliers archivés", required=False)
