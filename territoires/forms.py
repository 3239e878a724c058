"""A form field to choose a commune of the reference: a text field with the communes
autocomplete (static/js/recherche-commune.js) and a hidden INSEE code. Without JavaScript the
server resolves what was typed: « Guéret », « 23000 », « 23000 Guéret » or an INSEE code."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from .models import Commune
from .selectors import libelle_commune, resoudre_commune

# The JSON endpoint of the autocomplete (public directory of places).
URL_SUGGESTIONS = reverse_lazy("structures_public:communes")


class CommuneWidget(forms.Widget):
    template_name = "territoires/widgets/commune.html"

    class Media:
        js = ["js/recherche-commune.js"]

    def __init__(self, attrs=None, url=URL_SUGGESTIONS):
        super().__init__(attrs)
        self.url = url

    def value_from_datadict(self, data, files, name):
        return {"code": (data.get(name) or "").strip(), "texte": (data.get(f"{name}_texte") or "").strip()}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_texte" not in data

    def format_value(self, value):
        if isinstance(value, Commune):
            return {"code": value.code_insee, "texte": libelle_commune(value)}
        if isinstance(value, dict):
            return value
        if value:  # a primary key (initial from a model instance)
            commune = Commune.objects.filter(pk=value).first()
            if commune is not None:
                return {"code": commune.code_insee, "texte": libelle_commune(commune)}
        return {"code": "", "texte": ""}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["url"] = str(self.url)
        return context


class CommuneField(forms.Field):
    widget = CommuneWidget
    default_error_messages = {
        "required": "Indiquez la commune : tapez son nom ou son code postal, puis choisissez-la dans la liste.",
        "inconnue": "Aucune commune ne correspond à « %(texte)s ». Vérifiez l’orthographe ou tapez le code postal.",
        "ambigue": "Plusieurs communes correspondent à « %(texte)s » (%(exemples)s) : choisissez-la dans la liste "
        "ou ajoutez le code postal, par exemple « 23000 Guéret ».",
    }

    def to_python(self, value):
        if isinstance(value, Commune) or value in (None, ""):
            return value or None
        code, texte = value.get("code", ""), value.get("texte", "")[:100]
        if not (code or texte):
            return None
        trouvee = resoudre_commune(texte=texte, code_insee=code)
        if trouvee.commune is not None:
            return trouvee.commune
        if not trouvee.possibles:
            raise ValidationError(self.error_messages["inconnue"], code="inconnue", params={"texte": texte})
        exemples = ", ".join(libelle_commune(c) for c in trouvee.possibles[:3])
        raise ValidationError(
            self.error_messages["ambigue"], code="ambigue", params={"texte": texte, "exemples": exemples}
        )
