from django.urls import path

from progov.calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.calculator, name="calculator"),
]
