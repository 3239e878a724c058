"""Forms of the session pages: programming (one session or a series), changing, cancelling.
The rules and French messages are those of `services/seances.py`; the form adds the two
confirmations (a session in the past, a mediator already busy) as a checkbox shown with the
warning, ticked and re-posted."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from territoires.forms import CommuneField

from .models import Atelier, Seance
from .models.ateliers import CAPACITE_MAX, DUREE_MAX_MINUTES
from .services import seances as regles
from .services.ateliers import DUREE_MIN, MESSAGES

ENTIER = {"inputmode": "numeric"}


class SeanceForm(forms.Form):
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Indiquez la date de la séance, par exemple 14/04/2026.",
            "invalid": "Date invalide : utilisez le format jj/mm/aaaa, par exemple 14/04/2026.",
        },
    )
    heure = forms.TimeField(
        label="Heure de début",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%Hh%M", "%H h %M", "%Hh"],
        error_messages={
            "required": "Indiquez l’heure de début, par exemple 14:00.",
            "invalid": "Heure invalide : utilisez le format hh:mm, par exemple 14:00.",
        },
    )
    duree_minutes = forms.IntegerField(
        label="Durée (minutes)",
        help_text=f"De {DUREE_MIN} à {DUREE_MAX_MINUTES} minutes.",
        widget=forms.NumberInput(attrs={"min": DUREE_MIN, "max": DUREE_MAX_MINUTES, **ENTIER}),
        error_messages={"required": MESSAGES["duree"], "invalid": MESSAGES["duree"]},
    )
    capacite = forms.IntegerField(
        label="Capacité (personnes)",
        help_text=f"De 1 à {CAPACITE_MAX} places.",
        widget=forms.NumberInput(attrs={"min": 1, "max": CAPACITE_MAX, **ENTIER}),
        error_messages={"required": MESSAGES["capacite"], "invalid": MESSAGES["capacite"]},
    )
    mediateurs = forms.MultipleChoiceField(
        label="Animée par",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Les membres actifs du lieu (responsable, médiateur·rices).",
        error_messages={
            "required": "Choisissez au moins une personne qui anime la séance.",
            "invalid_choice": "Choisissez les médiateur·rices parmi les membres actifs du lieu.",
        },
    )
    itinerante = forms.BooleanField(
        label="Séance itinérante, hors du lieu",
        required=False,
        help_text="Cochez-la puis indiquez la commune (et l’adresse) où elle a lieu.",
    )
    commune = CommuneField(
        label="Commune de la séance itinérante",
        required=False,
        help_text="Tapez le nom ou le code postal, puis choisissez la commune dans la liste.",
    )
    adresse = forms.CharField(
        label="Adresse de la séance itinérante",
        required=False,
        max_length=regles.ADRESSE_MAX,
        help_text="Par exemple « Salle des fêtes, 2 place de la Mairie ».",
        error_messages={"max_length": f"L’adresse compte au plus {regles.ADRESSE_MAX} caractères."},
    )
    # Shown with the warnings only: ticked, it confirms exactly the warnings shown (empreinte).
    confirmer = forms.BooleanField(label="Je confirme : enregistrer malgré ces avertissements", required=False)
    empreinte = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    GROUPES = (
        ("quand", "Quand", ("date", "heure", "duree_minutes")),
        ("qui", "Qui", ("capacite", "mediateurs")),
        ("ou", "Où", ("itinerante", "commune", "adresse")),
    )
    serie = False

    def __init__(self, data=None, *, lieu_id: int, animateurs, **kwargs):
        super().__init__(data, **kwargs)
        self.lieu_id = lieu_id
        self.fields["mediateurs"].choices = [(str(u.pk), str(u)) for u in animateurs]

    def groupes(self) -> list[dict]:
        return [{"cle": cle, "titre": titre, "champs": [self[n] for n in noms]} for cle, titre, noms in self.GROUPES]

    def donnees(self) -> dict:
        return {nom: self.cleaned_data.get(nom) for nom in self.fields if nom not in ("confirmer", "empreinte")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("itinerante") and not cleaned.get("commune") and not self.has_error("commune"):
            self.add_error("commune", "Une séance itinérante a lieu dans une autre commune : indiquez-la.")
        return cleaned

    def confirmation(self) -> str:
        """The empreinte of the warnings the person confirmed ("" when the box is not ticked)."""
        return self.cleaned_data.get("empreinte", "") if self.cleaned_data.get("confirmer") else ""


class ProgrammationForm(SeanceForm):
    recurrence = forms.ChoiceField(
        label="Répétition",
        choices=regles.Recurrence.choices,
        required=False,
        error_messages={"invalid_choice": "Choisissez une répétition dans la liste."},
    )
    nombre = forms.IntegerField(
        label="Nombre de séances de la série",
        required=False,
        help_text=f"De 1 à {regles.SERIE_MAX}, la première comprise.",
        widget=forms.NumberInput(attrs={"min": 1, "max": regles.SERIE_MAX, **ENTIER}),
        error_messages={"invalid": f"Une série compte de 1 à {regles.SERIE_MAX} séances."},
    )
    jusqu_au = forms.DateField(
        label="Ou jusqu’au (date de la dernière séance)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="Laissez vide si vous indiquez un nombre de séances.",
        error_messages={"invalid": "Date invalide : utilisez le format jj/mm/aaaa, par exemple 26/05/2026."},
    )

    GROUPES = (
        ("quand", "Quand", ("date", "heure", "duree_minutes")),
        ("serie", "Répéter la séance", ("recurrence", "nombre", "jusqu_au")),
        ("qui", "Qui", ("capacite", "mediateurs")),
        ("ou", "Où", ("itinerante", "commune", "adresse")),
    )
    serie = True

    @classmethod
    def pour_atelier(cls, data, *, atelier: Atelier, animateurs, par_defaut) -> "ProgrammationForm":
        """Defaults from the workshop; the current user runs the session."""
        initial = {
            "duree_minutes": atelier.duree_minutes,
            "capacite": atelier.capacite,
            "heure": "14:00",
            "date": timezone.localdate(),
            "mediateurs": [str(par_defaut.pk)] if any(u.pk == par_defaut.pk for u in animateurs) else [],
        }
        return cls(data, lieu_id=atelier.lieu_id, animateurs=animateurs, initial=initial)

    def clean(self):
        cleaned = super().clean()
        if self.has_error("date"):
            return cleaned
        try:
            regles.dates_de_la_serie(
                premier=cleaned["date"],
                recurrence=cleaned.get("recurrence") or "",
                nombre=cleaned.get("nombre"),
                jusqu_au=cleaned.get("jusqu_au"),
            )
        except ValidationError as exc:
            for nom, messages in exc.message_dict.items():
                for message in messages:
                    if not self.has_error(nom):
                        self.add_error(nom, message)
        return cleaned


class ModificationSeanceForm(SeanceForm):
    @classmethod
    def pour_seance(cls, data, *, seance: Seance, animateurs) -> "ModificationSeanceForm":
        debut = timezone.localtime(seance.debut)
        mediateurs = list(seance.mediateurs.all())
        connus = {u.pk for u in animateurs}
        animateurs = list(animateurs) + [u for u in mediateurs if u.pk not in connus]  # who has left, still shown
        initial = {
            "date": debut.date(),
            "heure": debut.time(),
            "duree_minutes": seance.duree_minutes,
            "capacite": seance.capacite,
            "mediateurs": [str(u.pk) for u in mediateurs],
            "itinerante": seance.itinerante,
            "commune": seance.commune,
            "adresse": seance.adresse,
        }
        form = cls(data, lieu_id=seance.lieu_id, animateurs=animateurs, initial=initial)
        if seance.est_verrouillee:
            for nom in ("date", "heure", "duree_minutes"):
                form.fields[nom].disabled = True
                form.fields[nom].help_text = "La feuille d’émargement signée est déposée : ne change plus."
        return form


class AnnulationForm(forms.Form):
    motif = forms.CharField(
        label="Motif de l’annulation",
        max_length=regles.MOTIF_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : médiateur·rice malade, salle indisponible. Il est inscrit au journal.",
        error_messages={
            "required": "Indiquez le motif de l’annulation, par exemple « médiateur·rice malade ».",
            "max_length": f"Le motif compte au plus {regles.MOTIF_MAX} caractères.",
        },
    )
    toute_la_serie = forms.BooleanField(
        label="Annuler aussi les séances suivantes de la série",
        required=False,
    )
