"""Writes about people: accounts made from invitations and the Coram staff role."""

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from qualitymark.audit.services import record_event
from qualitymark.core.permissions import require_perm

from .models import User
from .roles import forget_roles


@transaction.atomic
def create_invited_user(*, email: str, full_name: str, password: str) -> User:
    """Create an account for someone who followed an invitation link. The link
    proved they receive mail at the address, so it is recorded as verified."""
    email = User.objects.normalize_email(email).strip().lower()
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": "Enter your full name"})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this e-mail address already exists"})
    validate_password(password, user=User(email=email, full_name=full_name))
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    mark_email_verified(user=user, email=email)
    record_event(
        actor=user,
        action="user.created_from_invitation",
        target=user,
        changes={"email": email, "full_name": full_name},
    )
    return user


def mark_email_verified(*, user, email: str) -> None:
    """Record the address as verified and primary (proved by an invitation link)."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


@transaction.atomic
def grant_coram_staff(*, actor, user) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_coram_staff:
        user.is_coram_staff = True
        user.save(update_fields=["is_coram_staff"])
        record_event(
            actor=actor,
            action="user.coram_staff_granted",
            target=user,
            changes={"is_coram_staff": [False, True]},
        )
    forget_roles(user)
    return user


@transaction.atomic
def revoke_coram_staff(*, actor, user) -> User:
    """Take away Coram staff rights. Nobody can take their own away, so the
    scheme cannot be left without anyone able to run it by accident."""
    require_perm(
        actor,
        "users.change_staff_rights",
        message="Only Coram staff can change Coram staff rights.",
    )
    if actor.pk == user.pk:
        raise ValidationError("You cannot remove your own Coram staff rights.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_coram_staff:
        user.is_coram_staff = False
        user.save(update_fields=["is_coram_staff"])
        record_event(
            actor=actor,
            action="user.coram_staff_revoked",
            target=user,
            changes={"is_coram_staff": [True, False]},
        )
    forget_roles(user)
    return user
