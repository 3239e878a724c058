"""Forms of the coordinators' tools on personal data: merging two records, erasing one.

Both actions are irreversible, so both ask for an explicit checkbox."""

from django import forms


class FusionForm(forms.Form):
    autre = forms.IntegerField(widget=forms.HiddenInput)
    confirmation = forms.BooleanField(
        label="Je confirme que ces deux fiches décrivent la même personne et que la fusion est définitive.",
        error_messages={"required": "Cochez la case pour confirmer la fusion : elle ne peut pas être annulée."},
    )


class AnonymisationForm(forms.Form):
    confirmation = forms.BooleanField(
        label="Je confirme l’anonymisation définitive de cette fiche, à la demande de la personne.",
        error_messages={
            "required": "Cochez la case pour confirmer l’anonymisation : les données effacées ne pourront pas être "
            "retrouvées."
        },
    )
