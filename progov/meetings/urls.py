"""Meeting pages: calendars, the meeting page, deadlines, feeds (each views module lists its own)."""

from progov.meetings.views import agenda, attendance, feeds, pages, reports

app_name = "meetings"
urlpatterns = [
    *pages.urlpatterns,
    *agenda.urlpatterns,
    *attendance.urlpatterns,
    *reports.urlpatterns,
    *feeds.urlpatterns,
]
