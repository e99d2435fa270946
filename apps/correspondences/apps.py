from django.apps import AppConfig


class CorrespondencesConfig(AppConfig):
    name = "apps.correspondences"
