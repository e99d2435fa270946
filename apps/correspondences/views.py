from django.shortcuts import render

from apps.accounts.decorators import party_required


@party_required
def inbox(request):
    return render(request, "correspondences/inbox.html", {"correspondences": []})
