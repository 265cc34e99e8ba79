"""The demo's run of the joint mechanism over the sample findings: accounts for every role,
cases routed to the guarantors, replies, an overdue case escalated, Wadi Barada's contested
exclusion put to joint review and disputed, a co-signed checkpoint, and the ledger exported
and verified offline."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from truce import scenarios
from truce.assess.tally import Tally
from truce.assess.views import GuarantorTally
from truce.domain.access import Principal, Role
from truce.domain.cases import Case, CaseState, ReplyKind, Vote
from truce.domain.errors import Conflict
from truce.domain.incidents import Finding, FindingCategory, Incident
from truce.services import cases as flow
from truce.services import ledger
from truce.services.assessment import assess_incidents, tally_for_day
from truce.services.datasets import ImportSummary, import_dataset
from truce.services.extraction import store_resources, submit_text
from truce.services.incidents import FuseSummary, fuse
from truce.services.members import add_user
from truce.services.passwords import set_password
from truce.services.scenarios import LoadSummary, load_scenario
from truce.services.summary import compliance_summary
from truce.store.uow import UnitOfWork

# (user, member, role, name): one demo account per role, and one officer per guarantor.
DEMO_USERS = (
    ("chair", "un", Role.ADMINISTRATOR, "UN chair, mechanism administrator"),
    ("analyst", "un", Role.ANALYST, "Operations centre analyst"),
    ("ru-officer", "russia", Role.GUARANTOR, "Russian guarantor representative"),
    ("ir-officer", "iran", Role.GUARANTOR, "Iranian guarantor representative"),
    ("tr-officer", "turkey", Role.GUARANTOR, "Turkish guarantor representative"),
    ("gov-liaison", "syria-gov", Role.LIAISON, "Government delegation liaison"),
    ("opp-liaison", "syria-opp", Role.LIAISON, "Opposition delegation liaison"),
    ("us-observer", "usa", Role.OBSERVER, "US observer"),
    ("visitor", "un", Role.PUBLIC, "Member of the public"),
)
WADI_BARADA_DAY = "2017-01-09"
WADI_BARADA = frozenset(
    {
        "Wadi Barada",
        "Ain al-Fijah",
        "Basimah",
        "Deir Muqrin",
        "Kafr al-Zayt",
        "Souq Wadi Barada",
        "Deir Qanun",
        "Kafr al-Awamid",
        "Husseiniyeh",
        "Burhaliya",
    }
)
DEMO_SCENARIO = "astana-2016"
DEMO_DAY = date(2017, 1, 9)  # the day whose guarantor tallies the demo prints


@dataclass
class Sample:
    imported: ImportSummary
    extracted: int


def load_sample(
    uow: UnitOfWork,
    now: datetime,
    *,
    who: Principal,
    max_bytes: int = 1 << 26,
    scenario_name: str = DEMO_SCENARIO,
) -> Sample:
    """The demo's store before the mechanism plays: the scenario, its sample data set and
    party texts (fused and judged as they arrive), taken in by the operations centre."""
    scenario = scenarios.load(scenario_name)
    load_scenario(uow=uow, who=who, name=scenario_name)
    imported = import_dataset(
        uow=uow,
        who=who,
        fmt="acled",
        content=scenario.sample_acled,
        now=now,
        max_bytes=max_bytes,
        filename=f"{scenario_name}-sample_acled.csv",
    )
    resources = store_resources(uow)
    extracted = 0
    for item in scenario.sample_reports:
        submitted = submit_text(
            uow=uow,
            who=who,
            text=item["text"],
            title=item["title"],
            source=item["source"],
            published=date.fromisoformat(item["published"]),
            now=now,
            resources=resources,
            max_bytes=max_bytes,
        )
        extracted += len(submitted.reports)
    return Sample(imported, extracted)


@dataclass
class DemoRun:
    """What `truce demo` prints, step by step."""

    scenario: LoadSummary
    sample: Sample
    texts: int
    fusion: FuseSummary
    findings: dict[str, int]
    tally: Tally
    tallies: list[GuarantorTally]
    day: date
    wadi_barada: list[tuple[Incident, Finding]]
    mechanism: list[str]


def run_demo(
    uow: UnitOfWork,
    now: datetime,
    *,
    bundle: Path,
    max_bytes: int,
    who: Principal,
    fixed_passwords: bool = False,
) -> DemoRun:
    """The whole chain on the Astana sample: scenario, sample corpus, fusion, findings,
    tallies, the Wadi Barada findings, and the joint mechanism played over them."""
    scenario = scenarios.load(DEMO_SCENARIO)
    loaded = load_scenario(uow=uow, who=who, name=DEMO_SCENARIO)
    sample = load_sample(uow, now, who=who, max_bytes=max_bytes)
    # Incidents were kept current as the reports came in (incremental fusion); the batch
    # re-clustering of the whole corpus gives the same kind of result in one pass.
    fused = fuse(uow=uow, who=who, now=now, rebuild=True)
    agreement = scenario.base_agreement.id
    counts = assess_incidents(uow=uow, who=who, agreement_id=agreement, now=now)
    counts.pop("changed", None)
    start, end = scenario.sample_period
    return DemoRun(
        scenario=loaded,
        sample=sample,
        texts=len(scenario.sample_reports),
        fusion=fused,
        findings=dict(sorted(counts.items())),
        tally=compliance_summary(uow=uow, who=who, agreement_id=agreement, start=start, end=end),
        tallies=tally_for_day(uow=uow, who=who, agreement_id=agreement, day=DEMO_DAY),
        day=DEMO_DAY,
        wadi_barada=_wadi_barada_findings(uow, agreement, start, end),
        mechanism=play(uow, now, bundle, agreement, fixed_passwords=fixed_passwords),
    )


def _wadi_barada_findings(
    uow: UnitOfWork, agreement_id: str, start: date, end: date
) -> list[tuple[Incident, Finding]]:
    incidents = [
        i for i in uow.incidents.all(start=start, end=end) if (i.location_name or "") in WADI_BARADA
    ]
    findings = uow.findings.current_many([i.id for i in incidents], agreement_id)
    return [(i, findings[i.id]) for i in incidents if i.id in findings]


def demo_password(user: str) -> str:
    """The fixed password of a demo account, for tests (`accounts(fixed_passwords=True)`,
    `truce demo --fixed-passwords`): anyone who reads the code knows it."""
    return f"{user}-demo-2017"


def random_password() -> str:
    """A new demo account's password: 96 random bits, in four groups to copy by hand."""
    text = secrets.token_urlsafe(12)
    return "-".join(text[k : k + 4] for k in range(0, len(text), 4))


