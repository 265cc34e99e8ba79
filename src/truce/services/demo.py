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
from truce.config import DEFAULT_LOG_ORIGIN
from truce.domain.access import Principal, Role
from truce.domain.cases import Case, CaseState, ReplyKind, Vote
from truce.domain.errors import Conflict
from truce.domain.incidents import Finding, FindingCategory, Incident
from truce.ledger import acts, note
from truce.ledger.keys import SigningKey
from truce.ledger.witness import Evidence, judge
from truce.services import cases as flow
from truce.services import ledger, trust, witnessing
from truce.services.assessment import assess_incidents, tally_for_day
from truce.services.datasets import ImportSummary, import_dataset
from truce.services.extraction import store_resources, submit_text
from truce.services.incidents import FuseSummary, fuse
from truce.services.members import add_user, keygen
from truce.services.passwords import set_password
from truce.services.scenarios import LoadSummary, load_scenario
from truce.services.summary import compliance_summary
from truce.store.keyring import Keyring
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
# The guarantors' own key directories, one each, outside the server's key directory: on a
# real deployment each is on its guarantor's machine.
DEMO_MEMBER_KEYS = Path("truce-member-keys")


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
    member_keys: Path = DEMO_MEMBER_KEYS,
    origin: str = DEFAULT_LOG_ORIGIN,
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
        mechanism=play(
            uow,
            now,
            bundle,
            agreement,
            fixed_passwords=fixed_passwords,
            member_keys=member_keys,
            origin=origin,
        ),
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
    member_keys: Path = DEMO_MEMBER_KEYS,
    origin: str = DEFAULT_LOG_ORIGIN,
) -> list[str]:
    """Run the mechanism over the current findings; the lines to print. `origin` names the
    log in its checkpoints, the bundle and the trust file (the `log_origin` setting)."""
    who, passwords = make_accounts(uow, now, fixed_passwords=fixed_passwords)
    if passwords:
        lines = ["demo accounts (user / password: role of member; shown this once):"]
    else:
        lines = ["demo accounts (passwords set on an earlier run; `truce members passwd USER`):"]
    lines += [
        f"  {u}{' / ' + passwords[u] if u in passwords else ''}: {r.value} of {m}"
        for u, m, r, _ in DEMO_USERS
    ]
    # Each guarantor's key, in its own directory (D: `own_keys.signer(member)` signs its acts).
    own_keys = guarantor_keys(
        uow, who["chair"], now, member_keys, fixed_passphrases=fixed_passwords
    )
    lines += own_keys.lines
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
        return [*lines, _export(uow, who, bundle, origin)]
    later = now + timedelta(hours=5)
    wadi = _wadi_barada(uow, all_cases)
    _replies(uow, who, [c for c in all_cases if c is not wadi], later)
    lines.append(f"replies: {sum(len(c.replies) for c in uow.cases.all())} on record")
    if wadi is not None:
        lines += _wadi_barada_review(uow, who, wadi, later, own_keys)
    lines += _deadline_passes(uow, who, now + timedelta(hours=73), own_keys, origin)
    return [*lines, _export(uow, who, bundle, origin)]


def demo_passphrase(member: str) -> str:
    """The fixed passphrase of a guarantor's demo key directory, for tests (as
    `demo_password`: anyone who reads the code knows it)."""
    return f"{member}-demo-key-2017"


@dataclass
class GuarantorKeys:
    """The guarantors' keys as the demo made them: each in its own directory, as on the
    guarantor's own machine, never in the server's key directory."""

    directories: dict[str, Path]
    passphrases: dict[str, str]  # of the directories made now (earlier ones keep theirs)
    lines: list[str]

    def signer(self, member: str, passphrase: str | None = None) -> SigningKey:
        """A guarantor's key, unsealed from its directory."""
        secret = passphrase or self.passphrases.get(member) or demo_passphrase(member)
        return Keyring(self.directories[member], secret, create=False).signer(member)


def guarantor_keys(
    uow: UnitOfWork,
    chair: Principal,
    now: datetime,
    root: Path,
    *,
    fixed_passphrases: bool = False,
) -> GuarantorKeys:
    """A key directory for each guarantor under `root` (one per guarantor, as if on its own
    machine), each key sealed with its own passphrase; only the public keys are registered.
    A guarantor with a registered key keeps it."""
    guarantors = sorted({g.member_id for a in uow.agreements.all() for g in a.guarantors})
    directories = {m: root / m for m in guarantors}
    passphrases = {}
    for member in guarantors:
        if uow.keys.current(member) is not None:
            continue
        passphrase = demo_passphrase(member) if fixed_passphrases else random_password()
        keygen(
            uow=uow,
            who=chair,
            member=member,
            now=now,
            key_dir=directories[member],
            passphrase=passphrase,
        )
        passphrases[member] = passphrase
    if passphrases:
        lines = [
            "guarantors' keys (directory / passphrase; shown this once): each directory "
            "stands for the guarantor's own machine, the server holds only public keys:"
        ]
    else:
        lines = ["guarantors' keys (made on an earlier run):"]
    lines += [
        f"  {m}: {directories[m]}{' / ' + passphrases[m] if m in passphrases else ''}"
        for m in guarantors
    ]
    return GuarantorKeys(directories, passphrases, lines)


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


