"""The contract pages through the test client: forms, messages, who may act."""

import datetime as dt

import pytest
from django.urls import reverse

from contracts import forms as f
from contracts import rules
from contracts.models import ContractNonCompliance, ParentingContract
from contracts.tests import factories as cf
from yos.models import AccessLog, Letter
from yos.tests import samples

pytestmark = pytest.mark.django_db


def date_fields(name: str, value: dt.date) -> dict:
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


@pytest.fixture
def family(school):
    return cf.pupil_with_parents(school)


def draft_post(adults, **extra) -> dict:
    data = {
        "parents": [p.pk for p in adults],
        "arrangement": "joint",
        "purpose": "attendance",
        "year_group": "Year 8",
        "lead_practitioner": "Morgan Hale",
        "lead_practitioner_organisation": "Assistant headteacher",
        "support_statement": cf.SUPPORT,
        "support_details": cf.SUPPORT_DETAILS,
        "parent_statement": cf.PARENT_STATEMENT,
        **date_fields("starts_on", cf.START),
        **date_fields("ends_on", cf.END),
    }
    data.update(extra)
    return data


def test_school_staff_choose_among_the_pupils_of_their_school(
    client_for, school_staff, family, other_school
):
    pupil, _ = family
    elsewhere, _ = cf.pupil_with_parents(other_school)
    response = client_for(school_staff).get(reverse("contracts:choose-pupil"))
    assert response.status_code == 200
    assert reverse("contracts:draft", args=[pupil.pk]) in response.content.decode()
    assert reverse("contracts:draft", args=[elsewhere.pk]) not in response.content.decode()
    assert "ask the youth offending service to record them" in response.content.decode()


def test_school_staff_draft_a_governing_body_contract(client_for, school_staff, family):
    pupil, parents = family
    response = client_for(school_staff).post(
        reverse("contracts:draft", args=[pupil.pk]), draft_post(parents)
    )
    contract = ParentingContract.objects.get()
    assert response.status_code == 302
    assert response.url == contract.get_absolute_url()
    assert contract.party == ParentingContract.Party.GOVERNING_BODY
    assert contract.created_by == school_staff
    assert set(contract.parents.all()) == set(parents)


def test_a_case_manager_drafts_an_la_contract_for_their_family(
    client_for, case_manager, school, team
):
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    response = client_for(case_manager).post(
        reverse("contracts:draft", args=[pupil.pk]), draft_post(parents)
    )
    assert response.status_code == 302
    assert ParentingContract.objects.get().party == ParentingContract.Party.LOCAL_AUTHORITY


