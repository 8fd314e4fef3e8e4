"""Coram staff pages for the descriptor framework (under /staff/frameworks/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from qualitymark.core.forms import form_page
from qualitymark.core.permissions import permission_required

from . import selectors, services
from .forms import DescriptorForm, FrameworkDetailsForm, FrameworkUploadForm, MarkerForm
from .framework_data import CONTENT_TYPES, FORMATS, FrameworkFileError
from .io import dump_framework, export_filename
from .models import Framework, FrameworkLockedError, FrameworkStatus


def _detail_url(framework_or_pk) -> str:
    pk = getattr(framework_or_pk, "pk", framework_or_pk)
    return reverse("staff:framework_detail", args=[pk])


def _descriptor_url(descriptor) -> str:
    """The framework's page, at the descriptor."""
    return f"{_detail_url(descriptor.framework_id)}#descriptor-{descriptor.number}"


def _confirm(request, *, framework, title, paragraphs, button, problems=(), warning=False):
    return render(
        request,
        "descriptors/framework_confirm.html",
        {
            "framework": framework,
            "title": title,
            "paragraphs": paragraphs,
            "button": button,
            "problems": problems,
            "warning": warning,
            "cancel_url": _detail_url(framework),
        },
    )


def _framework_form(request, form, framework, action, *, success, then, title):
    """The draft's form page; a framework published meanwhile is locked, so back to it."""
    try:
        return form_page(
            request,
            form,
            action,
            success=success,
            then=then,
            template="descriptors/framework_form.html",
            framework=framework,
            title=title,
            caption=str(framework),
            back_url=_detail_url(framework),
        )
    except FrameworkLockedError as error:
        return _locked_redirect(request, framework, error)


def _beside(field, action, problem=ValidationError):
    """`action`, with the `problem` it raises shown beside `field`."""

    def run():
        try:
            return action()
        except problem as error:
            raise ValidationError({field: error.messages}) from error

    return run


def _locked_redirect(request, framework, error: Exception):
    messages.warning(request, str(error))
    return redirect(_detail_url(framework))


@permission_required("descriptors.manage_frameworks")
@require_GET
def framework_list(request):
    return render(
        request,
        "descriptors/framework_list.html",
        {
            "frameworks": selectors.frameworks_for_staff(),
            "current": selectors.current_framework(),
        },
    )


@permission_required("descriptors.manage_frameworks")
@require_GET
def framework_detail(request, pk):
    framework = selectors.framework_with_content(pk)
    return render(
        request,
        "descriptors/framework_detail.html",
        {
            "framework": framework,
            "descriptors": framework.descriptors.all(),
            "is_current": framework == selectors.current_framework(),
            "formats": FORMATS,
        },
    )


@permission_required("descriptors.manage_frameworks")
@require_http_methods(["GET", "POST"])
def framework_upload(request):
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        _beside(
            "file",
            lambda: services.import_framework(data=form.framework_data, actor=request.user),
            FrameworkFileError,
        ),
        success=lambda framework: (
            f"Imported '{framework.name}' version {framework.version} as a draft. "
            "Check it, then publish it when it is ready."
        ),
        then=_detail_url,
        template="descriptors/framework_upload.html",
    )


@permission_required("descriptors.manage_frameworks")
@require_http_methods(["GET", "POST"])
def framework_edit(request, pk):
    framework = selectors.draft_framework(pk)
    initial = {
        "title": framework.title,
        "effective_from": framework.effective_from,
        "is_working_wording": framework.is_working_wording,
        "notes": framework.notes,
    }
    form = FrameworkDetailsForm(request.POST or None, initial=initial)
    return _framework_form(
        request,
        form,
        framework,
        lambda: services.update_framework_details(
            framework=framework, actor=request.user, **form.cleaned_data
        ),
        success="The framework's details are saved.",
        then=_detail_url(framework),
        title="Edit framework details",
    )


@permission_required("descriptors.manage_frameworks")
@require_http_methods(["GET", "POST"])
def framework_descriptor_edit(request, pk, number):
    descriptor = selectors.draft_descriptor(pk, number)
    framework = descriptor.framework
    initial = {
        "title": descriptor.title,
        "question": descriptor.question,
        "guidance": descriptor.guidance,
    }
    form = DescriptorForm(request.POST or None, initial=initial)
    return _framework_form(
        request,
        form,
        framework,
        lambda: services.update_descriptor(
            descriptor=descriptor, actor=request.user, **form.cleaned_data
        ),
        success=f"{descriptor.code} is saved.",
        then=_descriptor_url(descriptor),
        title=f"Edit {descriptor.code}",
    )


@permission_required("descriptors.manage_frameworks")
@require_http_methods(["GET", "POST"])
def framework_marker_add(request, pk, number):
    descriptor = selectors.draft_descriptor(pk, number)
    framework = descriptor.framework
    form = MarkerForm(request.POST or None, descriptor=descriptor)
    return _framework_form(
        request,
        form,
        framework,
        _beside(
            "code",
            lambda: services.add_marker(
                descriptor=descriptor, actor=request.user, **form.cleaned_data
            ),
        ),
        success=lambda marker: f"Marker {marker.code} is added to {descriptor.code}.",
        then=_descriptor_url(descriptor),
        title=f"Add a marker to {descriptor.code}",
    )


