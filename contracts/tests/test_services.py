"""The contract services against the database: transitions, signatures, the
document and its versions, warnings, ending and referral."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from contracts import rules, services
from contracts.models import (
    AttendanceReferral,
    ContractSignature,
    ContractStatusChange,
    ParentingContract,
    RequirementKind,
)
from contracts.tests import factories as cf
from yos.letters import letter_approve, letter_send
from yos.models import Letter, StoredDocument
from yos.tests import samples

pytestmark = pytest.mark.django_db

PNG = samples.png()


@pytest.fixture
def family(school):
    return cf.pupil_with_parents(school)


def pdf_text(stored: StoredDocument) -> str:
    with stored.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_catalogue_holds_seed_001s_requirement_kinds():
    names = list(RequirementKind.objects.values_list("name", flat=True))
    assert len(names) == 10
    assert names[0] == "Punctual and regular attendance"
    assert "Parenting programme" in names


def test_a_draft_records_the_parents_and_the_first_lead_practitioner(family, school_staff):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    assert contract.status == ParentingContract.Status.DRAFT
    assert contract.school == pupil.school
    assert set(contract.parents.all()) == set(parents)
    assert [c.name for c in contract.lead_changes.all()] == ["Morgan Hale"]
    assert contract.history.first().history_user == school_staff


def test_a_draft_of_unusual_length_without_a_reason_is_refused(family, school_staff):
    pupil, parents = family
    with pytest.raises(ValidationError) as error:
        cf.draft(pupil, parents, school_staff, ends_on=dt.date(2027, 12, 1))
    assert error.value.messages == [
        "Enter why the contract lasts more than 12 months: "
        "contracts usually last between 3 and 12 months"
    ]
    assert not ParentingContract.objects.exists()


def test_a_separate_contract_binds_one_parent(family, school_staff):
    pupil, parents = family
    with pytest.raises(ValidationError) as error:
        cf.draft(pupil, parents, school_staff, arrangement="separate")
    assert error.value.messages == [rules.SEPARATE_NEEDS_ONE_PARENT]


def test_the_meeting_is_refused_without_consent(family, school_staff):
    """Seed 001: "A parenting contract cannot be put in place if there is no
    parental consent." """
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    with pytest.raises(ValidationError) as error:
        services.contract_record_initiation(
            contract=contract,
            consent_given=False,
            consent_on=None,
            consent_how="",
            initiated_on=cf.START,
            present=parents,
            unresponsive=[],
            pupil_engaged=None,
            by=school_staff,
        )
    assert error.value.messages == [rules.NO_CONSENT]


def test_the_meeting_is_refused_with_no_parent_present(family, school_staff):
    """Seed 001: "cannot be initiated in the absence of the parent(s), even if
    they consent for that to happen." """
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    with pytest.raises(ValidationError) as error:
        cf.initiate(contract, school_staff, present=[])
    assert error.value.messages == [rules.PARENT_ABSENT]


def test_the_meeting_records_presence_and_the_unresponsive_parent(family, school_staff):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    services.contract_record_initiation(
        contract=contract,
        consent_given=True,
        consent_on=cf.START,
        consent_how="in_person",
        initiated_on=cf.START,
        present=[parents[0]],
        unresponsive=[parents[1]],
        unresponsive_notes="Letters and two calls unanswered",
        pupil_engaged=False,
        by=school_staff,
    )
    links = {link.adult_id: link for link in contract.parent_links.all()}
    assert links[parents[0].pk].present_at_initiation
    assert links[parents[1].pk].unresponsive
    assert links[parents[1].pk].unresponsive_notes == "Letters and two calls unanswered"


def test_finalising_without_requirements_or_statements_is_refused(family, school_staff):
    pupil, parents = family
    contract = cf.draft(
        pupil, parents, school_staff, support_statement="", parent_statement="", support_details=""
    )
    cf.initiate(contract, school_staff)
    with pytest.raises(ValidationError) as error:
        services.contract_finalise(contract=contract, by=school_staff)
    assert error.value.messages == [
        rules.NO_REQUIREMENTS,
        rules.NO_SUPPORT_STATEMENT,
        rules.NO_SUPPORT_DETAILS,
        rules.NO_PARENT_STATEMENT,
    ]
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.DRAFT
    assert not contract.documents.exists()


def test_finalising_stores_the_document_privately_with_its_hash(family, school_staff):
    pupil, parents = family
    contract = cf.finalised(pupil, parents, school_staff)
    assert contract.status == ParentingContract.Status.AWAITING_SIGNATURES
    version = contract.documents.get()
    assert version.number == 1
    assert version.document.kind == StoredDocument.Kind.CONTRACT
    assert version.document.subject == contract
    with version.document.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-")
    import hashlib

    assert version.sha256 == hashlib.sha256(content).hexdigest()
    change = contract.status_changes.get()
    assert (change.transition, change.by) == ("finalise", school_staff)


