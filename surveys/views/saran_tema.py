"""The city admin's page of the suggestion theme rules."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from surveys.saran_tema_forms import SaranTemaRulesForm
from surveys.selectors.unsur import unsur_list
from surveys.services.saran_tema import saran_rules_data, saran_rules_save
from units.access import city_admin_required


@city_admin_required
def saran_tema_rules(request: HttpRequest) -> HttpResponse:
    form = SaranTemaRulesForm(request.POST or None, data_in_force=saran_rules_data())
    if request.method == "POST" and form.is_valid():
        saran_rules_save(data=form.cleaned_data["data"], user=request.user, changed=form.cleaned_data["changed"])
        messages.success(
            request,
            _(
                "The rules are saved and apply to new suggestions now. Run "
                "`python manage.py saran_tema_rebuild` to apply them to the stored ones."
            ),
        )
        return redirect("surveys:saran_tema_rules")
    names = {u.kode: u.nama for u in unsur_list()}
    unsur = [(kode, names.get(kode, kode), fields) for kode, fields in form.unsur_fields()]
    return render(request, "surveys/saran_tema_rules.html", {"form": form, "unsur": unsur})
