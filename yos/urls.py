from django.contrib import admin
from django.urls import include, path

from yos import flag_views, job_views, letter_views, twofactor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("session/extend/", views.session_extend, name="session-extend"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password-reset-complete"),
    path("two-factor/setup/", twofactor.setup, name="two-factor-setup"),
    path("two-factor/verify/", twofactor.verify, name="two-factor-verify"),
    path("access-log/", views.access_log, name="access-log"),
    path("documents/<int:pk>/download", views.document_download, name="document-download"),
    path("jobs/", job_views.job_runs, name="job-runs"),
    path("subject-access/", include("sar.urls")),
    path("letters/", job_views.letter_list, name="letters"),
    path("flags/<int:pk>/assign/", flag_views.flag_assign, name="flag-assign"),
    path("flags/<int:pk>/snooze/", flag_views.flag_snooze, name="flag-snooze"),
    path("flags/<int:pk>/dismiss/", flag_views.flag_dismiss, name="flag-dismiss"),
    path("notices/<int:pk>/read/", flag_views.notice_read, name="notice-read"),
    path("letters/<int:pk>/", letter_views.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/approve/", letter_views.letter_approve, name="letter-approve"),
    path("letters/<int:pk>/send/", letter_views.letter_send, name="letter-send"),
    path("letters/<int:pk>/withdraw/", letter_views.letter_withdraw, name="letter-withdraw"),
    path("letters/<int:pk>/new-version/", letter_views.letter_regenerate, name="letter-regenerate"),
    path("letters/print-pack/", letter_views.print_pack_new, name="print-pack-new"),
    path("letters/print-packs/<int:pk>/", letter_views.print_pack_detail, name="print-pack"),
    path(
        "letters/print-packs/<int:pk>/mark-sent/",
        letter_views.print_pack_mark_sent,
        name="print-pack-mark-sent",
    ),
    path("cases/", include("cases.urls")),
    path("orders/", include("orders.urls")),
    path("contracts/", include("contracts.urls")),
    path("victims/", include("victims.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "yos.errors.not_found"
handler500 = "yos.errors.server_error"
handler403 = "yos.errors.forbidden"