def test_the_document_holds_the_three_statements_the_requirements_and_the_names(
    family, school_staff
):
    pupil, parents = family
    contract = cf.finalised(pupil, parents, school_staff)
    text = pdf_text(contract.documents.get().document)
    assert cf.SUPPORT in text
    assert cf.SUPPORT_DETAILS in text
    assert cf.PARENT_STATEMENT in text
    assert "Requirement action 1: arrive by 8:40am" in text
    assert "Requirement action 2: arrive by 8:40am" in text
    assert pupil.full_name in text
    for parent in parents:
        assert parent.full_name in text
    assert "Hillcrest Academy" in text
    assert f"Our reference {contract.reference} Version 1" in text


def test_it_becomes_active_when_both_parents_and_a_staff_member_have_signed(family, school_staff):
    """Seed 001: "All parents present and at least one member of staff should
    sign the contract (on behalf of the governing body)." """
    pupil, parents = family
    contract = cf.finalised(pupil, parents, school_staff)
    cf.sign_parent(contract, parents[0], school_staff)
    cf.sign_staff(contract, school_staff)
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.AWAITING_SIGNATURES
    signature = cf.sign_parent(contract, parents[1], school_staff)
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE
    assert contract.activated_on is not None
    assert signature.document_sha256 == contract.documents.get().sha256
    assert signature.history.first().history_user == school_staff


def test_an_la_party_contract_also_needs_an_la_officer(family, school_staff):
    """Seed 001: "no requirement for a local authority officer to sign unless it
    was specifically a contract between the parent and local authority." """
    pupil, parents = family
    contract = cf.finalised(
        pupil, parents, school_staff, party=ParentingContract.Party.LOCAL_AUTHORITY
    )
    for parent in parents:
        cf.sign_parent(contract, parent, school_staff)
    cf.sign_staff(contract, school_staff)
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.AWAITING_SIGNATURES
    services.signature_record(
        contract=contract,
        signer_kind=ContractSignature.SignerKind.LA_OFFICER,
        name="Officer Demo",
        method=ContractSignature.Method.SCANNED,
        scan=SimpleUploadedFile("signed.png", PNG, content_type="image/png"),
        by=school_staff,
    )
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE
    scan = contract.signatures.get(signer_kind="la_officer").scan
    assert (scan.kind, scan.mime_type) == (StoredDocument.Kind.SIGNED_SCAN, "image/png")


def test_the_pupil_cannot_sign(family, school_staff):
    pupil, parents = family
    contract = cf.finalised(pupil, parents, school_staff)
    with pytest.raises(ValidationError) as error:
        services.signature_record(
            contract=contract,
            signer_kind="pupil",
            name=pupil.full_name,
            method="on_screen",
            by=school_staff,
        )
    assert error.value.messages == [rules.PUPIL_CANNOT_SIGN]


def test_a_parent_signs_each_version_once(family, school_staff):
    pupil, parents = family
    contract = cf.finalised(pupil, parents, school_staff)
    cf.sign_parent(contract, parents[0], school_staff)
    with pytest.raises(ValidationError) as error:
        cf.sign_parent(contract, parents[0], school_staff)
    assert error.value.messages == [services.PARENT_ALREADY_SIGNED]


def test_a_parent_who_was_absent_is_not_asked_to_sign(family, school_staff):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    cf.add_requirements(contract, school_staff)
    cf.initiate(contract, school_staff, present=[parents[0]])
    services.contract_finalise(contract=contract, by=school_staff)
    with pytest.raises(ValidationError) as error:
        cf.sign_parent(contract, parents[1], school_staff)
    assert error.value.messages == [services.PARENT_NOT_PRESENT]
    cf.sign_parent(contract, parents[0], school_staff)
    cf.sign_staff(contract, school_staff)
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE


def test_signing_a_draft_is_refused(family, school_staff):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    with pytest.raises(ValidationError) as error:
        cf.sign_staff(contract, school_staff)
    assert error.value.messages == ["This cannot be done while the contract is draft"]


def test_an_amendment_makes_a_new_version_keeps_the_old_and_needs_signing_again(
    family, school_staff
):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    first = contract.documents.get()
    services.requirement_add(
        contract=contract,
        kind=cf.kind(9),
        action="Attend the six-session parenting course",
        measure="Attendance list from the course",
        owner="Parents",
        due_on=dt.date(2026, 12, 18),
        by=school_staff,
    )
    second = services.contract_amend(contract=contract, reason="Course added", by=school_staff)
    contract.refresh_from_db()
    assert [d.number for d in contract.documents.all()] == [2, 1]
    assert second.sha256 != first.sha256
    assert first.document.file.storage.exists(first.document.file.name)
    assert contract.status == ParentingContract.Status.AWAITING_SIGNATURES
    # A narrow table cell may wrap the line after "six-" (font metrics differ
    # between machines), so compare the words without the spaces between them.
    assert "Attendthesix-sessionparentingcourse" in pdf_text(second.document).replace(" ", "")
    for parent in parents:
        cf.sign_parent(contract, parent, school_staff)
    cf.sign_staff(contract, school_staff)
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE
    assert contract.signatures.filter(version=second).count() == 3


