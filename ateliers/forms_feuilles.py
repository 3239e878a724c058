"""The upload form of a signed attendance sheet, and the upload handler that cuts off a file over
the size limit while it streams in (so a 30 MB scan never lands whole on the disk; Django's
DATA_UPLOAD_MAX_MEMORY_SIZE counts only the non-file fields of a multipart body, so it never
refuses the upload with a 400 before our message)."""

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from structures.services.importation import taille_lisible

from .services import feuilles as service

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class LimiteDeTaille(FileUploadHandler):
    """First of the upload handlers: stops receiving a file as soon as it exceeds `limite` bytes
    (the file is skipped: the form then sees no file, and the view shows `message`)."""

    def __init__(self, request=None, *, limite: int):
        super().__init__(request)
        self.limite = limite
        self.depasse = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limite:
            self.depasse = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


class FeuilleForm(forms.Form):
    fichier = forms.FileField(
        label="Feuille signée, scannée ou photographiée",
        error_messages={
            "required": "Choisissez le fichier de la feuille signée.",
            "empty": "Le fichier est vide : scannez de nouveau la feuille signée.",
            "invalid": "Aucun fichier n’a été reçu : choisissez-le de nouveau.",
        },
    )
    motif = forms.CharField(
        label="Motif du remplacement",
        required=False,
        max_length=service.MOTIF_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : page manquante, scan illisible, mauvaise séance. Il est inscrit au journal.",
    )

    def __init__(self, *args, remplacement: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fichier"].help_text = (
            f"PDF, JPEG ou PNG, {taille_lisible(service.taille_max())} au maximum. "
            "Sur un téléphone, vous pouvez photographier la feuille."
        )
        self.fields["fichier"].widget.attrs["accept"] = ACCEPT
        if remplacement:
            motif = self.fields["motif"]
            motif.required = True
            motif.error_messages["required"] = (
                f"Indiquez pourquoi vous remplacez la feuille déjà déposée (au moins {service.MOTIF_MIN} caractères)."
            )
        else:
            del self.fields["motif"]

    def signaler_trop_gros(self) -> None:
        """The upload was cut off: replace the « no file » error by the size message."""
        self.is_valid()
        self.errors.pop("fichier", None)
        self.add_error("fichier", service.message_taille())

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        try:
            service.verifier_fichier(fichier)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["fichier"]) from None
        return fichier

    def clean_motif(self):
        try:
            return service.motif_valide(self.cleaned_data["motif"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["motif"]) from None
