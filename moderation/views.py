from django.shortcuts import render

from qualitymark.core.permissions import moderator_required, staff_required


@moderator_required
def queue(request):
    return render(request, "moderation/queue.html")


@staff_required
def staff_home(request):
    return render(request, "moderation/staff_home.html")