@permission_required("descriptors.manage_frameworks")
@require_http_methods(["GET", "POST"])
def framework_marker_edit(request, pk, marker_pk):
    marker = selectors.draft_marker(pk, marker_pk)
    descriptor = marker.descriptor
    framework = descriptor.framework
    form = MarkerForm(
        request.POST or None,
        descriptor=descriptor,
        marker=marker,
        initial={"code": marker.code, "text": marker.text},
    )
    return _framework_form(
        request,
        form,
        framework,
        _beside(
            "code",
            lambda: services.update_marker(marker=marker, actor=request.user, **form.cleaned_data),
        ),
        success=lambda saved: f"Marker {saved.code} is saved.",
        then=_descriptor_url(descriptor),
        title=f"Edit marker {marker.code}",
    )


@permission_required("descriptors.manage_frameworks")
@require_http_methods(["GET", "POST"])
def framework_marker_delete(request, pk, marker_pk):
    marker = selectors.draft_marker(pk, marker_pk)
    framework = marker.descriptor.framework
    if request.method == "POST":
        try:
            services.delete_marker(marker=marker, actor=request.user)
        except FrameworkLockedError as error:
            return _locked_redirect(request, framework, error)
        messages.success(request, f"Marker {marker.code} is removed.")
        return redirect(_descriptor_url(marker.descriptor))
    return _confirm(
        request,
        framework=framework,
        title=f"Remove marker {marker.code}?",
        paragraphs=[marker.text],
        button="Remove marker",
        warning=True,
    )


@permission_required("descriptors.manage_frameworks")
@require_http_methods(["GET", "POST"])
def framework_publish(request, pk):
    framework = selectors.draft_framework(pk)
    problems = services.publishing_problems(framework)
    if request.method == "POST" and not problems:
        try:
            framework = services.publish_framework(framework=framework, actor=request.user)
        except FrameworkLockedError as error:
            return _locked_redirect(request, framework, error)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                f"Version {framework.version} of '{framework.name}' is published. "
                "New applications will use it from its effective date.",
            )
            return redirect(_detail_url(framework))
    replaced = Framework.objects.filter(
        name=framework.name, status=FrameworkStatus.PUBLISHED
    ).first()
    paragraphs = [
        "Once published, this version's wording cannot be changed. "
        "To change it later you create a new draft version."
    ]
    if replaced:
        paragraphs.append(
            f"Version {replaced.version} of '{replaced.name}' is published now. "
            "Publishing this version retires it; applications already written against "
            "it keep pointing at it."
        )
    return _confirm(
        request,
        framework=framework,
        title=f"Publish version {framework.version} of '{framework.name}'?",
        paragraphs=paragraphs,
        button="Publish framework",
        problems=problems,
    )


@permission_required("descriptors.manage_frameworks")
@require_http_methods(["GET", "POST"])
def framework_new_version(request, pk):
    framework = selectors.framework_with_content(pk)
    if framework.is_draft:
        raise Http404
    if request.method == "POST":
        try:
            draft = services.new_version_from(framework=framework, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.warning(request, message)
            return redirect(_detail_url(framework))
        messages.success(
            request,
            f"Version {draft.version} is a new draft copied from version {framework.version}.",
        )
        return redirect(_detail_url(draft))
    return _confirm(
        request,
        framework=framework,
        title=f"Create a new draft from version {framework.version}?",
        paragraphs=[
            "The new draft starts as a copy of this version's wording, which you can then "
            "change. This version stays as it is."
        ],
        button="Create new draft",
    )


@permission_required("descriptors.manage_frameworks")
@require_http_methods(["GET", "POST"])
def framework_delete(request, pk):
    framework = selectors.draft_framework(pk)
    if request.method == "POST":
        try:
            services.delete_draft(framework=framework, actor=request.user)
        except FrameworkLockedError as error:
            return _locked_redirect(request, framework, error)
        messages.success(
            request, f"The draft version {framework.version} of '{framework.name}' is deleted."
        )
        return redirect("staff:framework_list")
    return _confirm(
        request,
        framework=framework,
        title=f"Delete draft version {framework.version} of '{framework.name}'?",
        paragraphs=["The draft and all its wording are deleted. This cannot be undone."],
        button="Delete draft",
        warning=True,
    )


@permission_required("descriptors.manage_frameworks")
@require_GET
def framework_download(request, pk, file_format):
    if file_format not in FORMATS:
        raise Http404
    framework = selectors.framework_with_content(pk)
    response = HttpResponse(
        dump_framework(framework, file_format),
        content_type=f"{CONTENT_TYPES[file_format]}; charset=utf-8",
    )
    filename = export_filename(framework, file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
