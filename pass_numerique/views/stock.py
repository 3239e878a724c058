"""The prescribers' stock page: their organisation's unused booklets per dispositif (référents and
agents), and the return of booklets to the département (référents)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import donnees_postees

from ..forms_dispositifs import RetourForm
from ..selectors import stock as stocks
from ..services import dotations


@role_required(Role.REFERENT, Role.AGENT)
def stock(request):
    organisme = stocks.organisme_du_stock(request.membership)
    lignes = stocks.stock_organisme(organisme)
    return render(
        request,
        "pass_numerique/stock/stock.html",
        {
            "organisme": organisme,
            "lignes": lignes,
            "nb_carnets": sum(ligne.stock.nb_carnets for ligne in lignes),
            "peut_retourner": request.membership.role == Role.REFERENT,
        },
    )


@role_required(Role.REFERENT)
@require_http_methods(["GET", "POST"])
def retourner(request):
    """GET: choose a dispositif and a range of booklet numbers; POST: the confirmation listing the
    booklets; POST with `confirmer` and the booklets' ids: the return."""
    organisme = stocks.organisme_du_stock(request.membership)
    if request.method == "POST" and request.POST.get("confirmer"):
        carnets = stocks.get_carnets_du_stock(organisme, request.POST.getlist("carnets"))  # 404 if not ours
        try:
            dotations.retourner(par=request.membership, carnets=carnets, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"{len(carnets)} carnet{'s' if len(carnets) > 1 else ''} retourné{'s' if len(carnets) > 1 else ''} "
                f"au département ({stocks.texte_plages(stocks.plages(sorted(c.numero for c in carnets)))}).",
            )
        return redirect("pass_dispositifs:stock")
    form = RetourForm(donnees_postees(request), dispositifs=stocks.dispositifs_du_stock(organisme))
    if request.method == "POST" and form.is_valid():
        dispositif = form.cleaned_data["dispositif"]
        du, au = form.cleaned_data["du"] or 1, form.cleaned_data["au"] or 2**31 - 1
        carnets = stocks.carnets_a_retourner(organisme, dispositif, du=du, au=au)
        if not carnets:
            form.add_error(None, "Aucun carnet de votre stock ne porte un numéro dans cette plage.")
        else:
            return render(
                request,
                "pass_numerique/stock/retourner_confirmer.html",
                {
                    "organisme": organisme,
                    "dispositif": dispositif,
                    "carnets": carnets,
                    "nb_cheques": sum(c.taille for c in carnets),
                    "plages": stocks.texte_plages(stocks.plages(c.numero for c in carnets), limite=20),
                },
            )
    return render(
        request,
        "pass_numerique/stock/retourner.html",
        {"organisme": organisme, "form": form, "lignes": stocks.stock_organisme(organisme)},
    )
