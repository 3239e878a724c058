"""Form helpers shared by every app's views. Imports none of our apps."""

from django.core.exceptions import ValidationError


def ajouter_erreurs_du_service(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it,
    otherwise as a form-wide error (so no message is ever lost)."""
    if hasattr(exc, "error_dict"):
        for champ, erreurs in exc.message_dict.items():
            for erreur in erreurs:
                form.add_error(champ if champ in form.fields else None, erreur)
    else:
        for erreur in exc.messages:
            form.add_error(None, erreur)


def donnees_postees(request):
    """The submitted data on POST (even empty, so a blank form shows its errors), else None."""
    return request.POST if request.method == "POST" else None
