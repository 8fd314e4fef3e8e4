from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qualitymark.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.core.validators import MaxLengthValidator
        from django.utils.translation import ngettext_lazy

        from . import sign_in_limit  # noqa: F401  (connects its sign-in receiver)

        # Every form's length limit in the GOV.UK style, in place of Django's "Ensure this
        # value has at most 500 characters (it has 612)."
        MaxLengthValidator.message = ngettext_lazy(
            "This must be %(limit_value)d character or less – you have entered %(show_value)d",
            "This must be %(limit_value)d characters or less – you have entered %(show_value)d",
            "limit_value",
        )
        # A value that is not one of a list's options (a changed or old link), in place of
        # "Select a valid choice. bogus is not one of the available choices."
        from django import forms

        for field in (
            forms.ChoiceField,
            forms.MultipleChoiceField,
            forms.ModelChoiceField,
            forms.ModelMultipleChoiceField,
        ):
            field.default_error_messages = {
                **field.default_error_messages,
                "invalid_choice": "Select one of the options in the list",
            }
