"""The default retention schedule. Coram staff can change the periods and the
wording afterwards; the privacy notice shows whatever the rows say."""

from django.db import migrations

DEFAULT_SCHEDULE = [
    {
        "key": "decided-applications",
        "records": (
            "The narratives, answers to moderators' questions and evidence files (with the "
            "text read from them) of a decided application"
        ),
        "starts_from": "the end of the award, or the decision if no award was made",
        "period_months": 72,
        "action": "delete",
        "why": (
            "So that renewals, reviews of decisions and complaints can refer to them. The "
            "reference, dates, reviews, decision and award stay on record."
        ),
    },
    {
        "key": "withdrawn-applications",
        "records": (
            "The narratives, answers to moderators' questions and evidence files of a "
            "withdrawn application"
        ),
        "starts_from": "the withdrawal",
        "period_months": 12,
        "action": "delete",
        "why": "In case the agency asks about it. The reference and dates stay on record.",
    },
    {
        "key": "abandoned-drafts",
        "records": "A draft application nobody has changed, with everything in it",
        "starts_from": "the last change to the draft",
        "period_months": 12,
        "action": "delete",
        "why": "So that an agency can come back to its work.",
    },
    {
        "key": "unused-accounts",
        "records": "An account nobody has signed in to",
        "starts_from": "the last sign-in, or the account's creation if it was never used",
        "period_months": 24,
        "action": "close",
        "why": (
            "A closed account cannot sign in and its second factor is removed. The name stays "
            "with the work the person did unless they ask us to erase it."
        ),
    },
    {
        "key": "security-event-details",
        "records": (
            "Internet addresses, and e-mail addresses typed when signing in, in the record "
            "of what was done"
        ),
        "starts_from": "the sign-in or action",
        "period_months": 12,
        "action": "anonymise",
        "why": "To detect and look into misuse of the service.",
    },
    {
        "key": "sent-emails",
        "records": "The addresses each e-mail from the service went to, and its text where kept",
        "starts_from": "the sending",
        "period_months": 12,
        "action": "anonymise",
        "why": "To answer questions about whether someone was told. The subject and date stay.",
    },
    {
        "key": "invitations",
        "records": "Invitations: the e-mail address invited and the role offered",
        "starts_from": "the end of the invitation's validity",
        "period_months": 24,
        "action": "delete",
        "why": "To show who was invited to what, and by whom.",
    },
    {
        "key": "content-views",
        "records": (
            "The record of which moderator, panel chair or member of staff opened an "
            "application's content, and when"
        ),
        "starts_from": "the viewing",
        "period_months": 72,
        "action": "delete",
        "why": "So that we can tell an agency who saw its application.",
    },
]


def add_schedule(apps, schema_editor):
    RetentionRule = apps.get_model("governance", "RetentionRule")
    for position, values in enumerate(DEFAULT_SCHEDULE, start=1):
        RetentionRule.objects.update_or_create(
            key=values["key"], defaults={**values, "position": position}
        )


def remove_schedule(apps, schema_editor):
    RetentionRule = apps.get_model("governance", "RetentionRule")
    RetentionRule.objects.filter(key__in=[values["key"] for values in DEFAULT_SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
