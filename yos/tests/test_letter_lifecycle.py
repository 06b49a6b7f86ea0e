"""A letter's life (issue 16): draft → approved → sent, or withdrawn; a new
version after a correction; the print pack. Each transition and each refusal,
through the services and through the pages, per persona. PDFs are real
weasyprint output read back with pypdf.

Issue 16: "Lifecycle as named, audited transitions: draft (generated) →
approved (by the case manager; a setting can require a supervisor for warning
letters) → sent (method: post, hand delivered, e-mail; date; by whom) or
withdrawn (reason). "Served" means sent." and "Approving a letter without an
address, sending a withdrawn letter, marking a letter sent twice, a print pack
of zero letters: each refused with a plain-English message, nothing changed."
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.tests.factories import AdultChildFactory, AdultFactory
from orders import jobs as order_jobs
from orders.tests.factories import FailureFactory, ParentingOrderFactory, RequirementFactory
from yos import access
from yos import letters as L
from yos.letter_views import APPROVE_CONFIRM
from yos.lib.audit import system_user
from yos.models import Letter, PrintPack

TODAY = timezone.localdate()
CONFIRM = {"confirm": "on"}
DANA_ADDRESS = "4 Example Row\nNorth Village\nDT4 5XY"
NEW_ADDRESS = "9 Fresh Lane\nEast Town\nDT7 2QQ"


def pdf_text(document) -> str:
    with document.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def order(team, case_manager):
    """An order in force, allocated to the case manager; Dana (not living
    with the child) has her own address."""
    order = ParentingOrderFactory(
        made_on=TODAY - dt.timedelta(days=60),
        case__referred_on=TODAY - dt.timedelta(days=70),
        case__opened_on=TODAY - dt.timedelta(days=65),
        case__child__first_name="Robin",
        case__child__last_name="Ashdown",
        case__child__family__team=team,
        case__child__family__case_manager=case_manager,
    )
    RequirementFactory(order=order, ends_on=TODAY + dt.timedelta(days=120))
    dana = AdultFactory(
        family=order.child.family, first_name="Dana", last_name="Ashdown", address=DANA_ADDRESS
    )
    AdultChildFactory(adult=dana, child=order.child, resident=False)
    order.parents.set([dana])
    return order


def make_warning(order, *, days_ago=3) -> Letter:
    """The nightly job writes the warning letter for a failure to comply."""
    FailureFactory(
        order=order, parent=order.parents.get(), occurred_on=TODAY - dt.timedelta(days=days_ago)
    )
    counts = order_jobs.warning_letters(TODAY, by=system_user())
    assert counts["issued"] == 1
    return Letter.objects.latest("id")


def history_reasons(letter) -> list[tuple[str, str]]:
    return [
        (h.history_change_reason, h.history_user.username if h.history_user else "")
        for h in letter.history.order_by("history_date", "history_id")
    ]


def approved(order, by) -> Letter:
    return L.letter_approve(letter=make_warning(order), by=by)


# --- Generation --------------------------------------------------------------------


def test_a_generated_letter_is_a_draft_dated_by_the_run_date_with_its_html(order):
    letter = make_warning(order)
    assert letter.status == Letter.Status.DRAFT
    assert letter.letter_date == TODAY
    assert L.address_lines(letter.address) == L.address_lines(DANA_ADDRESS)
    # The preview is the HTML the PDF was rendered from: same words.
    assert "Dana Ashdown" in letter.html
    text = " ".join(pdf_text(letter.document).split())
    assert "DT4 5XY" in text and "DT4 5XY" in letter.html
    assert f"{TODAY.day} {TODAY:%B %Y}" in text


# --- Approve ----------------------------------------------------------------------------


def test_the_case_manager_approves_with_a_history_row(order, case_manager):
    letter = approved(order, case_manager)
    assert (letter.status, letter.approved_by) == (Letter.Status.APPROVED, case_manager)
    assert ("Approved", case_manager.username) in history_reasons(letter)


def test_approving_a_letter_without_an_address_is_refused_and_changes_nothing(order, case_manager):
    letter = make_warning(order)
    Letter.objects.filter(pk=letter.pk).update(address="")  # a letter from before the lifecycle
    with pytest.raises(ValidationError) as caught:
        L.letter_approve(letter=letter, by=case_manager)
    assert caught.value.messages == [L.APPROVE_NO_ADDRESS.format(name="Dana Ashdown")]
    letter.refresh_from_db()
    assert (letter.status, letter.approved_by) == (Letter.Status.DRAFT, None)


def test_approving_after_the_address_changed_is_refused(order, case_manager):
    letter = make_warning(order)
    order.parents.update(address="")  # no address any more, and she does not live with Robin
    with pytest.raises(ValidationError) as caught:
        L.letter_approve(letter=letter, by=case_manager)
    assert caught.value.messages == [L.APPROVE_ADDRESS_CHANGED.format(name="Dana Ashdown")]
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT


def test_with_the_setting_only_a_supervisor_approves_a_warning(
    order, case_manager, supervisor, settings
):
    settings.LETTERS_SUPERVISOR_APPROVES_WARNINGS = True
    letter = make_warning(order)
    with pytest.raises(ValidationError) as caught:
        L.letter_approve(letter=letter, by=case_manager)
    assert caught.value.messages == [L.APPROVE_NEEDS_SUPERVISOR]
    assert "approve" not in access.letter_actions(case_manager, letter)
    L.letter_approve(letter=letter, by=supervisor)
    letter.refresh_from_db()
    assert (letter.status, letter.approved_by) == (Letter.Status.APPROVED, supervisor)


def test_the_setting_leaves_notices_to_the_case_manager(order, case_manager, settings):
    settings.LETTERS_SUPERVISOR_APPROVES_WARNINGS = True
    type(order).objects.filter(pk=order.pk).update(
        made_on=TODAY - dt.timedelta(days=100), counselling_ends_on=TODAY - dt.timedelta(days=5)
    )
    order_jobs.counselling_ended_notices(TODAY, by=system_user())
    notice = Letter.objects.get(kind=Letter.Kind.COUNSELLING_ENDED)
    L.letter_approve(letter=notice, by=case_manager)
    notice.refresh_from_db()
    assert notice.status == Letter.Status.APPROVED


def test_approving_twice_is_refused(order, case_manager):
    letter = approved(order, case_manager)
    with pytest.raises(ValidationError) as caught:
        L.letter_approve(letter=letter, by=case_manager)
    assert caught.value.messages == [L.APPROVE_NOT_DRAFT.format(status="approved: ready to send")]


# --- Send ---------------------------------------------------------------------------------


def test_sent_records_how_when_and_by_whom(order, case_manager):
    letter = approved(order, case_manager)
    L.letter_send(letter=letter, by=case_manager, method=Letter.SentBy.HAND, sent_on=TODAY)
    letter.refresh_from_db()
    assert (letter.status, letter.sent_by, letter.sent_on, letter.sent_recorded_by) == (
        Letter.Status.SENT,
        Letter.SentBy.HAND,
        TODAY,
        case_manager,
    )
    assert (f"Sent: hand delivered, {TODAY.day} {TODAY:%B %Y}", case_manager.username) in (
        history_reasons(letter)
    )


def test_a_letter_is_not_marked_sent_twice(order, case_manager):
    letter = approved(order, case_manager)
    L.letter_send(letter=letter, by=case_manager, method=Letter.SentBy.POST, sent_on=TODAY)
    with pytest.raises(ValidationError) as caught:
        L.letter_send(letter=letter, by=case_manager, method=Letter.SentBy.EMAIL, sent_on=TODAY)
    assert caught.value.message_dict == {
        "__all__": [L.SEND_TWICE.format(day=f"{TODAY.day} {TODAY:%B %Y}")]
    }
    letter.refresh_from_db()
    assert letter.sent_by == Letter.SentBy.POST
    assert letter.history.count() == 3  # generated, approved, sent


def test_a_withdrawn_letter_is_not_sent(order, case_manager):
    letter = approved(order, case_manager)
    L.letter_withdraw(letter=letter, by=case_manager, reason="She came in and we talked")
    with pytest.raises(ValidationError) as caught:
        L.letter_send(letter=letter, by=case_manager, method=Letter.SentBy.POST, sent_on=TODAY)
    assert caught.value.messages == [L.SEND_WITHDRAWN]
    letter.refresh_from_db()
    assert (letter.status, letter.sent_on) == (Letter.Status.WITHDRAWN, None)


def test_a_draft_is_approved_before_it_is_sent(order, case_manager):
    letter = make_warning(order)
    with pytest.raises(ValidationError) as caught:
        L.letter_send(letter=letter, by=case_manager, method=Letter.SentBy.POST, sent_on=TODAY)
    assert caught.value.messages == [L.SEND_NOT_APPROVED]


def test_a_sent_date_in_the_future_is_refused_next_to_the_field(order, case_manager):
    letter = approved(order, case_manager)
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        L.letter_send(letter=letter, by=case_manager, method=Letter.SentBy.POST, sent_on=tomorrow)
    assert caught.value.message_dict == {"sent_on": [L.SEND_DATE_FUTURE]}
    letter.refresh_from_db()
    assert letter.status == Letter.Status.APPROVED


def test_a_sent_date_before_the_letter_is_refused(order, case_manager):
    letter = approved(order, case_manager)
    with pytest.raises(ValidationError) as caught:
        L.letter_send(
            letter=letter,
            by=case_manager,
            method=Letter.SentBy.POST,
            sent_on=TODAY - dt.timedelta(days=1),
        )
    assert list(caught.value.message_dict) == ["sent_on"]


# --- Withdraw -----------------------------------------------------------------------------


def test_withdrawing_needs_a_reason_and_keeps_the_letter(order, case_manager):
    letter = make_warning(order)
    with pytest.raises(ValidationError) as caught:
        L.letter_withdraw(letter=letter, by=case_manager, reason="  ")
    assert caught.value.message_dict == {"reason": [L.WITHDRAW_REASON_REQUIRED]}
    L.letter_withdraw(letter=letter, by=case_manager, reason="Excuse accepted on appeal")
    letter.refresh_from_db()
    assert (letter.status, letter.withdrawn_by, letter.withdrawn_reason) == (
        Letter.Status.WITHDRAWN,
        case_manager,
        "Excuse accepted on appeal",
    )
    assert letter.document_id  # kept


def test_a_sent_letter_is_not_withdrawn(order, case_manager):
    letter = approved(order, case_manager)
    L.letter_send(letter=letter, by=case_manager, method=Letter.SentBy.POST, sent_on=TODAY)
    with pytest.raises(ValidationError) as caught:
        L.letter_withdraw(letter=letter, by=case_manager, reason="Too late")
    assert caught.value.messages == [L.WITHDRAW_SENT]


# --- A new version after a correction ----------------------------------------------------


def test_a_new_version_after_the_address_was_corrected_keeps_the_old_one(order, case_manager):
    old = make_warning(order)
    order.parents.update(address=NEW_ADDRESS)  # she moved: the address is corrected
    new = L.letter_regenerate(letter=old, by=case_manager, reason="Dana's new address recorded")
    old.refresh_from_db()
    assert (new.version, new.supersedes, new.status) == (2, old, Letter.Status.DRAFT)
    assert old.status == Letter.Status.WITHDRAWN
    assert old.withdrawn_reason == "Replaced by version 2: Dana's new address recorded"
    assert "DT7 2QQ" in pdf_text(new.document) and "DT7 2QQ" not in pdf_text(old.document)
    assert "DT4 5XY" in pdf_text(old.document)  # the old one is still readable as it was
    L.letter_approve(letter=new, by=case_manager)
    # The nightly job does not make a third: the first version's key exists.
    assert order_jobs.warning_letters(TODAY, by=system_user())["issued"] == 0
    with pytest.raises(ValidationError) as caught:
        L.letter_regenerate(letter=old, by=case_manager, reason="again")
    assert caught.value.messages == [L.REGENERATE_SUPERSEDED]


def test_a_sent_letter_gets_no_new_version(order, case_manager):
    letter = approved(order, case_manager)
    L.letter_send(letter=letter, by=case_manager, method=Letter.SentBy.POST, sent_on=TODAY)
    with pytest.raises(ValidationError) as caught:
        L.letter_regenerate(letter=letter, by=case_manager, reason="typo")
    assert caught.value.messages == [L.REGENERATE_SENT]
    assert Letter.objects.count() == 1


# --- Print packs -----------------------------------------------------------------------------


def three_approved(order, case_manager) -> list[Letter]:
    letters = []
    for days in (2, 4, 6):
        FailureFactory(
            order=order, parent=order.parents.get(), occurred_on=TODAY - dt.timedelta(days=days)
        )
    order_jobs.warning_letters(TODAY, by=system_user())
    for letter in Letter.objects.order_by("id"):
        letters.append(L.letter_approve(letter=letter, by=case_manager))
    return letters


def test_a_print_pack_is_one_pdf_of_the_approved_letters_then_all_are_marked_sent(
    order, case_manager, django_capture_on_commit_callbacks, tasks_inline
):
    letters = three_approved(order, case_manager)
    with django_capture_on_commit_callbacks(execute=True):
        pack = L.print_pack_request(letters=letters, by=case_manager)
    pack.refresh_from_db()
    assert (pack.status, pack.total, pack.done) == (PrintPack.Status.DONE, 3, 3)
    with pack.document.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    pages = [len(PdfReader(letter.document.file.open("rb")).pages) for letter in letters]
    assert len(reader.pages) == sum(pages) == pack.pages
    assert len(reader.outline) == 3  # one bookmark per letter
    assert sum("Dear" in page.extract_text() for page in reader.pages) == 3
    L.print_pack_mark_sent(pack=pack, by=case_manager, method=Letter.SentBy.POST, sent_on=TODAY)
    assert set(Letter.objects.values_list("status", "sent_recorded_by")) == {
        (Letter.Status.SENT, case_manager.pk)
    }
    with pytest.raises(ValidationError) as caught:
        L.print_pack_mark_sent(pack=pack, by=case_manager, method=Letter.SentBy.POST, sent_on=TODAY)
    assert caught.value.messages == [L.PACK_ALREADY_SENT]


def test_a_print_pack_of_zero_letters_is_refused(case_manager):
    with pytest.raises(ValidationError) as caught:
        L.print_pack_request(letters=[], by=case_manager)
    assert caught.value.message_dict == {"letters": [L.PACK_EMPTY]}
    assert PrintPack.objects.count() == 0


def test_a_draft_does_not_go_into_a_print_pack(order, case_manager):
    draft = make_warning(order)
    with pytest.raises(ValidationError):
        L.print_pack_request(letters=[draft], by=case_manager)
    assert PrintPack.objects.count() == 0


def test_marking_a_pack_sent_is_all_or_nothing(order, case_manager):
    letters = three_approved(order, case_manager)
    pack = L.print_pack_request(letters=letters, by=case_manager)
    L.print_pack_build(pack.pk)
    L.letter_withdraw(letter=letters[1], by=case_manager, reason="Excuse accepted after all")
    pack.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        L.print_pack_mark_sent(pack=pack, by=case_manager, method=Letter.SentBy.POST, sent_on=TODAY)
    assert L.SEND_WITHDRAWN in caught.value.messages[0]
    assert Letter.objects.filter(status=Letter.Status.SENT).count() == 0


# --- Pages, per persona ---------------------------------------------------------------------


def test_the_preview_is_the_letter_as_html_with_only_the_users_actions(
    order, case_manager, colleague, outsider, school_staff, client_for
):
    letter = make_warning(order)
    url = letter.get_absolute_url()
    body = client_for(case_manager).get(url).content.decode()
    assert 'data-testid="letter-preview"' in body
    assert "Dana Ashdown" in body and "DT4 5XY" in body
    assert "Approve the letter" in body and "Withdraw the letter" in body
    assert "Mark as sent" not in body  # not approved yet
    # A colleague in the team reads it but may not act on it.
    body = client_for(colleague).get(url).content.decode()
    assert 'data-testid="letter-preview"' in body and "Approve the letter" not in body
    assert (
        client_for(colleague).post(reverse("letter-approve", args=[letter.pk]), CONFIRM).status_code
        == 403
    )
    for user in (outsider, school_staff):
        assert client_for(user).get(url).status_code == 404
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT


def test_approve_then_send_through_the_pages(order, case_manager, client_for):
    letter = make_warning(order)
    client = client_for(case_manager)
    response = client.post(reverse("letter-approve", args=[letter.pk]), {})
    assert response.status_code == 400
    assert APPROVE_CONFIRM in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT
    response = client.post(reverse("letter-approve", args=[letter.pk]), CONFIRM)
    assert response.status_code == 302
    tomorrow = TODAY + dt.timedelta(days=1)
    future = {
        "method": "post",
        "sent_on_0": tomorrow.day,
        "sent_on_1": tomorrow.month,
        "sent_on_2": tomorrow.year,
    }
    response = client.post(reverse("letter-send", args=[letter.pk]), future)
    assert response.status_code == 400
    assert L.SEND_DATE_FUTURE in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.APPROVED
    today = {
        "method": "hand",
        "sent_on_0": TODAY.day,
        "sent_on_1": TODAY.month,
        "sent_on_2": TODAY.year,
    }
    assert client.post(reverse("letter-send", args=[letter.pk]), today).status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.sent_by) == (Letter.Status.SENT, Letter.SentBy.HAND)
    # Twice: refused in words at the top of the page, nothing changed.
    response = client.post(reverse("letter-send", args=[letter.pk]), today)
    assert response.status_code == 400
    assert "This letter was already marked as sent on" in response.content.decode()


def test_the_supervisor_approves_from_the_page_when_the_setting_says_so(
    order, case_manager, supervisor, client_for, settings
):
    settings.LETTERS_SUPERVISOR_APPROVES_WARNINGS = True
    letter = make_warning(order)
    response = client_for(case_manager).post(reverse("letter-approve", args=[letter.pk]), CONFIRM)
    assert response.status_code == 400
    assert L.APPROVE_NEEDS_SUPERVISOR in response.content.decode()
    assert (
        "Approve the letter"
        in client_for(supervisor).get(letter.get_absolute_url()).content.decode()
    )
    assert (
        client_for(supervisor)
        .post(reverse("letter-approve", args=[letter.pk]), CONFIRM)
        .status_code
        == 302
    )
    letter.refresh_from_db()
    assert letter.approved_by == supervisor


def test_the_print_pack_page_refreshes_until_ready_then_marks_sent(
    order, case_manager, outsider, client_for, tasks_inline
):
    letters = three_approved(order, case_manager)
    client = client_for(case_manager)
    assert client.post(reverse("print-pack-new"), {}).status_code == 400  # zero letters
    response = client.post(reverse("print-pack-new"), {"letters": [letters[0].pk, letters[2].pk]})
    pack = PrintPack.objects.get()
    assert response["Location"] == pack.get_absolute_url()
    assert pack.letters.count() == 2
    # Before the task has run, the page refreshes itself (no JavaScript needed).
    body = client.get(pack.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh"' in body and "0 of 2 letters" in body
    # WCAG 2.2.1: the user can turn the self-refresh off.
    body = client.get(pack.get_absolute_url() + "?refresh=off").content.decode()
    assert '<meta http-equiv="refresh"' not in body and "0 of 2 letters" in body
    L.print_pack_build(pack.pk)
    body = client.get(pack.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh"' not in body and "Download the print pack" in body
    pack.refresh_from_db()
    assert client.get(pack.document.get_absolute_url()).status_code == 200
    assert client_for(outsider).get(pack.document.get_absolute_url()).status_code == 404
    assert client_for(outsider).get(pack.get_absolute_url()).status_code == 404
    client = client_for(case_manager)
    sent = {
        "method": "post",
        "sent_on_0": TODAY.day,
        "sent_on_1": TODAY.month,
        "sent_on_2": TODAY.year,
    }
    assert client.post(reverse("print-pack-mark-sent", args=[pack.pk]), sent).status_code == 302
    assert sorted(Letter.objects.filter(status="sent").values_list("pk", flat=True)) == sorted(
        [letters[0].pk, letters[2].pk]
    )
