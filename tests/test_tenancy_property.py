"""School tenancy, generated (SECURITY.md check 18, MoJ money-to-prisoners-style
per-prison scoping).

Hypothesis builds a small world: 2–4 schools, school staff at each (sometimes
one with no school recorded), pupils (a child belongs to a school through
``Child.school``; some are moved to another school, or leave, after their
contracts were drafted), and parenting contracts in every early state: draft,
awaiting signatures (document version 1), active (signed), warning served
(warning letters) and terminated, for either party. The nightly contract flags
are raised for the lot. Then every school-staff user requests every page school
staff read, for every record of the world:

* the contracts list, unfiltered and filtered by one status (the only search
  school staff have), the home page (contracts and flags needing action) and
  the letters list: the contracts and documents they link to are their own
  school's (the lists: exactly their own school's);
* "choose the pupil" and the draft form of every pupil: the pupils offered are
  exactly the pupils now at their school, the parents offered exactly that
  pupil's; another school's pupil → 404;
* the detail page of every contract (its status history, versions, signatures
  and warning letters) and the download of every stored document (contract
  PDFs, scanned signatures, warning letters): 200 for their own school's, 404
  for every other;
* the child's History tab of each pupil at their school: 404 (school staff
  reach the contract, never the child's record);
* and every page they get is scanned for the names of pupils, parents,
  families and schools they have no business with.

School staff have no CSV export to check: the dashboard and its CSV downloads
answer them 404 (tests/access_matrix.yaml).

A contract belongs to the school that drafted it (``ParentingContract.school``,
docs/domain-contracts.md): a pupil who moves on leaves the contract with the old
school, and the new school sees the pupil only as one it may draft for.

Zulip-style revocation: one staff user per example is then moved to another
school (or none) and, with the same signed-in client, immediately gets 404 for
their old school's contracts and documents and sees only the new school's.

Each example is built inside a transaction that is rolled back afterwards, so
the examples never see each other's rows. The PDF renderer (weasyprint) is
swapped for fixed bytes: what is checked is who may reach a stored document, not
its layout (the real renderer is exercised by tests/test_access_matrix.py and
the contracts app's tests); storing, hashing and serving go through the real code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.tests.factories import AdultChildFactory, AdultFactory, ChildFactory, FamilyFactory
from contracts import jobs as contract_jobs
from contracts import services
from contracts.models import ContractSignature, ParentingContract
from contracts.tests import factories as cf
from tests.htmlform import parse
from yos.models import Letter, Role, StoredDocument
from yos.tests import samples
from yos.tests.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

FAKE_PDF = samples.pdf()

STATES = ("draft", "awaiting", "active", "warning", "terminated")
PARTIES = (ParentingContract.Party.GOVERNING_BODY, ParentingContract.Party.LOCAL_AUTHORITY)
STATUS_OF = {
    "draft": ParentingContract.Status.DRAFT,
    "awaiting": ParentingContract.Status.AWAITING_SIGNATURES,
    "active": ParentingContract.Status.ACTIVE,
    "warning": ParentingContract.Status.WARNING_SERVED,
    "terminated": ParentingContract.Status.TERMINATED,
}

CONTRACT_ID = re.compile(r"/contracts/(\d+)/")
PUPIL_ID = re.compile(r"/contracts/new/(\d+)/")
DOCUMENT_ID = re.compile(r"/documents/(\d+)/download")


# --- The generated world, as plain data (so Hypothesis can shrink it) -------------


@dataclass(frozen=True)
class PupilSpec:
    school: int | None  # the school when the contracts were drafted
    now: int | None  # the school afterwards (moved, left, or the same)
    parents: int


@dataclass(frozen=True)
class ContractSpec:
    pupil: int
    state: str
    party: str


@dataclass(frozen=True)
class WorldSpec:
    schools: int
    staff: tuple  # the school index of each staff user (None: no school recorded)
    pupils: tuple
    contracts: tuple
    status_filter: str
    revoke: tuple  # (staff index, new school index or None)


@st.composite
def world_specs(draw) -> WorldSpec:
    n = draw(st.integers(2, 4))
    school = st.integers(0, n - 1)
    # One staff member per school, and sometimes one more: a second at one of
    # the schools, or one whose school is not recorded (who must see nothing).
    staff = list(range(n))
    extra = draw(st.sampled_from(["nobody", "second", "no school"]))
    if extra == "second":
        staff.append(draw(school))
    elif extra == "no school":
        staff.append(None)
    pupils = []
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.one_of(school, school, st.none()))
        now = draw(st.one_of(st.just(at), st.just(at), school, st.none()))
        pupils.append(PupilSpec(school=at, now=now, parents=draw(st.integers(1, 2))))
    at_school = [i for i, p in enumerate(pupils) if p.school is not None]
    contracts = []
    if at_school:
        contracts = draw(
            st.lists(
                st.builds(
                    ContractSpec,
                    pupil=st.sampled_from(at_school),
                    state=st.sampled_from(STATES),
                    party=st.sampled_from(PARTIES),
                ),
                max_size=4,
            )
        )
    with_school = [i for i, s in enumerate(staff) if s is not None]
    mover = draw(st.sampled_from(with_school))
    target = draw(st.one_of(school.filter(lambda s: s != staff[mover]), st.none()))
    return WorldSpec(
        schools=n,
        staff=tuple(staff),
        pupils=tuple(pupils),
        contracts=tuple(contracts),
        status_filter=draw(st.sampled_from(ParentingContract.Status.values)),
        revoke=(mover, target),
    )


# --- Building it through the real services ---------------------------------------


@dataclass
class Built:
    schools: list
    staff: list
    pupils: list
    contracts: list
    # everything a school may legitimately see, by school pk
    contract_ids: dict = field(default_factory=dict)
    document_ids: dict = field(default_factory=dict)
    letter_document_ids: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)  # a canary name → the school pks it may show to
    parents_of: dict = field(default_factory=dict)  # pupil pk → [Adult]


def _build(spec: WorldSpec, *, team, case_manager, token: str) -> Built:
    schools = [
        SchoolFactory(name=f"Sch{token}{i}q Academy", urn=f"9{token}{i}")
        for i in range(spec.schools)
    ]
    school_staff_group = Group.objects.get(name=Role.SCHOOL_STAFF.value)
    staff = []
    for k, s in enumerate(spec.staff):
        # No password: force_login needs none, and hashing one costs 0.2 s.
        user = UserFactory(
            username=f"staff{token}{k}", school=schools[s] if s is not None else None
        )
        user.groups.add(school_staff_group)
        staff.append(user)
    first_staff = {s: staff[spec.staff.index(s)] for s in range(spec.schools)}
    # A local-authority contract is ended by a YOS supervisor, never by school
    # staff (issue 17; yos.access.termination_refusal).
    supervisor = UserFactory(username=f"sup{token}")
    supervisor.groups.add(Group.objects.get(name=Role.SUPERVISOR.value))
    supervisor.teams.set([team])

    pupils, parents_of = [], {}
    for i, p in enumerate(spec.pupils):
        family = FamilyFactory(name=f"Fam{token}{i}q", team=team, case_manager=case_manager)
        pupil = ChildFactory(
            family=family,
            first_name=f"Kid{token}{i}q",
            school=schools[p.school] if p.school is not None else None,
        )
        adults = []
        for j in range(p.parents):
            adult = AdultFactory(family=family, first_name=f"Par{token}{i}x{j}q")
            AdultChildFactory(adult=adult, child=pupil, relationship="mother" if j else "father")
            adults.append(adult)
        pupils.append(pupil)
        parents_of[pupil.pk] = adults

    contracts = []
    for c in spec.contracts:
        pupil = pupils[c.pupil]
        by = first_staff[spec.pupils[c.pupil].school]
        if c.party == ParentingContract.Party.LOCAL_AUTHORITY:
            by_drafter = case_manager
        else:
            by_drafter = by
        parents = parents_of[pupil.pk]
        contract = cf.draft(pupil, parents, by_drafter, party=c.party)
        if c.state != "draft":
            cf.add_requirements(contract, by_drafter, n=1)
            cf.initiate(contract, by_drafter)
            services.contract_finalise(contract=contract, by=by_drafter)
            contract.refresh_from_db()
        if c.state in ("active", "warning"):
            for adult in parents:
                cf.sign_parent(contract, adult, by)
            cf.sign_staff(contract, by)
            if c.party == ParentingContract.Party.LOCAL_AUTHORITY:
                services.signature_record(
                    contract=contract,
                    signer_kind=ContractSignature.SignerKind.LA_OFFICER,
                    name="An Officer",
                    method=ContractSignature.Method.SCANNED,
                    scan=SimpleUploadedFile("signed.pdf", FAKE_PDF, "application/pdf"),
                    by=case_manager,
                )
            contract.refresh_from_db()
            assert contract.status == ParentingContract.Status.ACTIVE, contract.status
        if c.state == "warning":
            nc = cf.non_compliance(contract, by)
            cf.warning_served(contract, by, nc)
        if c.state == "terminated":
            services.contract_terminate(
                contract=contract,
                reason="Ended early",
                services_consulted=False,
                services_consulted_details="",
                ended_on=cf.START,
                by=supervisor if c.party == ParentingContract.Party.LOCAL_AUTHORITY else by,
            )
        contract.refresh_from_db()
        assert contract.status == STATUS_OF[c.state]
        contracts.append(contract)

    # Pupils move on (or leave) after their contracts were drafted.
    for pupil, p in zip(pupils, spec.pupils, strict=True):
        if p.now != p.school:
            pupil.school = schools[p.now] if p.now is not None else None
            pupil.save()

    # The nightly flags, for a date when every one of them is due.
    run_date = max(timezone.localdate(), cf.END) + dt.timedelta(days=60)
    for step in (contract_jobs.unsigned_flags, contract_jobs.review_flags):
        step(run_date, by=case_manager)
    contract_jobs.ending_flags(run_date, by=case_manager)

    built = Built(
        schools=schools, staff=staff, pupils=pupils, contracts=contracts, parents_of=parents_of
    )
    contract_type = ContentType.objects.get_for_model(ParentingContract)
    for school in schools:
        mine = [c for c in contracts if c.school_id == school.pk]
        built.contract_ids[school.pk] = {c.pk for c in mine}
        built.document_ids[school.pk] = set(
            StoredDocument.objects.filter(
                content_type=contract_type, object_id__in=[c.pk for c in mine]
            ).values_list("pk", flat=True)
        )
        built.letter_document_ids[school.pk] = set(
            Letter.objects.filter(school=school).values_list("document_id", flat=True)
        )
    # Names: a pupil and their parents may be shown to the school of a
    # contract about them, and to the school the pupil is at now.
    for pupil in pupils:
        allowed = {c.school_id for c in contracts if c.pupil_id == pupil.pk}
        if pupil.school_id is not None:
            allowed.add(pupil.school_id)
        names = [pupil.first_name, pupil.family.name]
        for name in names + [a.first_name for a in parents_of[pupil.pk]]:
            built.names[name] = allowed
    for school in schools:
        built.names[school.name] = {school.pk}
    return built


# --- Asking as each school-staff user ---------------------------------------------


def _ids(pattern: re.Pattern, html: str) -> set[int]:
    return {int(m) for m in pattern.findall(html)}


def _no_foreign_names(built: Built, school_pk, html: str, where: str) -> None:
    for name, allowed in built.names.items():
        if school_pk not in allowed:
            assert name not in html, f"{where}: shows {name!r} of another school"


def _page(client: Client, built: Built, school_pk, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    _no_foreign_names(built, school_pk, html, url)
    return html


def _status(client: Client, url: str) -> int:
    response = client.get(url)
    if response.streaming:
        # Read a download to the end, as a browser would: the test client then
        # closes the file (never response.close() here: on PostgreSQL that
        # would close the test's database connection too).
        assert b"".join(response.streaming_content) == FAKE_PDF, url
    return response.status_code


def _check_staff_member(client: Client, built: Built, school_pk, status_filter: str) -> None:
    own = built.contract_ids.get(school_pk, set())
    own_docs = built.document_ids.get(school_pk, set())
    own_letters = built.letter_document_ids.get(school_pk, set())
    by_pk = {c.pk: c for c in built.contracts}

    listed = _ids(CONTRACT_ID, _page(client, built, school_pk, reverse("contracts:list")))
    assert listed == own
    filtered = _ids(
        CONTRACT_ID,
        _page(client, built, school_pk, f"{reverse('contracts:list')}?status={status_filter}"),
    )
    assert filtered == {pk for pk in own if by_pk[pk].status == status_filter}

    home = _page(client, built, school_pk, reverse("home"))
    assert _ids(CONTRACT_ID, home) <= own
    letters = _page(client, built, school_pk, reverse("letters"))
    assert _ids(DOCUMENT_ID, letters) == own_letters
    assert _ids(CONTRACT_ID, letters) <= own

    now_at_school = {p.pk for p in built.pupils if school_pk and p.school_id == school_pk}
    chooser = _page(client, built, school_pk, reverse("contracts:choose-pupil"))
    assert _ids(PUPIL_ID, chooser) == now_at_school
    for pupil in built.pupils:
        url = reverse("contracts:draft", args=[pupil.pk])
        if pupil.pk in now_at_school:
            offered = parse(_page(client, built, school_pk, url)).options.get("parents", [])
            assert {int(v) for v in offered} == {a.pk for a in built.parents_of[pupil.pk]}
            # The pupil's own record and its History tab stay closed.
            assert _status(client, reverse("cases:child-history", args=[pupil.pk])) == 404
        else:
            assert _status(client, url) == 404, url

    for contract in built.contracts:
        url = reverse("contracts:detail", args=[contract.pk])
        if contract.pk in own:
            html = _page(client, built, school_pk, url)
            assert _ids(CONTRACT_ID, html) <= {contract.pk}
            assert _ids(DOCUMENT_ID, html) <= own_docs | own_letters
        else:
            assert _status(client, url) == 404, url

    everything = set().union(*built.document_ids.values(), *built.letter_document_ids.values())
    for pk in everything:
        expected = 200 if pk in own_docs | own_letters else 404
        assert _status(client, reverse("document-download", args=[pk])) == expected, pk


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cheap_pdfs(monkeypatch):
    """Fixed bytes instead of weasyprint (see the module docstring)."""
    monkeypatch.setattr(services, "render_pdf", lambda template, context: FAKE_PDF)
    monkeypatch.setattr("yos.letters.html_to_pdf", lambda html: FAKE_PDF)


def _revoke_and_rerequest(client: Client, built: Built, mover, target) -> None:
    """Move a signed-in staff member to another school (or none) and ask again
    with the same session: the old school's records are gone at once."""
    old = mover.school_id
    mover.school = target
    mover.save()
    new = mover.school_id
    for pk in built.contract_ids[old]:
        assert _status(client, reverse("contracts:detail", args=[pk])) == 404, pk
    for pk in built.document_ids[old] | built.letter_document_ids[old]:
        assert _status(client, reverse("document-download", args=[pk])) == 404, pk
    listed = _ids(CONTRACT_ID, _page(client, built, new, reverse("contracts:list")))
    assert listed == built.contract_ids.get(new, set())
    for pk in built.contract_ids.get(new, set()):
        _page(client, built, new, reverse("contracts:detail", args=[pk]))


