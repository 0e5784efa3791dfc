"""URLconf of the HTTP benchmark: every URL of the portal, plus two bare views behind the same middleware.

`bare` is a visitor's reference; `bare_signed_in` is a signed-in user's: it needs a signed-in user and names them,
so the session, the authentication, the loading of the user and the second factor's check are in the reference as
they are in every staff page.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok")


@login_required
def bare_signed_in(request):
    return HttpResponse(request.user.get_username())


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/bare-signed-in/", bare_signed_in, name="bench_bare_signed_in"),
    path("", include("config.urls")),
]
