"""Sign-in, home, health and the read-access log."""

import hashlib
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.utils import dateformat, timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from yos import access, kept_post, security_log, signin
from yos import access_log as access_log_words
from yos.forms import GDSFormMixin, SignInForm
from yos.lib.audit import log_read
from yos.lib.files import EXTENSION
from yos.lib.ids import parse_id
from yos.middleware import LAST_SEEN, seconds_left
from yos.models import AccessLog, Role, StoredDocument
from yos.tasks import send_email, send_safely


@method_decorator(access.policy(public=True), name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        """Why the user is here, when their session ended (yos.kept_post)."""
        context = super().get_context_data(**kwargs)
        session = self.request.session
        context["signed_out"] = kept_post.signed_out_message(
            session.get(kept_post.SIGNED_OUT_REASON)
        )
        context["kept_post"] = kept_post.SESSION_TOKEN in session
        return context

    def post(self, request, *args, **kwargs):
        username = signin.normalise_username(request.POST.get("username", ""))
        if signin.account_locked(username):
            security_log.event("account_locked", request, user=f"{username[:150]}(attempted)")
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        return super().post(request, *args, **kwargs)


sign_in = SignInView.as_view()
sign_in.access_policy = "public"


@method_decorator(access.policy(public=True), name="dispatch")
class SignOutView(auth_views.LogoutView):
    template_name = "registration/logged_out.html"


sign_out = SignOutView.as_view()
sign_out.access_policy = "public"


@require_POST
@access.policy(*access.ALL_ROLES)
def session_extend(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in" in the time-out warning: the idle clock starts again
    (the absolute limit stays). JSON for the dialog's script; otherwise (its
    fallback when fetch fails) back to the page it was on, or home."""
    request.session[LAST_SEEN] = int(time.time())
    idle_left, absolute_left = seconds_left(request.session)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {"idle_seconds_left": idle_left, "absolute_seconds_left": absolute_left}
        )
    target = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse_lazy("home")
    return redirect(target)


@access.policy(*access.ALL_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page. Apps add their own panels to it."""
    from yos.home import home_context  # apps contribute panels, imported late

    return render(request, "home.html", home_context(request))


@transaction.non_atomic_requests  # ATOMIC_REQUESTS would connect before the check could
@require_GET
@never_cache
@access.policy(public=True)
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and (when configured) Redis reachability; 503 if either is down."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "down"
        checks["database"] = "down"
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
            ).ping()
            checks["redis"] = "ok"
        except redis.RedisError:
            checks["redis"] = "down"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )


