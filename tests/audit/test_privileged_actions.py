"""Every privileged action leaves an audit event: second-factor checks (failed
and passed), recovery-code use, e-mail address changes, every Django admin add,
change and delete (authenticator removal included), certificate downloads and
review draft saves. All through the real pages."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from moderation.models.workflow import Recommendation
from moderation.ratings import Rating
from qualitymark.audit.models import AuditEvent
from tests.accounts.helpers import sign_in, totp_code
from tests.factories import MembershipFactory, ModeratorProfileFactory, UserFactory, enrol_totp
from tests.moderation.builders import screened_application
from tests.moderation.test_reviewer_pages import review_post

pytestmark = pytest.mark.django_db


def events(action: str, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("position"))


def test_wrong_and_right_second_factor_codes_are_audited(client):
    moderator = ModeratorProfileFactory().user
    secret = enrol_totp(moderator)
    sign_in(client, moderator.email)
    client.post(reverse("mfa_authenticate"), {"code": "000000"}, REMOTE_ADDR="198.51.100.4")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    [failed] = events("auth.second_factor_failed", actor=moderator)
    assert failed.changes["type"] == "totp"
    assert failed.ip_address == "198.51.100.4"
    [passed] = events("auth.second_factor_passed", actor=moderator)
    assert passed.changes == {"type": "totp", "reauthenticated": False}
    assert passed.position > failed.position


def test_signing_in_with_a_recovery_code_is_audited(client):
    moderator = ModeratorProfileFactory().user
    enrol_totp(moderator)
    code = RecoveryCodes.activate(moderator).get_unused_codes()[0]
    sign_in(client, moderator.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    [used] = events("auth.recovery_code_used", actor=moderator)
    assert used.changes["type"] == "recovery_codes"
    assert not events("auth.second_factor_passed", actor=moderator)


def test_adding_and_removing_an_email_address_is_audited(client):
    user = MembershipFactory().user
    client.force_login(user)
    client.post(reverse("account_email"), {"email": "second@example.org", "action_add": ""})
    [added] = events("account.email_added", actor=user)
    assert added.changes == {"email": "second@example.org"}
    client.post(reverse("account_email"), {"email": "second@example.org", "action_remove": ""})
    [removed] = events("account.email_removed", actor=user)
    assert removed.changes == {"email": "second@example.org"}


@pytest.fixture
def admin_client():
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    enrol_totp(admin_user)
    client = Client()
    client.force_login(admin_user)
    return client, admin_user


def test_admin_add_change_and_delete_are_audited(admin_client):
    client, admin_user = admin_client
    client.post(reverse("admin:auth_group_add"), {"name": "Auditors"})
    group = Group.objects.get(name="Auditors")
    client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "Reviewers"})
    client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"})

    [added] = events("admin.added", actor=admin_user)
    [changed] = events("admin.changed", actor=admin_user)
    [deleted] = events("admin.deleted", actor=admin_user)
    assert added.target_type == changed.target_type == deleted.target_type == "auth.group"
    assert added.target_id == changed.target_id == deleted.target_id == str(group.pk)
    assert changed.changes["message"] == [{"changed": {"fields": ["Name"]}}]
    assert deleted.changes == {"object": "Reviewers"}


def test_admin_bulk_delete_audits_each_object(admin_client):
    client, admin_user = admin_client
    groups = [Group.objects.create(name=f"Group {n}") for n in range(3)]
    client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [g.pk for g in groups], "post": "yes"},
    )
    assert not Group.objects.exists()
    deleted = events("admin.deleted", actor=admin_user)
    assert sorted(e.target_id for e in deleted) == sorted(str(g.pk) for g in groups)


def test_admin_removing_a_moderators_authenticator_is_audited(admin_client):
    client, admin_user = admin_client
    moderator = ModeratorProfileFactory().user
    enrol_totp(moderator)
    authenticator = Authenticator.objects.get(user=moderator, type=Authenticator.Type.TOTP)
    response = client.post(
        reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    [deleted] = events("admin.deleted", actor=admin_user)
    assert deleted.target_type == "mfa.authenticator"
    assert deleted.target_id == str(authenticator.pk)


def test_saving_a_review_draft_is_audited():
    application, assignments = screened_application()
    moderator = assignments[0].moderator.user
    client = Client()
    client.force_login(moderator)
    client.post(
        reverse("moderation:review", args=[application.pk]),
        review_post(
            application,
            ratings={1: Rating.MEETS},
            recommendation=Recommendation.FULL,
            summary="Half way.",
            layout="reading",
        ),
    )
    [saved] = events("review.draft_saved", actor=moderator)
    assert saved.target_id == str(application.pk)
    assert saved.changes["version"] == 1