def _deadline_passes(
    uow: UnitOfWork,
    who: dict[str, Principal],
    at: datetime,
    own_keys: GuarantorKeys,
    origin: str = DEFAULT_LOG_ORIGIN,
) -> list[str]:
    """Past the reply deadline: escalation, a guarantor's inbox, a checkpoint signed by the
    log operator, and each guarantor witnessing it with its own key."""
    escalated = flow.escalate_overdue(uow=uow, who=who["analyst"], now=at)
    inbox = flow.inbox(uow=uow, who=who["ru-officer"], now=at)
    officers = {"iran": "ir-officer", "russia": "ru-officer", "turkey": "tr-officer"}
    keys = {member: own_keys.signer(member) for member in officers}
    for member, key in keys.items():
        # The witness's key, as `truce witness init` prints it on the guarantor's machine,
        # registered by an administrator.
        vkey = note.verifier_key(member, key.public, note.COSIGNATURE_V1)
        witnessing.register(uow=uow, who=who["chair"], member=member, vkey=vkey, now=at)
    made = ledger.checkpoint(uow=uow, who=who["chair"], now=at, origin=origin)
    operator = witnessing.operator_verifier(uow, made.origin)  # from the trust file
    cosigned = [
        member
        for member, key in keys.items()
        if _witness_round(uow, who[officers[member]], key, operator, at)
    ]
    return [
        f"escalated at {at:%Y-%m-%d %H:%M} (72 h reply deadline passed): {len(escalated)} case(s)",
        f"ru-officer's inbox: {len(inbox)} case(s), {sum(c.overdue(at) for c in inbox)} overdue",
        f"checkpoint: {made.size} entries, root {made.root[:16]}…, signed by the log operator; "
        f"witnessed and cosigned by {', '.join(cosigned) or 'no witness'}",
    ]


def _witness_round(
    uow: UnitOfWork, who: Principal, key: SigningKey, operator: note.Verifier, at: datetime
) -> bool:
    """What `truce witness run` does on a guarantor's machine, in this process: judge the
    newest checkpoint (a first one: nothing to extend yet), then cosign it."""
    newest = witnessing.latest(uow=uow, who=who)
    verdict = judge(None, newest.signed_note(), [], operator)
    if isinstance(verdict, Evidence):
        return False
    line = note.cosignature_line(newest.text, key.member, key, int(at.timestamp()))
    witnessing.cosign(uow=uow, who=who, checkpoint=newest.signed_note(), cosignature=line, now=at)
    return True


def _export(
    uow: UnitOfWork, who: dict[str, Principal], bundle: Path, origin: str = DEFAULT_LOG_ORIGIN
) -> str:
    count = ledger.export_bundle(uow=uow, who=who["chair"], directory=bundle, origin=origin)
    # The trust file every member would have been given when the agreement was signed.
    trust_file = bundle.parent / "trust.json"
    made = trust.export_trust(uow=uow, who=who["chair"], origin=origin)
    trust.write_trust(made, trust_file)
    result = trust.verify_with_trust(bundle, made)
    verdict = "verified" if result.ok else "FAILED: " + "; ".join(map(str, result.problems[:3]))
    return (
        f"ledger: {count} entries exported to {bundle}; offline check against the trust file "
        f"{trust_file}: {verdict}"
    )


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


def _signed_vote(
    uow: UnitOfWork, who: Principal, key: SigningKey, case_id: str, vote: Vote, reason: str | None
) -> flow.Signed:
    """A guarantor's vote as its own client signs it, with its own key (`truce.ledger.acts`)."""
    fields = {"vote": vote.value, "reason": reason}
    case_round = uow.cases.get(case_id).round
    signed = acts.sign(
        key, acts.REVIEW, case_id, case_round, who.user, fields, secrets.token_bytes(32)
    )
    return flow.Signed(signed["signature"], signed["key_id"], signed["salt"])


def _wadi_barada_review(
    uow: UnitOfWork,
    who: dict[str, Principal],
    case: Case,
    at: datetime,
    own_keys: GuarantorKeys,
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
    # The guarantors vote member-signed: each with its own key, from its own directory.
    votes = (
        ("tr-officer", Vote.CONFIRM, None),
        (
            "ru-officer",
            Vote.DISSENT,
            "The target was Jabhat Fateh al-Sham, which the truce does not cover.",
        ),
    )
    for officer, vote, reason in votes:
        key = own_keys.signer(who[officer].member)
        flow.review(
            uow=uow,
            who=who[officer],
            case_id=case.id,
            vote=vote,
            now=at + timedelta(hours=2),
            reason=reason,
            signature=_signed_vote(uow, who[officer], key, case.id, vote, reason),
        )
    final = uow.cases.get(case.id)
    published = flow.publish(
        uow=uow, who=who["chair"], case_id=case.id, now=at + timedelta(hours=3)
    )
    return [
        f"Wadi Barada ({WADI_BARADA_DAY}, case {case.id}): Russia and Iran dispute it "
        f"(counter-claim: JFS present); Turkey confirms, Russia dissents (votes signed with "
        f"their own keys) -> "
        f"{final.state.value}; {published.state.value}"
    ]
