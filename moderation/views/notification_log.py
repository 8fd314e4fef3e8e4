"""Coram staff's notification log: every e-mail, its status and error,
resending one that failed or was lost, and a preview of every template."""

from crispy_forms_gds.layout import Field
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from qualitymark.core.forms import gds_helper
from qualitymark.core.pagination import bounded_page
from qualitymark.core.permissions import staff_required
from qualitymark.notifications.models import EmailStatus, SentEmail
from qualitymark.notifications.services import resend_email

from ..email_previews import render_preview, template_names
from ..selectors.notification_log import about_url, notification_log


class LogFilterForm(forms.Form):
    query = forms.CharField(label="Recipient, subject or application", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *EmailStatus.choices]
    )
    template = forms.ChoiceField(label="E-mail", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "Every e-mail")] + [
            (name, name.replace("_", " ").capitalize()) for name in template_names()
        ]
        self.helper = gds_helper(
            Field.text("query"),
            Field.select("status"),
            Field.select("template"),
            submit_label="Filter",
            method="get",
        )


@staff_required
@require_GET
def email_list(request):
    form = LogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    emails = notification_log(
        query=(filters.get("query") or "").strip(),
        status=filters.get("status") or "",
        template=filters.get("template") or "",
    )
    page = bounded_page(request, emails)
    rows = [(email, about_url(email)) for email in page.object_list]
    return render(
        request,
        "moderation/staff/emails/list.html",
        {"filter_form": form, "page": page, "rows": rows},
    )


@staff_required
@require_GET
def email_detail(request, pk):
    email = get_object_or_404(SentEmail, pk=pk)
    return render(
        request,
        "moderation/staff/emails/detail.html",
        {
            "email": email,
            "about_url": about_url(email),
            "resend_from": RESEND_FROM.get(email.template, ""),
            "anonymised": ANONYMISED if not email.recipients else "",
        },
    )


ANONYMISED = (
    "This e-mail's addresses were removed under the data retention schedule, "
    "so it cannot be sent again."
)

# Messages holding a secret are not kept whole, so they are sent again from
# the page that makes a new secret.
RESEND_FROM = {"invitation": "staff:invitation_list"}


@staff_required
@require_POST
def email_resend(request, pk):
    email = get_object_or_404(SentEmail, pk=pk)
    if email.template in RESEND_FROM:
        messages.error(request, "Send a new invitation link from the invitations page.")
        return redirect(RESEND_FROM[email.template])
    if not email.recipients:
        messages.error(request, ANONYMISED)
        return redirect("staff:email", email.pk)
    resent = resend_email(actor=request.user, email=email)
    if resent.pk == email.pk:
        messages.success(request, "The e-mail is back in the queue and will be sent again.")
    else:
        messages.success(request, "A new copy of the e-mail is in the queue.")
    return redirect("staff:email", resent.pk)


@staff_required
@require_GET
def email_previews(request):
    return render(request, "moderation/staff/emails/previews.html", {"names": template_names()})


@staff_required
@require_GET
def email_preview(request, name):
    if name not in template_names():
        raise Http404
    subject, body = render_preview(name)
    return render(
        request,
        "moderation/staff/emails/preview.html",
        {"name": name, "subject": subject, "body": body},
    )
