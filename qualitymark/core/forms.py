"""Small helpers shared by every app's views for working with forms."""

from django.core.exceptions import ValidationError


def posted(request):
    """The submitted data on POST, else None, so a form is bound on every POST,
    even one that sends nothing (no boxes ticked, a confirmation button)."""
    return request.POST if request.method == "POST" else None


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside the field it names,
    or in the error summary when it names none of the form's fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