@access.policy(Role.ADMINISTRATOR)
def access_log(request: HttpRequest) -> HttpResponse:
    """Who read which personal record, newest first; filter by a user's name,
    a kind of record, or (from a row's link) one record."""
    user_filter = request.GET.get("user", "")[:150]
    kind = request.GET.get("kind", "")[:201]
    record = request.GET.get("record", "")[:30]
    entries = access_log_words.filtered(
        AccessLog.objects.select_related("user", "content_type"),
        user=user_filter,
        kind=kind,
        record=record,
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = access_log_words.label_rows(page.object_list)
    content_type = access_log_words.content_type_of(kind)
    one_record = None
    model = content_type.model_class() if content_type is not None else None
    if model is not None and parse_id(record) is not None:
        subject = model._base_manager.filter(pk=parse_id(record)).first()
        one_record = access_log_words.record_label(content_type, subject)
    return render(
        request,
        "yos/access_log.html",
        {
            "page": page,
            "rows": rows,
            "user_filter": user_filter,
            "kind_filter": kind,
            "record_filter": record if one_record else "",
            "one_record": one_record,
            "kinds": access_log_words.kinds_logged(),
            "query": urlencode(
                {"user": user_filter, "kind": kind, "record": record if one_record else ""}
            ),
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    access.log.warning("csrf failure path=%s", request.path)
    return render(request, "403_csrf.html", status=403)


@require_GET
@access.policy(*access.ALL_ROLES)
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """A stored document, to whoever may read the record it is about; logged."""
    doc = StoredDocument.objects.select_related("content_type").filter(pk=pk).first()
    if doc is None:
        raise Http404(access.NOT_FOUND)
    subject = access.get_for_user(request.user, doc.content_type.model_class(), doc.object_id)
    made = dateformat.format(timezone.localtime(doc.created_at), "j F Y")
    log_read(
        request,
        subject,
        action=AccessLog.Action.DOWNLOAD,
        reason=f"{doc.get_kind_display()} made {made}",  # in words, not the document's id
    )
    filename = f"{doc.kind}-{doc.pk}.{EXTENSION.get(doc.mime_type, 'bin')}"
    response = FileResponse(
        doc.file.open("rb"), as_attachment=True, filename=filename, content_type=doc.mime_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Password reset by email ------------------------------------------------------
# Django's views, with GOV.UK forms and templates. The "sent" page is the same
# whether or not an account has that address, so the form never reveals who
# has an account. The link is single-use and expires (PASSWORD_RESET_TIMEOUT);
# setting a new password signs out every other session (the session hash
# changes) and does not sign in: the user signs in again, with their second
# factor if they have one.

RESET_EMAIL_REQUIRED = "Enter your email address"
RESET_EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
NEW_PASSWORD_REQUIRED = "Enter a new password"
NEW_PASSWORD_AGAIN_REQUIRED = "Enter the new password again"
NEW_PASSWORDS_DIFFER = "The two passwords you entered are different: enter the same password twice"


class ResetRequestForm(GDSFormMixin, auth_forms.PasswordResetForm):
    submit_label = "Send the link"

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Off the request path: a Celery task (inline in the embedded default),
        so the answer takes as long whether or not an account has the address."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_safely(send_email, [to_email], subject, body)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.error_messages.update(required=RESET_EMAIL_REQUIRED, invalid=RESET_EMAIL_INVALID)
        email.widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})


class NewPasswordForm(GDSFormMixin, auth_forms.SetPasswordForm):
    submit_label = "Save the new password"
    error_messages = {"password_mismatch": NEW_PASSWORDS_DIFFER}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = NEW_PASSWORD_REQUIRED
        self.fields["new_password2"].error_messages["required"] = NEW_PASSWORD_AGAIN_REQUIRED
        self.fields["new_password2"].label = "New password again"


def _within_hourly_limit(key: str, limit: int) -> bool:
    """Count one more request under key in this clock hour; False once over
    limit. A cache that is down does not stop the request (the broker the
    e-mail goes through is the same Redis, so nothing is sent then anyway)."""
    hour = int(time.time() // 3600)
    key = f"{settings.RATE_LIMIT_KEY_PREFIX}{key}:{hour}"
    try:
        cache.add(key, 0, timeout=2 * 60 * 60)
        return cache.incr(key) <= limit
    except Exception:  # noqa: BLE001 - redis raises several types
        access.log.warning("password reset limit not checked: cache unavailable")
        return True


@method_decorator(access.policy(public=True), name="dispatch")
class ResetRequestView(auth_views.PasswordResetView):
    """At most PASSWORD_RESET_PER_ADDRESS_PER_HOUR e-mails to one address and
    PASSWORD_RESET_PER_CLIENT_PER_HOUR requests from one client an hour. Over
    either, the page is the same "sent" page and nothing is sent, so the limit
    says nothing about whether an account exists."""

    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-sent")

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        client = get_client_ip_address(self.request) or "-"
        by_client = _within_hourly_limit(
            f"pwreset:client:{client}", settings.PASSWORD_RESET_PER_CLIENT_PER_HOUR
        )
        digest = hashlib.sha256(email.encode()).hexdigest()
        by_address = by_client and _within_hourly_limit(
            f"pwreset:address:{digest}", settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR
        )
        if not (by_client and by_address):
            security_log.event(
                "password_reset_throttled",
                self.request,
                limit="client" if not by_client else "address",
            )
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@method_decorator(access.policy(public=True), name="dispatch")
class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


@method_decorator(access.policy(public=True), name="dispatch")
class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")


@method_decorator(access.policy(public=True), name="dispatch")
class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


password_reset = ResetRequestView.as_view()
password_reset_sent = ResetSentView.as_view()
password_reset_confirm = ResetConfirmView.as_view()
password_reset_complete = ResetCompleteView.as_view()
for _view in (password_reset, password_reset_sent, password_reset_confirm, password_reset_complete):
    _view.access_policy = "public"
