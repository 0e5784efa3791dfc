from django.urls import path

from satisfaction.views import public, staff

app_name = "satisfaction"

urlpatterns = [
    # public, no login
    path("r/<str:token>/", public.rate, name="rate"),
    path("thanks/<str:signed>/", public.thanks, name="thanks"),
    path("status/", public.status, name="status"),
    path("rankings/", public.ranking_list, name="ranking_list"),
    path("rankings/<int:pk>/", public.ranking_public, name="ranking_public"),
    # staff
    path("", staff.results, name="results"),
    path("export/", staff.export, name="export"),
    path("publish/", staff.publish, name="publish"),
    path("institutions/<int:pk>/", staff.institution, name="institution"),
    path("cases/<int:pk>/", staff.case_detail, name="case"),
    path("cases/<int:pk>/phone/", staff.case_phone, name="case_phone"),
    path("cases/<int:pk>/<slug:step>/", staff.case_step, name="case_step"),
]