_tokens = iter(range(10**6))  # distinct names in every example, so canaries never collide


@settings(
    max_examples=200,
    deadline=None,
    database=None,  # leave no .hypothesis directory in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # rolled back per example
)
@given(spec=world_specs())
def test_school_staff_reach_only_their_own_schools_records(spec, team, case_manager, cheap_pdfs):
    with transaction.atomic():
        built = _build(spec, team=team, case_manager=case_manager, token=f"{next(_tokens):04d}")
        clients = [_signed_in(user) for user in built.staff]
        for user, client in zip(built.staff, clients, strict=True):
            _check_staff_member(client, built, user.school_id, spec.status_filter)
        mover, target = spec.revoke
        _revoke_and_rerequest(
            clients[mover],
            built,
            built.staff[mover],
            built.schools[target] if target is not None else None,
        )
        transaction.set_rollback(True)


def test_a_staff_member_moved_to_another_school_loses_the_old_schools_contracts_at_once(
    team, case_manager, cheap_pdfs
):
    """The revocation case on its own, with contracts, documents and letters
    at both schools (the generated worlds have them only sometimes)."""
    spec = WorldSpec(
        schools=2,
        staff=(0, 1),
        pupils=(PupilSpec(school=0, now=0, parents=2), PupilSpec(school=1, now=1, parents=1)),
        contracts=(
            ContractSpec(pupil=0, state="warning", party=PARTIES[0]),
            ContractSpec(pupil=0, state="draft", party=PARTIES[1]),
            ContractSpec(pupil=1, state="active", party=PARTIES[1]),
        ),
        status_filter=ParentingContract.Status.ACTIVE,
        revoke=(0, 1),
    )
    built = _build(spec, team=team, case_manager=case_manager, token="rev0")
    hillcrest, riverside = built.schools
    mover = built.staff[0]
    client = _signed_in(mover)
    assert len(built.contract_ids[hillcrest.pk]) == 2
    assert built.letter_document_ids[hillcrest.pk] and built.document_ids[riverside.pk]
    _check_staff_member(client, built, hillcrest.pk, spec.status_filter)

    _revoke_and_rerequest(client, built, mover, riverside)
    _check_staff_member(client, built, riverside.pk, spec.status_filter)
    _revoke_and_rerequest(client, built, mover, None)
    _check_staff_member(client, built, None, spec.status_filter)
