"""Django's password rules, in the service's own words."""

from django.contrib.auth import password_validation as django_rules


class MinimumLength(django_rules.MinimumLengthValidator):
    def get_error_message(self):
        return f"Your password must be {self.min_length} characters or more"

    def get_help_text(self):
        return f"Use at least {self.min_length} characters."


class NotLikeYourDetails(django_rules.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "Your password must not be like your name or e-mail address"

    def get_help_text(self):
        return "Do not use your name or e-mail address."


class NotCommon(django_rules.CommonPasswordValidator):
    def get_error_message(self):
        return "Your password is on a list of common passwords: choose one that is harder to guess"

    def get_help_text(self):
        return "Do not use a common password."


class NotOnlyNumbers(django_rules.NumericPasswordValidator):
    def get_error_message(self):
        return "Your password must not be only numbers"

    def get_help_text(self):
        return "Do not use only numbers."
