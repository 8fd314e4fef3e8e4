from django.shortcuts import render


def queue(request):
    return render(request, "moderation/queue.html")


def staff_home(request):
    return render(request, "moderation/staff_home.html")
