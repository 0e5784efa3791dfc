from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views as home_views
from portal import audit_views, otp_views, region_views, security_views, views, views_programmes
from portal.forms import LoginForm

account_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("second-factor/setup/", otp_views.setup, name="second_factor_setup"),
    path("second-factor/verify/", otp_views.verify, name="second_factor_verify"),
    path("second-factor/recovery-codes/", otp_views.recovery_codes, name="second_factor_recovery_codes"),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("", home_views.landing, name="landing"),
    path("healthz/", views.healthz, name="healthz"),
    path("home/", home_views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views_programmes.programme_create, name="programme_new"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views_programmes.programme_edit, name="programme_edit"),
    path("programmes/<int:programme_pk>/rounds/new/", views.round_edit, name="round_new"),
    path("programmes/<int:programme_pk>/rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("departments/", views_programmes.department_list, name="department_list"),
    path("departments/new/", views_programmes.department_edit, name="department_new"),
    path("departments/<int:pk>/edit/", views_programmes.department_edit, name="department_edit"),
    path("tools/workdays/", views.workday_calculator, name="workday_calculator"),
    path("regions/", region_views.region_tree, name="region_tree"),
    path("regions/template.xlsx", region_views.region_template, name="region_template"),
    path("regions/import/", region_views.region_import, name="region_import"),
    path("regions/import/apply/", region_views.region_import_apply, name="region_import_apply"),
    path("security/lockouts/", security_views.lockouts, name="security_lockouts"),
    path("security/lockouts/unlock/", security_views.unlock, name="security_unlock"),
    path("security/second-factor/", otp_views.accounts, name="security_second_factor"),
    path("security/second-factor/<int:pk>/reset/", otp_views.reset, name="security_second_factor_reset"),
    path("security/programme-admins/", security_views.programme_admins, name="security_programme_admins"),
    path(
        "security/programme-admins/<int:pk>/grant/",
        security_views.programme_admin_change,
        {"action": "grant"},
        name="security_programme_admin_grant",
    ),
    path(
        "security/programme-admins/<int:pk>/revoke/",
        security_views.programme_admin_change,
        {"action": "revoke"},
        name="security_programme_admin_revoke",
    ),
    path("audit-log/", audit_views.audit_log, name="audit_log"),
    path("audit-log/export/", audit_views.audit_export, name="audit_export"),
    path("audit-log/verify/", audit_views.audit_verify, name="audit_verify"),
    path("", include("applications.urls")),
    path("review/", include("review.urls")),
    path("rubrics/", include("rubrics.urls")),
    path("communities/", include("communities.urls")),
    path("levels/", include("levels.urls")),
    path("reports/", include("reporting.urls")),
    path("showcase/", include("showcase.urls")),
    path("platforms/", include("platforms.urls")),
    path("satisfaction/", include("satisfaction.urls")),
    path("complaints/", include("complaints.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("", include("publicity.urls")),
    path("", include("awards.urls")),
    path("captcha/", include("captcha.urls")),
    path("accounts/", include(account_patterns)),
    path("i18n/lang/", views.language_switch, name="language_switch"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "portal.views.server_error"
