from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Management


@login_required
def dashboard(request):
    managements = Management.objects.of(request.user).select_related("initiative")
    return render(request, "collaboration/dashboard.html", {"managements": managements})
