from django.urls import path

from progov.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.structure, name="structure"),
    path("home/", views.home, name="home"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/schedule-preview/", views.schedule_preview, name="schedule_preview"),
    # Acronyms may contain a slash ("BPRWG/TDWG"), hence `path`: the routes with a suffix
    # after the acronym go first, the longest suffixes ("seats/1/edit/") before "edit/".
    path("groups/<path:acronym>/restructure/", views.group_restructure, name="group_restructure"),
    path("groups/<path:acronym>/tor/new/", views.terms_create, name="terms_create"),
    path("groups/<path:acronym>/tor/preview/", views.terms_preview, name="terms_preview"),
    path("groups/<path:acronym>/tor/compare/", views.terms_compare, name="terms_compare"),
    path("groups/<path:acronym>/seats/new/", views.seat_create, name="seat_create"),
    path("groups/<path:acronym>/seats/<int:pk>/edit/", views.seat_edit, name="seat_edit"),
    path("groups/<path:acronym>/members/new/", views.membership_create, name="membership_create"),
    path(
        "groups/<path:acronym>/members/<int:pk>/edit/",
        views.membership_edit,
        name="membership_edit",
    ),
    path(
        "groups/<path:acronym>/members/<int:pk>/end/", views.membership_end, name="membership_end"
    ),
    path(
        "groups/<path:acronym>/members/<int:pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("groups/<path:acronym>/edit/", views.group_edit, name="group_edit"),
    path("groups/<path:acronym>/tor/<str:version>/", views.group_tor, name="group_tor"),
    path("groups/<path:acronym>/", views.group, name="group"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/login/", views.person_login, name="person_login"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("constituencies/", views.constituencies, name="constituencies"),
    path("constituencies/new/", views.constituency_create, name="constituency_create"),
    path("constituencies/<slug:code>/edit/", views.constituency_edit, name="constituency_edit"),
    path("search/", views.search, name="search"),
]
