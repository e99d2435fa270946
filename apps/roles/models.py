from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LocalizedNameMixin:
    @property
    def name(self):
        return self.name_en if get_language() == "en" else self.name_nb


class RegisterRoleType(LocalizedNameMixin, models.Model):
    """A kind of role in the Register of Business Enterprises (DAGL, LEDE …)."""

    code = models.CharField(_("code"), max_length=10, primary_key=True)
    name_nb = models.CharField(_("name (Bokmål)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    # R1: the key roles, which make their holder Main Administrator and give
    # Mail/Archive, when held by a person with a national identity number.
    is_key_role = models.BooleanField(_("key role"), default=False)

    class Meta:
        verbose_name = _("role type in the register")
        verbose_name_plural = _("role types in the register")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Right(LocalizedNameMixin, models.Model):
    """An access package or role that an organisation can hand out.

    A single service is a right too, but it lives on the service itself.
    """

    class Kind(models.TextChoices):
        PACKAGE = "package", _("access package")
        ROLE = "role", _("role")

    MAIL_ARCHIVE = "mail-archive"
    MAIL_CONFIDENTIAL = "mail-confidential"
    MAIN_ADMINISTRATOR = "main-administrator"
    ACCESS_MANAGER = "access-manager"

    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    name_nb = models.CharField(_("name (Bokmål)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_nb = models.TextField(_("description (Bokmål)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # Confidential rights are never derived from key roles (R4).
    is_confidential = models.BooleanField(_("confidential"), default=False)

    class Meta:
        verbose_name = _("access package or role")
        verbose_name_plural = _("access packages and roles")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name

    @property
    def description(self):
        return self.description_en if get_language() == "en" else self.description_nb
