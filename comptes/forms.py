from django import forms

from .models import Organisation


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail de la personne invitée",
        error_messages={
            "required": "Indiquez l’adresse e-mail de la personne à inviter.",
            "invalid": "Cette adresse e-mail n’est pas valide.",
        },
    )
    role = forms.ChoiceField(label="Rôle", error_messages={"required": "Choisissez un rôle."})

    def __init__(self, *args, organisation: Organisation, role_propose: str | None = None, **kwargs):
        """`role_propose` (e.g. from `?role=referent`) is preselected when the organisation has it."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in organisation.roles]
        self.fields["role"].error_messages["invalid_choice"] = "Ce rôle n’existe pas pour ce type d’organisation."
        roles = [r.value for r in organisation.roles]
        # Least privilege by default (agent, médiateur, lecteur): the manager role is chosen on purpose.
        self.fields["role"].initial = role_propose if role_propose in roles else roles[-1]


class AccepterInvitationForm(forms.Form):
    """Account creation from an invitation link: the e-mail comes from the invitation."""

    first_name = forms.CharField(
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        label="Prénom",
        max_length=150,
        error_messages={"required": "Indiquez votre prénom."},
    )
    last_name = forms.CharField(
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        label="Nom",
        max_length=150,
        error_messages={"required": "Indiquez votre nom."},
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 12 caractères, pas uniquement des chiffres, ni un mot de passe trop courant.",
        error_messages={"required": "Choisissez un mot de passe."},
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Confirmez votre mot de passe."},
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        return data


class ChoisirOrganisationForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
