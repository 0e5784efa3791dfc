from django.urls import path

from showcase import views, views_public

app_name = "showcase"

urlpatterns = [
    path("", views_public.showcase_list, name="list"),
    path("<int:pk>/", views_public.showcase_detail, name="detail"),
    path("photos/<int:pk>/", views_public.photo, name="photo"),
    path("staff/awards/<int:award_pk>/", views.edit, name="edit"),
    path("staff/photos/<int:pk>/", views.staff_photo, name="staff_photo"),
    path("staff/photos/<int:pk>/remove/", views.photo_remove, name="photo_remove"),
    path("staff/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("staff/review/", views.queue, name="queue"),
    path("staff/<int:pk>/review/", views.review, name="review"),
]
