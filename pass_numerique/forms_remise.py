"""Forms of the remise pages. The rules live in services/remise.py: these only collect input."""

from django import forms

from .models import Dispositif


class RemiseForm(forms.Form):
    """Choose the dispositif among those the page offers (`choix`: selectors.remise.Choix)."""

    dispositif = forms.TypedChoiceField(
        label="Dispositif",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le dispositif du carnet à remettre.",
            "invalid_choice": "Votre organisme ne remet pas de carnet de ce dispositif.",
        },
    )

    def __init__(self, *args, choix=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.choix = {c.dispositif.pk: c for c in choix}
        # Every offered dispositif, even one that cannot be handed out now: the service then
        # says exactly why (the page disables those radios).
        self.fields["dispositif"].choices = [(c.dispositif.pk, c.dispositif.nom) for c in choix]

    @property
    def choix_retenu(self):
        return self.choix[self.cleaned_data["dispositif"]]


class DerogationForm(forms.Form):
    dispositif = forms.ModelChoiceField(
        label="Dispositif",
        queryset=Dispositif.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choisissez le dispositif.",
            "invalid_choice": "Choisissez un dispositif dont la personne a déjà un carnet.",
        },
    )
    motif = forms.CharField(
        label="Motif de la dérogation",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pourquoi cette personne reçoit un carnet de plus (carnet perdu, parcours plus long…). "
        "N’écrivez aucune information de santé.",
        error_messages={
            "required": "Indiquez le motif de la dérogation.",
            "max_length": "Le motif est trop long (500 caractères au plus).",
        },
    )

    def __init__(self, *args, dispositifs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = dispositifs


class RechercheChequeForm(forms.Form):
    q = forms.CharField(
        label="Code ou numéro de série du chèque",
        max_length=40,
        help_text="Le code de 10 caractères (K7M3Q-XR9P4) ou le numéro de série imprimé sur le chèque.",
        error_messages={"required": "Saisissez le code ou le numéro de série du chèque."},
    )
