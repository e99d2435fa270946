def party(request):
    return {"party": getattr(request, "party", None)}
