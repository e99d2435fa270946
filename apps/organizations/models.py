from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from apps.organizations.validators import (
    validate_mobile_number,
    validate_national_identity_number,
    validate_organization_number,
)


class Organization(models.Model):
    """A unit in the Register of Business Enterprises, or one of its sub-units."""

    number = models.CharField(
        _("organisation number"),
        max_length=9,
        unique=True,
        validators=[validate_organization_number],
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    form = models.CharField(_("organisation form"), max_length=10, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_units",
        verbose_name=_("parent unit"),
    )
    is_bankrupt = models.BooleanField(_("bankrupt"), default=False)
    is_deleted = models.BooleanField(_("deleted from the register"), default=False)
    deleted_on = models.DateField(_("deleted on"), null=True, blank=True)
    # False for a unit known only because a role file named it, until the
    # unit itself is imported.
    is_registered = models.BooleanField(_("imported from the register"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "number"]
        permissions = [
            ("manage_access", _("Can manage access as Main Administrator")),
        ]

    def __str__(self):
        name = self.name or _("(unnamed)")
        return f"{name} ({self.number})"

    @property
    def can_receive(self):
        return not self.is_deleted


class NotificationAddress(models.Model):
    """An email address or mobile number to notify of new correspondence."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        SMS = "sms", _("SMS")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="notification_addresses"
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel)
    address = models.CharField(_("address"), max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification address")
        verbose_name_plural = _("notification addresses")
        ordering = ["channel", "address"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "channel", "address"],
                name="notification_address_unique",
            )
        ]

    def __str__(self):
        return self.address

    def clean(self):
        from django.core.validators import validate_email

        if self.channel == self.Channel.EMAIL:
            validate_email(self.address)
        else:
            validate_mobile_number(self.address)


class Person(models.Model):
    """A person identified by national identity number or D-number."""

    national_id = models.CharField(
        _("national identity number"),
        max_length=11,
        unique=True,
        validators=[validate_national_identity_number],
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        parts = [self.first_name, self.middle_name, self.last_name]
        return " ".join(p for p in parts if p)

    @property
    def masked_national_id(self):
        return f"{self.national_id[:6]}*****"


class RegisterRole(models.Model):
    """A role in the Register of Business Enterprises, held by someone.

    The holder is a person with a national identity number, a person known
    only by birth date and name, another organisation, or something the
    register adds later (kept as it came). Only the first kind can give
    rights (R1).
    """

    class HolderKind(models.TextChoices):
        PERSON = "person", _("person")
        UNIDENTIFIED_PERSON = "unidentified", _("person without national id")
        ORGANIZATION = "organization", _("organisation")
        OTHER = "other", _("other")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="register_roles"
    )
    role_type = models.ForeignKey(
        "roles.RegisterRoleType", on_delete=models.PROTECT, related_name="holdings"
    )
    holder_kind = models.CharField(max_length=12, choices=HolderKind)
    # What identifies the holder within the organisation and role, so that a
    # second import finds the same row: the person's or organisation's id,
    # or the birth date and name of an unidentified person.
    holder_key = models.CharField(max_length=255)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="register_roles",
    )
    holder_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles_held",
    )
    holder_name = models.CharField(max_length=255, blank=True)
    holder_birth_date = models.DateField(null=True, blank=True)
    holder_data = models.JSONField(null=True, blank=True)
    is_deregistered = models.BooleanField(_("deregistered"), default=False)
    # Set when a newer import of the organisation's roles no longer has it.
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("role in the register")
        verbose_name_plural = _("roles in the register")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "role_type", "holder_key"],
                name="register_role_unique_holder",
            )
        ]

    def __str__(self):
        return f"{self.role_type_id} {self.holder_name} @ {self.organization_id}"

    @property
    def is_active(self):
        return not self.is_deregistered and self.ended_at is None


class OrganizationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)


class OrganizationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)
