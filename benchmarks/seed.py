"""The scale data set: invented families, children, adults, cases, sessions,
parenting orders with requirements, contracts and victims, with history.

Every value comes from ``random.Random(f"{seed}:{table}")`` and the row
number, so a given --seed and --anchor give the same data. Ids are explicit
(after the largest id already there), references are a bijection of the id
(prefix + 8 characters, never clashing with the 7-character random ones the
application makes), and the sequences are moved past them at the end.

Sizes for N children (≈): families N/1.5, adults N, adult–child links 1.5N,
cases 2N (one case of any kind and the parenting case of the child's order),
sessions 2N, parenting orders N with 1–2 requirements each and one parent
bound, contracts N/20, victims N/10, teams N/2000, schools N/400, one case
manager per 40 families; history: one "created" row per record and 9
"changed" rows more per order (≈ 10 per order).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from benchmarks import loader
from benchmarks.names import FIRST_NAMES, LAST_NAMES, STREETS, TOWNS
from yos.lib.audit import system_user
from yos.lib.dates import add_calendar_months
from yos.lib.models import REFERENCE_ALPHABET

ORDER_CHANGES = 9  # "changed" history rows per order, after the "created" one
ORDER_SPREAD_DAYS = 4 * 365  # orders made over the last four years
BIG = 50_000  # from this many children, drop secondary indexes and rebuild them after


def reference(prefix: str, n: int, salt: int) -> str:
    """prefix + 8 characters of REFERENCE_ALPHABET, a bijection of n (an odd
    multiplier modulo 32^8), so distinct ids give distinct references."""
    x = (n * 2654435761 + salt) % (32**8)
    out = []
    for _ in range(8):
        x, r = divmod(x, 32)
        out.append(REFERENCE_ALPHABET[r])
    return prefix + "".join(out)


def model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


@dataclass
class Plan:
    children: int
    seed: int
    anchor: dt.date

    def __post_init__(self):
        n = self.children
        self.families = max(1, (n * 2 + 2) // 3)
        self.teams = max(1, -(-n // 2000))
        self.schools = max(1, -(-n // 400))
        self.managers_per_team = max(1, self.families // self.teams // 40)
        self.contracts = max(1, n // 20)
        self.victims = max(1, n // 10)


@dataclass
class Seeder:
    plan: Plan
    log: Callable[[str], None] = print
    counts: dict[str, int] = field(default_factory=dict)

    def rng(self, table: str) -> random.Random:
        return random.Random(f"{self.plan.seed}:{table}")

    def _load(self, label: str, explicit: list[str], rows: Iterator, *, history: int | None = 0):
        m = model(label)
        if m is None:
            self.log(f"  {label}: not in this code base yet, skipped")
            return None
        start = time.monotonic()
        before = self.first_ids[label]
        n = loader.TableLoader(m, explicit, now=self.now).load(rows)
        self.counts[label] = n
        msg = f"  {label}: {n:,} rows in {time.monotonic() - start:.1f}s"
        if history is not None and hasattr(m, "history") and not m._meta.auto_created:
            start = time.monotonic()
            h = loader.copy_history(m, user_id=self.system.pk, min_id=before, changes=history)
            self.counts[f"{label} history"] = h
            msg += f"; {h:,} history rows in {time.monotonic() - start:.1f}s"
        self.log(msg)
        return m

    # --- the run ---------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self.now = timezone.make_aware(dt.datetime.combine(self.plan.anchor, dt.time(2, 0)))
        self.system = system_user()
        labels = [
            "yos.Team", "yos.School", "yos.User", "cases.Family", "cases.Child",
            "cases.Adult", "cases.AdultChild", "cases.Case", "cases.Session",
            "orders.ParentingOrder", "orders.OrderRequirement", "contracts.ParentingContract",
            "contracts.ContractParent", "victims.Victim", "victims.VictimOffence",
        ]  # fmt: skip
        self.first_ids = {}
        for label in labels:
            m = model(label)
            self.first_ids[label] = loader.max_id(m) if m is not None else 0
        self.salt = self.rng("salt").randrange(32**8)
        present = [m for label in labels if (m := model(label)) is not None]
        tables = [m._meta.db_table for m in present] + [
            m.history.model._meta.db_table for m in present if hasattr(m, "history")
        ]
        tables += [t for m in present for t in loader.history_m2m_tables(m)]
        big = self.plan.children >= BIG
        with transaction.atomic():
            loader.fast_load_settings()
            indexes = loader.drop_secondary_indexes(tables) if big else []
            self.load_all()
            start = time.monotonic()
            loader.create_indexes(indexes)
            if indexes:
                self.log(f"  {len(indexes)} indexes rebuilt in {time.monotonic() - start:.1f}s")
            loader.end_fast_load()
            loaded = present
            through = [m._meta.get_field(f).remote_field.through for m, f in self._m2m]
            loader.reset_sequences(
                loaded + through + [m.history.model for m in loaded if hasattr(m, "history")]
            )
        if loader.is_postgres():
            start = time.monotonic()
            # VACUUM cannot run inside a transaction (a test's); ANALYZE can.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                cursor.execute(command)
            self.log(f"  {command} in {time.monotonic() - start:.1f}s")
        return self.counts

    def load_all(self) -> None:
        p = self.plan
        fid = self.first_ids
        self._m2m = []
        # Teams, schools and staff
        self._load(
            "yos.Team",
            ["id", "name"],
            (
                (fid["yos.Team"] + i, f"Scale team {fid['yos.Team'] + i}")
                for i in range(1, p.teams + 1)
            ),
            history=None,
        )
        self._load(
            "yos.School",
            ["id", "name", "urn", "address"],
            (
                (
                    fid["yos.School"] + i,
                    f"{TOWNS[i % len(TOWNS)]} Academy {i}",
                    f"S{self.plan.seed % 1000:03d}{fid['yos.School'] + i:08d}",
                    f"{i} School Lane, {TOWNS[i % len(TOWNS)]}",
                )
                for i in range(1, p.schools + 1)
            ),
            history=None,
        )
        self.load_staff()
        self.load_families()
        self.load_children()
        self.load_adults()
        self.load_cases()
        self.load_orders()
        self.load_contracts()
        self.load_victims()

    def team_of_family(self, f: int) -> int:
        return self.first_ids["yos.Team"] + 1 + (f - 1) % self.plan.teams

    def manager_of_family(self, f: int) -> int:
        """Case managers are numbered team by team."""
        p = self.plan
        team_index = (f - 1) % p.teams
        k = ((f - 1) // p.teams) % p.managers_per_team
        return self.first_user + 1 + team_index * (p.managers_per_team + 1) + k

    def load_staff(self) -> None:
        """Per team: managers_per_team case managers, then one supervisor."""
        p = self.plan
        self.first_user = loader.max_id(model("yos.User"))
        per = p.managers_per_team + 1
        rng = self.rng("users")

        def users():
            for t in range(p.teams):
                for k in range(per):
                    i = t * per + k + 1
                    role = "cm" if k < p.managers_per_team else "sup"
                    yield (
                        self.first_user + i,
                        f"scale-{role}-{self.first_user + i}",
                        "!",
                        rng.choice(FIRST_NAMES),
                        rng.choice(LAST_NAMES),
                        f"scale-{self.first_user + i}@example.invalid",
                        True,
                        self.now,
                        role == "sup" and t == 0,  # one service-wide supervisor
                    )

        self._load(
            "yos.User",
            ["id", "username", "password", "first_name", "last_name", "email", "is_active",
             "date_joined", "service_wide"],
            users(),
            history=None,
        )  # fmt: skip
        User = model("yos.User")
        groups = {g.name: g.pk for g in Group.objects.all()}
        links = loader.TableLoader(User.teams.through, ["user_id", "team_id"], now=self.now)
        links.load(
            (self.first_user + t * per + k + 1, self.first_ids["yos.Team"] + t + 1)
            for t in range(p.teams)
            for k in range(per)
        )
        if groups:
            group_links = loader.TableLoader(
                User.groups.through, ["user_id", "group_id"], now=self.now
            )
            group_links.load(
                (
                    self.first_user + t * per + k + 1,
                    groups["case_manager" if k < p.managers_per_team else "supervisor"],
                )
                for t in range(p.teams)
                for k in range(per)
            )

    def load_families(self) -> None:
        p, rng, base = self.plan, self.rng("families"), self.first_ids["cases.Family"]
        self.family_names = [rng.choice(LAST_NAMES) for _ in range(p.families)]

        def rows():
            for f in range(1, p.families + 1):
                allocated = rng.random() < 0.9
                yield (
                    base + f,
                    self.family_names[f - 1],
                    self.team_of_family(f),
                    self.manager_of_family(f) if allocated else None,
                    f"{rng.randint(1, 220)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}",
                    self.now - dt.timedelta(days=rng.randint(30, 3000)),
                )

        self._load(
            "cases.Family", ["id", "name", "team_id", "case_manager_id", "address", "created_at"],
            rows(),
        )  # fmt: skip

    def family_of_child(self, c: int) -> int:
        """Children 1, 2 → family 1; 3 → family 2; 4, 5 → family 3: 1.5 a family."""
        return (c - 1) * 2 // 3 + 1

    def load_children(self) -> None:
        p, rng = self.plan, self.rng("children")
        base, fbase = self.first_ids["cases.Child"], self.first_ids["cases.Family"]
        sbase = self.first_ids["yos.School"]
        genders = ["female", "male", "male", "female", "other", "not_known"]
        ethnicities = ["white"] * 6 + ["asian", "black", "mixed", "other", "not_known"]
        sens = ["none"] * 6 + ["sen_support", "sen_support", "ehcp", "not_known"]
        cares = ["none"] * 8 + ["looked_after", "care_leaver"]
        self.child_dob = []

        def rows():
            for c in range(1, p.children + 1):
                f = self.family_of_child(c)
                dob = p.anchor - dt.timedelta(days=rng.randint(10 * 365 + 3, 18 * 365 - 3))
                self.child_dob.append(dob)
                yield (
                    base + c,
                    fbase + f,
                    reference("C", base + c, self.salt),
                    rng.choice(FIRST_NAMES),
                    self.family_names[f - 1],
                    dob,
                    rng.choice(genders),
                    rng.choice(ethnicities),
                    sbase + 1 + rng.randrange(p.schools),
                    rng.choice(sens),
                    rng.choice(cares),
                    rng.random() < 0.3,
                    rng.random() < 0.2,
                    self.now - dt.timedelta(days=rng.randint(30, 3000)),
                )

        self._load(
            "cases.Child",
            ["id", "family_id", "reference", "first_name", "last_name", "date_of_birth",
             "gender", "ethnicity", "school_id", "sen", "care_status", "social_care",
             "early_help", "created_at"],
            rows(),
        )  # fmt: skip

    def load_adults(self) -> None:
        """One or two adults per family, each linked to every child of it."""
        p, rng = self.plan, self.rng("adults")
        base, fbase = self.first_ids["cases.Adult"], self.first_ids["cases.Family"]
        self.family_adults: list[tuple[int, ...]] = []
        adults = []
        a = 0
        for f in range(1, p.families + 1):
            k = 2 if rng.random() < 0.5 else 1
            ids = tuple(base + a + j + 1 for j in range(k))
            a += k
            self.family_adults.append(ids)
            for j in range(k):
                adults.append((f, j))

        def rows():
            for i, (f, _j) in enumerate(adults, start=1):
                yield (
                    base + i,
                    fbase + f,
                    rng.choice(FIRST_NAMES),
                    self.family_names[f - 1],
                    f"07700 9{rng.randrange(100000):05d}",
                    rng.random() < 0.05,
                    self.now - dt.timedelta(days=rng.randint(30, 3000)),
                )

        self._load(
            "cases.Adult",
            ["id", "family_id", "first_name", "last_name", "phone", "interpreter_needed",
             "created_at"],
            rows(),
        )  # fmt: skip
        cbase = self.first_ids["cases.Child"]
        lbase = self.first_ids["cases.AdultChild"]

        def links():
            i = 0
            for c in range(1, p.children + 1):
                for j, adult in enumerate(self.family_adults[self.family_of_child(c) - 1]):
                    i += 1
                    yield (
                        lbase + i, adult, cbase + c, "mother" if j == 0 else "father",
                        True, j == 0, self.now,
                    )  # fmt: skip

        self._load(
            "cases.AdultChild",
            ["id", "adult_id", "child_id", "relationship", "parental_responsibility",
             "resident", "created_at"],
            links(),
        )  # fmt: skip

    # Case 2c-1 is the child's case of any kind; case 2c its parenting case.
    def load_cases(self) -> None:
        p, rng = self.plan, self.rng("cases")
        base, cbase = self.first_ids["cases.Case"], self.first_ids["cases.Child"]
        kinds = [
            "prevention", "triage", "community_resolution", "youth_caution",
            "youth_conditional_caution", "bail_remand", "referral_order", "yro", "dto",
        ]  # fmt: skip
        offences = ["Theft from a shop", "Criminal damage", "Common assault", "Burglary",
                    "Possession of cannabis", "Public order offence", "Robbery"]  # fmt: skip
        self.order_made = []

        def rows():
            for c in range(1, p.children + 1):
                dob = self.child_dob[c - 1]
                # the child's own case
                referred = p.anchor - dt.timedelta(days=rng.randint(1, 1500))
                referred = max(referred, dob + dt.timedelta(days=10 * 365 + 1))
                kind = rng.choice(kinds)
                status = rng.choices(["closed", "open", "referred"], [6, 3, 1])[0]
                opened = referred + dt.timedelta(days=rng.randint(0, 20))
                opened = min(opened, p.anchor) if status != "referred" else None
                closed = None
                if status == "closed":
                    closed = min(p.anchor, opened + dt.timedelta(days=rng.randint(30, 400)))
                yield (
                    base + 2 * c - 1, cbase + c, reference("K", base + 2 * c - 1, self.salt),
                    kind, status, referred, opened, closed,
                    None if kind == "prevention" else referred - dt.timedelta(days=rng.randint(1, 60)),
                    "" if kind == "prevention" else rng.choice(offences),
                    "Intervention completed" if closed else "",
                    self.now - dt.timedelta(days=(p.anchor - referred).days),
                )  # fmt: skip
                # the parenting case of the child's order
                made = p.anchor - dt.timedelta(days=rng.randrange(ORDER_SPREAD_DAYS))
                made = min(p.anchor, max(made, dob + dt.timedelta(days=10 * 365 + 30)))
                self.order_made.append(made)
                yield (
                    base + 2 * c, cbase + c, reference("K", base + 2 * c, self.salt),
                    "parenting", "open", made, made, None, None, "", "",
                    self.now - dt.timedelta(days=(p.anchor - made).days),
                )  # fmt: skip

        self._load(
            "cases.Case",
            ["id", "child_id", "reference", "kind", "status", "referred_on", "opened_on",
             "closed_on", "offence_date", "offence", "closure_reason", "created_at"],
            rows(),
        )  # fmt: skip
        sbase = self.first_ids["cases.Session"]
        srng = self.rng("sessions")
        kinds_s = ["one_to_one", "group", "family", "home_visit"]

        def sessions():
            i = 0
            for c in range(1, p.children + 1):
                for _ in range(2):
                    i += 1
                    at = self.now - dt.timedelta(
                        days=srng.randint(-14, 400), hours=srng.randint(0, 8)
                    )
                    attendance = (
                        "planned"
                        if at > self.now
                        else srng.choice(
                            ["attended", "attended", "attended", "unexcused", "excused"]
                        )
                    )
                    yield (
                        sbase + i, base + 2 * c - 1, srng.choice(kinds_s), at, attendance,
                        "Unwell" if attendance == "excused" else "",
                        self.manager_of_family(self.family_of_child(c)), self.now,
                    )  # fmt: skip

        self._load(
            "cases.Session",
            ["id", "case_id", "kind", "starts_at", "attendance", "absence_reason",
             "recorded_by_id", "created_at"],
            sessions(),
        )  # fmt: skip

    def load_orders(self) -> None:
        """One order per child on its parenting case; requirements end within
        12 months; an order whose requirements all ended before yesterday is
        closed, so the nightly job finds only a thin slice due."""
        p, rng = self.plan, self.rng("orders")
        Order = model("orders.ParentingOrder")
        if Order is None:
            self.log("  orders.ParentingOrder: not in this code base yet, skipped")
            return
        base = self.first_ids["orders.ParentingOrder"]
        casebase, cbase = self.first_ids["cases.Case"], self.first_ids["cases.Child"]
        courts = [f"{t} Youth Court" for t in TOWNS[:12]]
        bases = ["cda_1998_s8", "sa_2020_s366", "sa_2020_s368", "asba_2003_s26"]
        self.order_requirements = []
        closed_cases = []

        def rows():
            for c in range(1, p.children + 1):
                made = self.order_made[c - 1]
                latest = add_calendar_months(made, 12)
                ends = sorted(
                    min(latest, made + dt.timedelta(days=rng.randint(90, 365)))
                    for _ in range(1 if rng.random() < 0.5 else 2)
                )
                self.order_requirements.append(ends)
                closed = (
                    ends[-1] + dt.timedelta(days=1)
                    if ends[-1] < p.anchor - dt.timedelta(days=1)
                    else None
                )
                if closed:
                    closed_cases.append(casebase + 2 * c)
                yield (
                    base + c, casebase + 2 * c, cbase + c, rng.choice(courts), made,
                    add_calendar_months(made, 3), rng.choice(bases),
                    "Attend the parenting programme weekly", closed,
                    1 + ORDER_CHANGES, self.now - dt.timedelta(days=(p.anchor - made).days),
                )  # fmt: skip

        self._load(
            "orders.ParentingOrder",
            ["id", "case_id", "child_id", "court", "made_on", "counselling_ends_on", "basis",
             "conditions", "closed_on", "version", "created_at"],
            rows(),
            history=ORDER_CHANGES,
        )  # fmt: skip
        # The parenting cases of closed orders are closed too.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_case SET status = 'closed', closed_on = o.closed_on, "
                "closure_reason = 'Order ended' FROM orders_parentingorder o "
                "WHERE o.case_id = cases_case.id AND o.closed_on IS NOT NULL AND o.id > %s"
                if loader.is_postgres()
                else "UPDATE cases_case SET status = 'closed', closure_reason = 'Order ended', "
                "closed_on = (SELECT o.closed_on FROM orders_parentingorder o "
                "WHERE o.case_id = cases_case.id) WHERE id IN (SELECT case_id FROM "
                "orders_parentingorder WHERE closed_on IS NOT NULL AND id > %s)",
                [base],
            )
        self._m2m.append((Order, "parents"))
        parents = loader.TableLoader(
            Order.parents.through, ["parentingorder_id", "adult_id"], now=self.now
        )
        parents.load(
            (base + c, self.family_adults[self.family_of_child(c) - 1][0])
            for c in range(1, p.children + 1)
        )
        start = time.monotonic()
        snapshots = loader.copy_history_m2m(Order, min_id=base)
        if snapshots:
            self.counts["orders.ParentingOrder parents history"] = snapshots
            self.log(
                f"  parents bound, in the orders' history: {snapshots:,} rows"
                f" in {time.monotonic() - start:.1f}s"
            )
        rbase = self.first_ids["orders.OrderRequirement"]

        def requirements():
            i = 0
            for c in range(1, p.children + 1):
                for j, ends in enumerate(self.order_requirements[c - 1]):
                    i += 1
                    comply = j == 0
                    yield (
                        rbase + i, base + c,
                        "comply_with_order" if comply else "attend_school",
                        casebase + 2 * c - 1 if comply else None, ends, self.now,
                    )  # fmt: skip

        self._load(
            "orders.OrderRequirement",
            ["id", "order_id", "kind", "child_case_id", "ends_on", "created_at"],
            requirements(),
        )

    def load_contracts(self) -> None:
        p, rng = self.plan, self.rng("contracts")
        if model("contracts.ParentingContract") is None:
            self.log("  contracts: not in this code base yet, skipped")
            return
        base, cbase = self.first_ids["contracts.ParentingContract"], self.first_ids["cases.Child"]
        sbase = self.first_ids["yos.School"]
        step = max(1, p.children // p.contracts)
        pupils = []

        def rows():
            for k in range(1, p.contracts + 1):
                c = (k - 1) * step + 1
                pupils.append(c)
                starts = p.anchor - dt.timedelta(days=rng.randint(0, 700))
                ends = starts + dt.timedelta(days=rng.choice([180, 270, 365]))
                status = rng.choice(
                    ["draft", "awaiting_signatures", "active", "active", "warning_served",
                     "completed", "terminated", "expired"]
                )  # fmt: skip
                consent = status != "draft"
                activated = starts if status in ("active", "warning_served", "completed") else None
                yield (
                    base + k, reference("P", base + k, self.salt), cbase + c,
                    sbase + 1 + rng.randrange(p.schools), status, starts, ends,
                    starts + dt.timedelta(days=90), "Named lead practitioner", consent,
                    starts if consent else None, "in_person" if consent else "",
                    activated, starts if status == "awaiting_signatures" else None,
                    self.system.pk, self.now,
                )  # fmt: skip

        self._load(
            "contracts.ParentingContract",
            ["id", "reference", "pupil_id", "school_id", "status", "starts_on", "ends_on",
             "next_review_on", "lead_practitioner", "consent_given", "consent_on", "consent_how",
             "activated_on", "finalised_on", "created_by_id", "created_at"],
            rows(),
        )  # fmt: skip
        if model("contracts.ContractParent") is not None:
            pbase = self.first_ids["contracts.ContractParent"]
            self._load(
                "contracts.ContractParent",
                ["id", "contract_id", "adult_id", "present_at_initiation", "created_at"],
                (
                    (pbase + k, base + k, self.family_adults[self.family_of_child(c) - 1][0],
                     True, self.now)
                    for k, c in enumerate(pupils, start=1)
                ),
            )  # fmt: skip

    def load_victims(self) -> None:
        p, rng = self.plan, self.rng("victims")
        if model("victims.Victim") is None:
            self.log("  victims: not in this code base yet, skipped")
            return
        base, casebase = self.first_ids["victims.Victim"], self.first_ids["cases.Case"]
        step = max(1, p.children // p.victims)
        cases = []

        def rows():
            for k in range(1, p.victims + 1):
                c = (k - 1) * step + 1
                cases.append(casebase + 2 * c - 1)
                yield (
                    base + k, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    p.anchor - dt.timedelta(days=rng.randint(0, 900)), self.now,
                )  # fmt: skip

        self._load("victims.Victim", ["id", "name", "details_received_on", "created_at"], rows())
        if model("victims.VictimOffence") is not None:
            obase = self.first_ids["victims.VictimOffence"]
            self._load(
                "victims.VictimOffence",
                ["id", "victim_id", "case_id", "created_at"],
                ((obase + k, base + k, case, self.now) for k, case in enumerate(cases, start=1)),
            )


def seed(children: int, *, seed: int = 1, anchor: dt.date | None = None, log=print):
    plan = Plan(children=children, seed=seed, anchor=anchor or timezone.localdate())
    return Seeder(plan, log=log).run()
