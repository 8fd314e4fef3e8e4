from django.apps import AppConfig


class DescriptorsConfig(AppConfig):
    name = "descriptors"
    verbose_name = "Descriptor framework"