def test_signing_overdue_agrees_between_the_property_and_the_queryset(family, school_staff):
    pupil, parents = family
    with time_machine.travel(dt.datetime(2026, 9, 7, 10, tzinfo=dt.UTC), tick=False):
        contract = cf.finalised(pupil, parents, school_staff)
    for day, expected in ((17, False), (18, True)):
        with time_machine.travel(dt.datetime(2026, 9, day, 10, tzinfo=dt.UTC), tick=False):
            contract.refresh_from_db()
            assert contract.is_signing_overdue is expected
            assert ParentingContract.objects.signing_overdue().filter(pk=contract.pk).exists() is (
                expected
            )


def test_a_review_records_progress_per_requirement_and_the_next_date(family, school_staff):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    requirements = list(contract.requirements.all())
    review = services.review_record(
        contract=contract,
        held_on=dt.date(2026, 10, 5),
        progress={requirements[0]: ("met", ""), requirements[1]: ("partly", "Missed one")},
        next_review_on=dt.date(2026, 11, 16),
        early_at_parents_request=True,
        requested_by=parents[1],
        by=school_staff,
    )
    assert review.scheduled_on == dt.date(2026, 10, 19)
    assert review.requested_by == parents[1]
    assert sorted(review.progress.values_list("progress", flat=True)) == ["met", "partly"]
    contract.refresh_from_db()
    assert contract.next_review_on == dt.date(2026, 11, 16)


def test_the_lead_practitioner_change_is_kept_with_its_date(family, school_staff):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    services.lead_practitioner_change(
        contract=contract,
        name="Early Help worker Demo",
        organisation="Early Help",
        from_date=dt.date(2026, 11, 2),
        reason="Early Help now leads the family plan",
        by=school_staff,
    )
    contract.refresh_from_db()
    assert contract.lead_practitioner == "Early Help worker Demo"
    assert [(c.name, c.from_date) for c in contract.lead_changes.all()][-1] == (
        "Early Help worker Demo",
        dt.date(2026, 11, 2),
    )
    assert contract.lead_changes.count() == 2


def test_a_warning_letter_is_served_once_per_parent_and_marks_the_contract(family, school_staff):
    """Seed 001: "Where no explanation is given … they should serve the parent
    with a warning … This may be in the form of a letter, and record of it
    should be kept." """
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    record = cf.non_compliance(contract, school_staff)
    letters = services.warning_serve(non_compliance=record, by=school_staff)
    again = services.warning_serve(non_compliance=record, by=school_staff)
    assert {letter.pk for letter in letters} == {letter.pk for letter in again}
    assert Letter.objects.filter(kind=Letter.Kind.CONTRACT_WARNING).count() == 2
    assert {letter.recipient for letter in letters} == set(parents)
    assert letters[0].school == school_staff.school
    assert letters[0].subject == contract
    # Served means sent (issue 16): made as drafts, the contract is not yet warned.
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE
    letter_approve(letter=letters[0], by=school_staff)
    letter_send(
        letter=letters[0], by=school_staff, method=Letter.SentBy.HAND, sent_on=timezone.localdate()
    )
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.WARNING_SERVED
    text = pdf_text(letters[0].document)
    assert "This letter is a warning that the contract is not working" in text
    assert "You did not give us an explanation." in text


def test_no_warning_is_served_after_a_reasonable_explanation(family, school_staff):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    record = cf.non_compliance(
        contract, school_staff, explanation="The pupil was in hospital", reasonable=True
    )
    with pytest.raises(ValidationError) as error:
        services.warning_serve(non_compliance=record, by=school_staff)
    assert error.value.messages == [rules.EXPLANATION_REASONABLE_NO_WARNING]
    assert not Letter.objects.exists()


def test_no_explanation_is_never_reasonable(family, school_staff):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    record = cf.non_compliance(contract, school_staff, explanation="", reasonable=True)
    assert record.explanation_reasonable is False
    assert record.warning_due


def test_non_compliance_cannot_be_recorded_on_a_draft(family, school_staff):
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    with pytest.raises(ValidationError):
        cf.non_compliance(contract, school_staff)


