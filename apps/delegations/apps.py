from django.apps import AppConfig


class DelegationsConfig(AppConfig):
    name = "apps.delegations"