def make_accounts(
    uow: UnitOfWork, now: datetime, *, fixed_passwords: bool = False
) -> tuple[dict[str, Principal], dict[str, str]]:
    """The demo accounts, and the passwords of those made now (random, unless fixed ones
    are asked for). Accounts made by an earlier run keep theirs."""
    chair = Principal("console", "un", Role.ADMINISTRATOR)
    out, passwords = {}, {}
    for user, member, role, name in DEMO_USERS:
        try:
            out[user] = add_user(
                uow=uow, who=chair, user=user, member=member, name=name, role=role, now=now
            )
        except Conflict:
            out[user] = uow.users.principal(user)  # the demo run before made it
            continue
        password = demo_password(user) if fixed_passwords else random_password()
        set_password(uow=uow, who=chair, user=user, password=password, now=now)
        passwords[user] = password
    return out, passwords


def accounts(
    uow: UnitOfWork, now: datetime, *, fixed_passwords: bool = False
) -> dict[str, Principal]:
    return make_accounts(uow, now, fixed_passwords=fixed_passwords)[0]


def play(
    uow: UnitOfWork,
    now: datetime,
    bundle: Path,
    agreement_id: str,
    *,
    fixed_passwords: bool = False,
) -> list[str]:
    """Run the mechanism over the current findings; the lines to print."""
    who, passwords = make_accounts(uow, now, fixed_passwords=fixed_passwords)
    if passwords:
        lines = ["demo accounts (user / password: role of member; shown this once):"]
    else:
        lines = ["demo accounts (passwords set on an earlier run; `truce members passwd USER`):"]
    lines += [
        f"  {u}{' / ' + passwords[u] if u in passwords else ''}: {r.value} of {m}"
        for u, m, r, _ in DEMO_USERS
    ]
    opened = flow.open_cases(uow=uow, who=who["analyst"], agreement_id=agreement_id, now=now)
    all_cases = uow.cases.all()
    by_side = Counter(str(case.accused_side) for case in all_cases)
    lines.append(
        f"cases: {len(opened)} opened now, {len(all_cases)} in all; by accused side: "
        + ", ".join(f"{s} {n}" for s, n in sorted(by_side.items()))
    )
    if not opened:
        # Played on an earlier run: show where things stand, change nothing but the export.
        states = Counter(case.state.value for case in all_cases)
        lines.append(
            "already played on an earlier run; cases by state: "
            + ", ".join(f"{k} {v}" for k, v in sorted(states.items()))
        )
        return [*lines, _export(uow, who, bundle)]
    later = now + timedelta(hours=5)
    wadi = _wadi_barada(uow, all_cases)
    _replies(uow, who, [c for c in all_cases if c is not wadi], later)
    lines.append(f"replies: {sum(len(c.replies) for c in uow.cases.all())} on record")
    if wadi is not None:
        lines += _wadi_barada_review(uow, who, wadi, later)
    lines += _deadline_passes(uow, who, now + timedelta(hours=73))
    return [*lines, _export(uow, who, bundle)]