def test_the_contract_continues_after_a_warning(family, school_staff):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    cf.warning_served(contract, school_staff)
    contract.refresh_from_db()
    services.contract_continue(contract=contract, reason="Parents re-engaged", by=school_staff)
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.ACTIVE
    last = contract.status_changes.last()
    assert (last.transition, last.reason, last.by) == (
        "continue",
        "Parents re-engaged",
        school_staff,
    )


def test_termination_needs_the_services_involved_consulted(family, school_staff):
    """Seed 001: "The school should inform and seek advice from any multi-agency
    services involved before terminating a parenting contract." """
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff, services_involved="Early Help")
    with pytest.raises(ValidationError) as error:
        services.contract_terminate(
            contract=contract,
            reason="No engagement",
            services_consulted=False,
            services_consulted_details="",
            ended_on=dt.date(2026, 12, 1),
            by=school_staff,
        )
    assert error.value.messages == [rules.SERVICES_NOT_CONSULTED]
    services.contract_terminate(
        contract=contract,
        reason="No engagement",
        services_consulted=True,
        services_consulted_details="Early Help agreed on 30 November",
        ended_on=dt.date(2026, 12, 1),
        by=school_staff,
    )
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.TERMINATED
    assert contract.services_consulted


def test_a_completed_contract_cannot_be_terminated(family, school_staff):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    services.contract_complete(
        contract=contract, reason="Attendance 97%", ended_on=dt.date(2027, 3, 5), by=school_staff
    )
    with pytest.raises(ValidationError) as error:
        services.contract_terminate(
            contract=contract,
            reason="x",
            services_consulted=True,
            services_consulted_details="",
            ended_on=dt.date(2027, 3, 6),
            by=school_staff,
        )
    assert error.value.messages == ["This cannot be done while the contract is completed"]
    assert (
        ContractStatusChange.objects.filter(contract=contract, transition="terminate").count() == 0
    )


def test_a_contract_expires_only_after_its_end_date(family, school_staff):
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    with pytest.raises(ValidationError) as error:
        services.contract_expire(contract=contract, today=cf.END, by=school_staff)
    assert error.value.messages == [services.NOT_ENDED_YET]
    services.contract_expire(
        contract=contract, today=cf.END + dt.timedelta(days=1), by=school_staff
    )
    contract.refresh_from_db()
    assert contract.status == ParentingContract.Status.EXPIRED


def test_a_referral_attaches_the_contract_document(family, school_staff):
    """Seed 001: "If a parenting contract exists then this can be uploaded when
    making the referral." """
    pupil, parents = family
    contract = cf.active(pupil, parents, school_staff)
    referral = services.referral_make(
        contract=contract, made_on=dt.date(2026, 11, 1), by=school_staff
    )
    assert referral.evidence == AttendanceReferral.Evidence.CONTRACT
    assert referral.attachment == contract.documents.get().document


def test_without_a_contract_document_the_referral_needs_the_letter(family, school_staff):
    """Seed 001: "if not then a letter should be uploaded which was sent to
    parent(s) informing them that a statutory referral is being made." """
    pupil, parents = family
    contract = cf.draft(pupil, parents, school_staff)
    with pytest.raises(ValidationError) as error:
        services.referral_make(contract=contract, made_on=dt.date(2026, 11, 1), by=school_staff)
    assert error.value.messages == [services.REFERRAL_NEEDS_LETTER]
    referral = services.referral_make(
        contract=contract,
        made_on=dt.date(2026, 11, 1),
        letter_upload=SimpleUploadedFile("letter.pdf", samples.pdf(), content_type="x/y"),
        by=school_staff,
    )
    assert referral.evidence == AttendanceReferral.Evidence.LETTER
    assert (referral.attachment.kind, referral.attachment.mime_type) == (
        StoredDocument.Kind.EVIDENCE,
        "application/pdf",
    )


def test_copies_sent_record_who_how_and_when(family, school_staff):
    pupil, parents = family
    contract = cf.finalised(pupil, parents, school_staff)
    copy = services.copy_sent_record(
        contract=contract,
        recipient="Early Help worker Demo",
        organisation="Early Help",
        method="email",
        sent_on=dt.date(2026, 9, 8),
        by=school_staff,
    )
    assert copy.version == contract.documents.get()
    assert str(copy) == "Copy to Early Help worker Demo on 8 September 2026"


def test_a_contract_binds_only_adults_recorded_for_the_pupil(family, school, school_staff):
    pupil, parents = family
    _other_pupil, strangers = cf.pupil_with_parents(school)
    with pytest.raises(ValidationError) as error:
        cf.draft(pupil, [parents[0], strangers[0]], school_staff)
    assert error.value.messages == [services.NOT_A_PARENT_OF_THE_PUPIL]
    assert not ParentingContract.objects.exists()
