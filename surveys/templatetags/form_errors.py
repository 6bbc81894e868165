"""The error summary of a re-shown form: one link per field with an error, to its first input."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class FormProblem:
    message: str
    label: str = ""
    anchor: str = ""  # the id of the field's first input; "" for the form's own errors (no link)


@register.simple_tag
def form_problems(form: forms.BaseForm) -> list[FormProblem]:
    """The form's own errors, then each visible field's first error in the form's order. Hidden
    fields are left out: the respondent cannot fix them (the form says so in its own error)."""
    problems = [FormProblem(message=str(message)) for message in form.non_field_errors()]
    for field in form.visible_fields():
        if field.errors:
            # A radio group has no element of its own id: its first choice is id_<name>_0.
            radio = getattr(field.field.widget, "input_type", "") == "radio"
            anchor = f"{field.auto_id}_0" if radio else field.auto_id
            problems.append(FormProblem(message=str(field.errors[0]), label=str(field.label), anchor=anchor))
    return problems