def _replies(uow: UnitOfWork, who: dict[str, Principal], cases: list[Case], at: datetime) -> None:
    """Turkey acts on every other case against the opposition; Russia and Iran ask for more
    on every third case against the government; the rest wait."""
    waiting = [c for c in cases if c.state is CaseState.AWAITING_REPLY]
    for k, case in enumerate(c for c in waiting if c.accused_side == "opposition"):
        if k % 2 == 0:
            flow.reply(
                uow=uow,
                who=who["tr-officer"],
                case_id=case.id,
                kind=ReplyKind.ACTION_TAKEN,
                now=at,
                text="The faction's commander was told to hold fire; Turkey is following up.",
            )
    for k, case in enumerate(c for c in waiting if c.accused_side == "government"):
        if k % 3 == 0:
            for officer in ("ru-officer", "ir-officer"):
                flow.reply(
                    uow=uow,
                    who=who[officer],
                    case_id=case.id,
                    kind=ReplyKind.INFORMATION_REQUESTED,
                    now=at,
                    text="Send the coordinates and the time of the strike.",
                )


def _deadline_passes(uow: UnitOfWork, who: dict[str, Principal], at: datetime) -> list[str]:
    """Past the reply deadline: escalation, a guarantor's inbox, a co-signed checkpoint."""
    escalated = flow.escalate_overdue(uow=uow, who=who["analyst"], now=at)
    inbox = flow.inbox(uow=uow, who=who["ru-officer"], now=at)
    made = ledger.checkpoint(uow=uow, who=who["chair"], now=at)
    return [
        f"escalated at {at:%Y-%m-%d %H:%M} (72 h reply deadline passed): {len(escalated)} case(s)",
        f"ru-officer's inbox: {len(inbox)} case(s), {sum(c.overdue(at) for c in inbox)} overdue",
        f"checkpoint: {made.size} entries, root {made.root[:16]}…, "
        f"co-signed by {', '.join(c.member for c in made.cosignatures)}",
    ]


def _export(uow: UnitOfWork, who: dict[str, Principal], bundle: Path) -> str:
    count = ledger.export_bundle(uow=uow, who=who["chair"], directory=bundle)
    result = ledger.verify_bundle(bundle)
    verdict = "verified" if result.ok else "FAILED: " + "; ".join(map(str, result.problems[:3]))
    return f"ledger: {count} entries exported to {bundle}; offline check: {verdict}"


def _wadi_barada(uow: UnitOfWork, cases: list[Case]) -> Case | None:
    for case in cases:
        if (
            case.category is FindingCategory.CONTESTED_EXCLUSION
            and case.state is CaseState.AWAITING_REPLY
        ):
            incident = uow.incidents.get(case.incident_id)
            if incident.date_start.isoformat() == WADI_BARADA_DAY:
                return case
    return None


def _wadi_barada_review(
    uow: UnitOfWork, who: dict[str, Principal], case: Case, at: datetime
) -> list[str]:
    counter = (
        "Jabhat Fateh al-Sham fighters held the Basimah positions; "
        "they are excluded from the truce."
    )
    for officer in ("ru-officer", "ir-officer"):
        flow.reply(
            uow=uow,
            who=who[officer],
            case_id=case.id,
            kind=ReplyKind.DISPUTED,
            now=at,
            text="The strikes targeted terrorists, not the opposition.",
            counter_claim=counter,
        )
    flow.propose_finding(uow=uow, who=who["analyst"], case_id=case.id, now=at + timedelta(hours=1))
    flow.review(
        uow=uow,
        who=who["tr-officer"],
        case_id=case.id,
        vote=Vote.CONFIRM,
        now=at + timedelta(hours=2),
    )
    flow.review(
        uow=uow,
        who=who["ru-officer"],
        case_id=case.id,
        vote=Vote.DISSENT,
        now=at + timedelta(hours=2),
        reason="The target was Jabhat Fateh al-Sham, which the truce does not cover.",
    )
    final = uow.cases.get(case.id)
    published = flow.publish(
        uow=uow, who=who["chair"], case_id=case.id, now=at + timedelta(hours=3)
    )
    return [
        f"Wadi Barada ({WADI_BARADA_DAY}, case {case.id}): Russia and Iran dispute it "
        f"(counter-claim: JFS present); Turkey confirms, Russia dissents -> "
        f"{final.state.value}; {published.state.value}"
    ]
