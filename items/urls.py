from django.urls import path

from . import views

app_name = "items"
urlpatterns = [
    path("", views.ItemList.as_view(), name="item_list"),
    path("todo/", views.TodoView.as_view(), name="todo"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("notifications/", views.NotificationList.as_view(), name="notifications"),
    path("notifications/<int:pk>/", views.NotificationOpen.as_view(), name="notification_open"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("attachments/<int:pk>/", views.AttachmentDownload.as_view(), name="attachment"),
    path("<int:pk>/", views.ItemDetail.as_view(), name="item_detail"),
    path("<int:pk>/action/", views.ItemDetail.as_view(http_method_names=["post"]), name="item_action"),
    path("<int:pk>/report/", views.ReportView.as_view(), name="report"),
]