def test_the_draft_form_shows_plain_english_errors_and_saves_nothing(
    client_for, school_staff, family
):
    pupil, parents = family
    response = client_for(school_staff).post(
        reverse("contracts:draft", args=[pupil.pk]),
        draft_post(
            parents, parents=[], lead_practitioner="", **date_fields("ends_on", dt.date(2028, 1, 1))
        ),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["parents"] == [rules.NO_PARENTS]
    assert form.errors["lead_practitioner"] == ["Enter lead practitioner's name"]
    assert form.errors["length_reason"] == [
        "Enter why the contract lasts more than 12 months: "
        "contracts usually last between 3 and 12 months"
    ]
    assert "govuk-error-summary" in response.content.decode()
    assert not ParentingContract.objects.exists()


def test_a_pupil_of_another_school_cannot_be_drafted_for(client_for, school_staff, other_school):
    pupil, parents = cf.pupil_with_parents(other_school)
    response = client_for(school_staff).post(
        reverse("contracts:draft", args=[pupil.pk]), draft_post(parents)
    )
    assert response.status_code == 404


def test_the_meeting_form_refuses_no_consent_and_no_parent_present(
    client_for, school_staff, family
):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    response = client_for(school_staff).post(
        reverse("contracts:record-initiation", args=[contract.pk]),
        {**date_fields("initiated_on", cf.START), "consent_given": "no", "pupil_engaged": "yes"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["consent_given"] == [rules.NO_CONSENT]
    assert errors["present"] == [rules.PARENT_ABSENT]
    contract.refresh_from_db()
    assert contract.consent_given is False


def test_a_requirement_needs_a_date_or_frequency(client_for, school_staff, family):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    response = client_for(school_staff).post(
        reverse("contracts:add-requirement", args=[contract.pk]),
        {
            "kind": cf.kind().pk,
            "action": "Arrive on time",
            "measure": "Register",
            "owner": "Parents",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["frequency"] == [f.NEEDS_DATE_OR_FREQUENCY]
    assert not contract.requirements.exists()


def test_finalising_an_incomplete_draft_shows_what_is_missing(client_for, school_staff, family):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    client = client_for(school_staff)
    response = client.post(reverse("contracts:finalise", args=[contract.pk]), follow=True)
    page = response.content.decode()
    assert rules.NO_CONSENT.replace("'", "&#x27;") in page
    assert rules.NO_REQUIREMENTS in page
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.DRAFT


def test_finalise_is_post_only(client_for, school_staff, family):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    response = client_for(school_staff).get(reverse("contracts:finalise", args=[contract.pk]))
    assert response.status_code == 405


def test_the_staff_member_signs_and_the_contract_becomes_active(client_for, school_staff, family):
    pupil, parents = family
    contract = cf.finalised(pupil, parents, school_staff)
    client = client_for(school_staff)
    for parent in parents:
        response = client.post(
            reverse("contracts:record-parent-signature", args=[contract.pk]),
            {"adult": parent.pk, "method": "on_screen", "confirm": "on"},
        )
        assert response.status_code == 302
    response = client.post(reverse("contracts:sign-for-governing-body", args=[contract.pk]), {})
    assert response.context["form"].errors["confirm"] == [f.CONFIRM_STAFF_SIGNS]
    response = client.post(
        reverse("contracts:sign-for-governing-body", args=[contract.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE
    staff_signature = contract.signatures.get(signer_kind="school_staff")
    assert (staff_signature.user, staff_signature.name) == (school_staff, "Jamie Fletcher")


def test_a_scanned_parent_signature_needs_a_real_scan(client_for, school_staff, family):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pupil, parents = family
    contract = cf.finalised(pupil, parents, school_staff)
    url = reverse("contracts:record-parent-signature", args=[contract.pk])
    client = client_for(school_staff)
    response = client.post(url, {"adult": parents[0].pk, "method": "scanned", "confirm": "on"})
    assert response.context["form"].errors["scan"] == [f.UPLOAD_THE_SCAN]
    fake = SimpleUploadedFile("scan.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        url, {"adult": parents[0].pk, "method": "scanned", "confirm": "on", "scan": fake}
    )
    assert response.context["form"].errors["scan"] == ["The file must be a PDF, JPG or PNG"]
    assert not contract.signatures.exists()


def test_a_case_manager_cannot_sign_for_the_governing_body(client_for, case_manager, school, team):
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.finalised(pupil, parents, case_manager)
    response = client_for(case_manager).get(
        reverse("contracts:sign-for-governing-body", args=[contract.pk])
    )
    assert response.status_code == 404


def test_non_compliance_without_explanation_then_the_warning_letter(
    client_for, school_staff, family
):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    client = client_for(school_staff)
    response = client.post(
        reverse("contracts:record-non-compliance", args=[contract.pk]),
        {
            "parents": [parents[0].pk],
            "what_happened": "Missed four mornings",
            **date_fields("noticed_on", dt.date(2026, 10, 12)),
            **date_fields("contacted_on", dt.date(2026, 10, 13)),
            "contact_method": "phone",
            "explanation": "",
            "explanation_reasonable": "no",
        },
    )
    record = ContractNonCompliance.objects.get()
    assert response.status_code == 302
    response = client.post(reverse("contracts:serve-warning", args=[contract.pk, record.pk]))
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert (letter.kind, letter.recipient) == (Letter.Kind.CONTRACT_WARNING, parents[0])
    page = client.get(contract.get_absolute_url()).content.decode()
    assert letter.get_absolute_url() in page  # the letter's page: preview, approve, send
    assert client.get(letter.get_absolute_url()).status_code == 200
    download = client.get(letter.document.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_reasonable_explanation_must_be_written_down(client_for, school_staff, family):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    response = client_for(school_staff).post(
        reverse("contracts:record-non-compliance", args=[contract.pk]),
        {
            "parents": [parents[0].pk],
            "what_happened": "Late twice",
            **date_fields("noticed_on", dt.date(2026, 10, 12)),
            **date_fields("contacted_on", dt.date(2026, 10, 13)),
            "contact_method": "phone",
            "explanation": "",
            "explanation_reasonable": "yes",
        },
    )
    assert response.context["form"].errors["explanation"] == [f.REASONABLE_NEEDS_EXPLANATION]


def test_terminating_without_consulting_the_services_shows_the_rule(
    client_for, school_staff, school
):
    pupil, parents = cf.pupil_with_parents(school)
    contract = cf.active(pupil, parents, school_staff, services_involved="Early Help")
    response = client_for(school_staff).post(
        reverse("contracts:terminate", args=[contract.pk]),
        {"reason": "No engagement", **date_fields("ended_on", dt.date(2026, 12, 1))},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [rules.SERVICES_NOT_CONSULTED]
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE


def test_a_supervisor_ends_an_la_contract_and_a_schools(
    client_for, supervisor, case_manager, school, team
):
    """Issue 17: "a local-authority contract is ended by a YOS supervisor …; a
    school's own contract by that school's staff or a supervisor"."""
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    school_contract = cf.active(pupil, parents, case_manager)
    la_contract = cf.finalised(
        pupil, parents, case_manager, party=ParentingContract.Party.LOCAL_AUTHORITY
    )
    client = client_for(supervisor)
    assert client.get(reverse("contracts:terminate", args=[school_contract.pk])).status_code == 200
    response = client.post(
        reverse("contracts:terminate", args=[la_contract.pk]),
        {"reason": "Parents refused to sign", **date_fields("ended_on", dt.date(2026, 9, 30))},
    )
    assert response.status_code == 302
    la_contract.refresh_from_db()
    assert la_contract.status == ParentingContract.Status.TERMINATED
    assert la_contract.status_changes.last().by == supervisor


def test_a_supervisor_reads_but_cannot_change_a_contract(
    client_for, supervisor, case_manager, school, team
):
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.draft(pupil, parents, case_manager)
    client = client_for(supervisor)
    assert client.get(contract.get_absolute_url()).status_code == 200
    assert client.get(reverse("contracts:edit", args=[contract.pk])).status_code == 404


def test_a_colleague_reads_but_cannot_change_the_contract(
    client_for, colleague, case_manager, school, team
):
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.draft(pupil, parents, case_manager)
    client = client_for(colleague)
    assert client.get(contract.get_absolute_url()).status_code == 200
    assert client.get(reverse("contracts:edit", args=[contract.pk])).status_code == 403


def test_the_contract_page_is_logged_and_shows_the_minimum_about_the_family(
    client_for, school_staff, family
):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    response = client_for(school_staff).get(contract.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert pupil.full_name in page and "17 May 2011" in page
    assert parents[0].phone in page and parents[0].email in page
    assert pupil.family.name + " family" not in page
    log = AccessLog.objects.get()
    assert (log.user, log.object_id) == (school_staff, contract.pk)


def test_editing_a_stale_draft_saves_nothing(client_for, school_staff, family):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    data = draft_post(parents, lead_practitioner="Someone Else", loaded_version=contract.version)
    ParentingContract.objects.filter(pk=contract.pk).update(version=contract.version + 1)
    response = client_for(school_staff).post(reverse("contracts:edit", args=[contract.pk]), data)
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    contract.refresh_from_db()
    assert contract.lead_practitioner == "Morgan Hale"


def test_a_review_form_asks_progress_per_requirement(client_for, school_staff, family):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    first, second = contract.requirements.all()
    url = reverse("contracts:record-review", args=[contract.pk])
    response = client_for(school_staff).post(
        url, {**date_fields("held_on", dt.date(2026, 10, 19)), f"progress_{first.pk}": "met"}
    )
    assert response.context["form"].errors[f"progress_{second.pk}"] == [
        "Select the progress on requirement 2"
    ]
    response = client_for(school_staff).post(
        url,
        {
            **date_fields("held_on", dt.date(2026, 10, 19)),
            f"progress_{first.pk}": "met",
            f"progress_{second.pk}": "not_met",
            **date_fields("next_review_on", dt.date(2026, 11, 30)),
        },
    )
    assert response.status_code == 302
    assert contract.reviews.get().progress.count() == 2


def test_editing_a_draft_saves_the_terms_and_keeps_history(client_for, school_staff, family):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    data = draft_post(parents, year_group="Year 9", loaded_version=contract.version)
    response = client_for(school_staff).post(reverse("contracts:edit", args=[contract.pk]), data)
    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.year_group, contract.version) == ("Year 9", 2)
    assert contract.history.first().history_user == school_staff


def test_an_active_contract_cannot_be_edited_only_amended(client_for, school_staff, family):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    client = client_for(school_staff)
    assert client.get(reverse("contracts:edit", args=[contract.pk])).status_code == 403
    response = client.post(reverse("contracts:amend", args=[contract.pk]), {"reason": "Review"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.document_version, contract.status) == (2, "awaiting_signatures")


def test_the_remaining_actions_through_their_pages(client_for, school_staff, family):
    """Copy sent, lead practitioner change, continue after a warning, complete,
    referral: each page saves through its service and returns to the contract."""

    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    client = client_for(school_staff)

    def post(name, data, *args):
        response = client.post(reverse(f"contracts:{name}", args=[contract.pk, *args]), data)
        assert response.status_code == 302, response.context["form"].errors
        contract.refresh_from_db()

    post(
        "record-copy-sent",
        {"recipient": "Early Help worker", "method": "email", **date_fields("sent_on", cf.START)},
    )
    assert contract.copies_sent.get().recipient == "Early Help worker"
    post(
        "change-lead",
        {"name": "Riley Stone", "reason": "Moved school", **date_fields("from_date", cf.START)},
    )
    assert contract.lead_practitioner == "Riley Stone"
    cf.warning_served(contract, school_staff)
    post("continue", {"reason": "Attendance back to 94%"})
    assert contract.status == ParentingContract.Status.ACTIVE
    post(
        "make-referral",
        {**date_fields("made_on", dt.date(2026, 11, 2)), "external_reference": "DFD-1"},
    )
    assert contract.referrals.get().external_reference == "DFD-1"
    post("complete", {"reason": "Attendance 96%", **date_fields("ended_on", cf.END)})
    assert contract.status == ParentingContract.Status.COMPLETED
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "Riley Stone" in page and "Early Help worker" in page and "DFD-1" in page


def test_a_case_manager_records_the_la_officers_scanned_signature(
    client_for, case_manager, school, team
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.finalised(
        pupil, parents, case_manager, party=ParentingContract.Party.LOCAL_AUTHORITY
    )
    scan = SimpleUploadedFile("signed.pdf", samples.pdf(), content_type="application/pdf")
    response = client_for(case_manager).post(
        reverse("contracts:record-officer-signature", args=[contract.pk]),
        {"name": "Officer Demo", "method": "scanned", "confirm": "on", "scan": scan},
    )
    assert response.status_code == 302
    signature = contract.signatures.get()
    assert (signature.signer_kind, signature.scan.mime_type) == ("la_officer", "application/pdf")


def test_the_list_filters_by_status_and_case_managers_choose_their_families_pupils(
    client_for, case_manager, school, team, school_staff
):
    pupil, parents = cf.pupil_with_parents(school, team=team, case_manager=case_manager)
    contract = cf.draft(pupil, parents, school_staff)
    client = client_for(case_manager)
    assert (
        contract.reference
        in client.get(reverse("contracts:list") + "?status=draft").content.decode()
    )
    assert (
        contract.reference
        not in client.get(reverse("contracts:list") + "?status=active").content.decode()
    )
    page = client.get(reverse("contracts:choose-pupil")).content.decode()
    assert reverse("contracts:draft", args=[pupil.pk]) in page
