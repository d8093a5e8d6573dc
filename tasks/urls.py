from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.TaskList.as_view(), name="task_list"),
    path("new/", views.TaskCreate.as_view(), name="task_create"),
    path("<int:pk>/", views.TaskDetail.as_view(), name="task_detail"),
    path("milestones/<int:pk>/complete/", views.MilestoneComplete.as_view(), name="milestone_complete"),
]
