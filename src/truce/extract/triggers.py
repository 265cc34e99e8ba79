"""Event triggers, the words that signal an event.

Triggers are regular expressions over lower-cased text, grouped by the ACLED
sub-event type they signal. Order inside a group does not matter; the ACLED
hierarchy decides between groups (vocab.ACLED_SUB_EVENT_TYPES).
"""

from __future__ import annotations

import re

TERRITORY = "territory"  # marker: a change of control, resolved by who took it

_TRIGGERS: dict[str, tuple[str, ...]] = {
    "Armed clash": (
        r"clash(?:es|ed)?",
        r"assaults?",
        r"launched (?:an? |the |their |its |a new )?(?:[\w'-]+ ){0,3}"
        r"(?:attack|assault|offensive|operation)s?",
        r"fired (?:(?!(?:mortars?|rockets?|missiles?|shells?|artillery|projectiles?|grad|barrel)\b)"
        r"[\w-]+ ){0,4}?(?:on|at(?! least)|upon)",
        r"fighting",
        r"fought",
        r"battles?",
        r"firefights?",
        r"skirmish(?:es)?",
        r"exchanged? fire",
        r"exchanges? of fire",
        r"opened (?:[\w-]+ ){1,2}fire",  # "opened machine-gun fire": "opened fire on" is below
        r"gun ?battles?",
        r"ambush(?:ed|es)?",
        r"(?:launched|began|started|continued|resumed|renewed|mounted|pressed) "
        r"(?:an? |the |their |its )?(?:[\w'-]+ ){0,3}offensive",
        r"offensive (?:on|against|to (?:take|capture|retake|seize))",
        r"counter-?attack(?:s|ed)?",
        r"repelled",
        r"repulsed",
        r"infiltration attempts?",
        r"attempted to (?:advance|storm|infiltrate)",
        r"stormed",
        r"assault(?:ed)? on",
        r"launched an? (?:\w+ )?(?:attack|assault)",
        r"targeted (?:[\w'-]+ ){0,4}?"
        r"(?:positions?|headquarters|gatherings?|fortifications|hideouts?|bases?)",
        r"attack(?:s|ed)?(?: on)? (?:[\w'-]+ ){0,4}"
        r"(?:positions?|checkpoints?|posts?|barracks|bases?|headquarters|"
        r"points?|fortifications|frontlines?|front lines?)",
        r"infighting",
        r"confrontations?",
        r"heavy fighting",
        r"sniper fire",
        r"sniping",
        # State media and statements: "pressed their operations against", "a ground push on".
        r"(?:military |combat |ground )?operations? (?:against|on|targeting)",
        r"ground (?:push|offensive|assault|attack|advance|incursion|operation)s?",
        r"(?:pushed|advanced|push|advance) (?:towards|toward|on|into)",
        r"(?:repelled|foiled|thwarted) an? (?:\w+ ){0,2}(?:attack|assault|infiltration)",
        # Turkish Defence Ministry usage: "neutralised 10 terrorists" is killed, wounded or
        # captured, so a fight (casualties.py does not count it as dead).
        r"neutrali[sz](?:ed|es|ing)",
        r"اشتباكات",
        r"معارك",
    ),
    TERRITORY: (
        r"(?:re)?captur(?:ed|es|ing)",
        r"recaptur(?:ed|ing)",
        r"retook",
        r"retaken",
        r"regain(?:ed|ing)",
        r"took (?:full )?control",
        r"seiz(?:ed|ing)",
        r"overran",
        r"overrun",
        r"took over",
        r"advanced (?:into|on)",
        r"entered the (?:town|village|city|neighbourhood|district)",
        r"entered (?-i:(?=[A-Z]))",
        r"took (?:[\w'-]+ ){0,3}"
        r"(?:building blocks|blocks|villages?|towns?|hills?|positions|areas?|neighbourhoods?|"
        r"districts?|points|farms|checkpoints)",
        r"fell to",
        r"gained control",
        r"taken control",
        r"took back",
        # State media: "restored full control over", "liberated the town".
        r"restored (?:full |complete |total )?(?:control|security and stability)",
        r"(?:re)?imposed (?:full |complete )?control",
        r"liberat(?:ed|ing)",
    ),
    "Air/drone strike": (
        r"air ?strikes?",
        r"airstrikes?",
        r"air ?raids?",
        r"warplanes?",
        r"(?:fighter )?jets?",
        r"aircraft",
        r"helicopters?",
        r"barrel ?bombs?",
        r"drones? strikes?",
        r"drone attacks?",
        # "a drone of the Turkish occupation struck": whose drone may stand between.
        r"(?:armed |suicide |kamikaze )?drones? (?:of (?:the )?[\w-]+ [\w-]+ )?"
        r"(?:struck|hit|targeted|bombed|attacked|fired)",
        r"bombing raids?",
        r"aerial (?:bombardment|attack|bombing)s?",
        # Missiles or rockets fired by aircraft or from the air are an air strike: "missiles fired
        # by Israeli warplanes", "fired missiles from over the Golan", "from Lebanese airspace".
        # These wrap the bare "missiles" (events._outermost); surface-to-surface ones stay shelling.
        r"(?:missiles?|rockets?) (?:were |was )?(?:fired|launched) (?:by|from) (?:[\w'-]+ ){0,3}?"
        r"(?:warplanes?|(?:fighter )?jets?|aircraft|helicopters?|drones?|planes?)",
        r"(?:missiles?|rockets?) (?:[\w'-]+ ){0,4}?from (?:the air|(?:[\w'-]+ ){0,2}airspace|"
        r"over (?:the )?(?:occupied )?(?:syrian )?(?:golan|lebanon|lebanese|sea|mediterranean)\w*)",
        r"air-(?:launched|to-surface|to-ground) (?:missiles?|rockets?)",
        r"airpower",
        r"sorties",
        r"غارات?",
        r"الطيران",
        r"براميل متفجرة",
    ),
    "Shelling/artillery/missile attack": (
        r"shell(?:ed|ing|s)?",
        r"mortars?",
        r"artillery",
        r"rockets?",
        r"missiles?",
        r"bombard(?:ed|ment)",
        r"tank (?:fire|shells?|rounds?)",
        r"projectiles?",
        r"grad",
        r"mlrs",
        r"multiple rocket launchers?",
        r"hell cannons?",
        r"heavy weapons",
        r"shells",
        r"قصف",
        r"قذائف",
        r"صواريخ",
    ),
    "Remote explosive/landmine/IED": (
        r"bomb(?:ing)? attacks?",
        r"bombings?",
        r"twin (?:bomb|suicide|blast)\w*",
        r"ieds?",
        r"improvised explosive devices?",
        r"roadside bombs?",
        r"landmines?",
        r"land mines?",
        r"car bombs?",
        r"booby[- ]trapped",
        r"explosive devices?",
        r"bomb exploded",
        r"explosions?",
        r"blasts?",
        r"detonated",
        r"explosive-laden",
        r"vbieds?",
        r"mines?",
        r"تفجير",
        r"عبوة ناسفة",
    ),
    "Suicide bomb": (
        r"suicide (?:car |truck |van )?(?:bomb(?:er|ing)?s?|attacks?|vests?)",
        r"blew (?:himself|herself|themselves) up",
        r"svbieds?",
        r"انتحاري",
    ),
    "Grenade": (r"(?:hand )?grenades?",),
    "Chemical weapon": (
        r"chlorine",
        r"sarin",
        r"chemical (?:attack|weapons?|agents?|munitions?)",
        r"toxic gas",
        r"poison(?:ous)? gas",
        r"nerve agents?",
    ),
    "Attack": (
        r"executed",
        r"executions?",
        r"shot dead",
        r"gunned down",
        r"assassinat(?:ed|ion|ions)",
        r"murder(?:ed|s)?",
        r"massacre",
        r"tortured to death",
        r"opened fire (?:on|at)(?! (?:the )?(?:protesters|demonstrators|crowds?|protest))",
        r"attacked",
        r"attacks? on",
        r"killed by (?:a )?sniper",
        r"sniper killed",
        r"shot and killed",
        r"killed a civilian",
        r"attacked (?:a |the )?(?:civilians?|residents|house|family|car|bus|displaced)",
        r"إعدام",
        r"اغتيال",
    ),
    "Abduction/forced disappearance": (
        r"(?:to|at) an unknown (?:location|destination|place)",
        r"whereabouts (?:remain|are|is) unknown",
        r"disappeared",
        r"abduct(?:ed|ion|ions|s)?",
        r"kidnap(?:ped|ping|pings|s)?",
        r"forcibly disappeared",
        r"took (?:\w+ )?hostages?",
        r"taken hostage",
        r"went missing",
        r"خطف",
        r"اختطاف",
    ),
    "Sexual violence": (r"rap(?:ed|e)", r"sexual (?:violence|assault|abuse)"),
    "Arrests": (
        r"arrest(?:ed|s|ing)?",
        r"detained",
        r"detention campaign",
        r"rounded up",
        r"اعتقال",
    ),
    "Excessive force against protesters": (
        r"(?:opened fire|fired live (?:ammunition|rounds)|shot) "
        r"(?:on|at|into) (?:the )?(?:protesters|demonstrators|crowds?)",
        r"killed (?:\w+ ){0,2}(?:protesters|demonstrators)",
    ),
    "Protest with intervention": (
        r"dispers(?:ed|ing) (?:the |a )?"
        r"(?:protests?|demonstrations?|crowds?|protesters|rally|sit-in)",
        r"tear ?gas",
        r"fired (?:in the air|into the air|warning shots)",
        r"broke up (?:the |a )?(?:protest|demonstration|rally)",
        r"arrested (?:\w+ ){0,2}(?:protesters|demonstrators)",
    ),
    "Violent demonstration": (
        r"rioters?",
        r"riot(?:s|ed|ing)",
        r"(?:protesters|demonstrators|rioters|crowds?) (?:[\w()'-]+ ){0,6}?"
        r"(?:threw|hurled|stormed|set fire|torched|burned|clashed|attacked|ransacked|"
        r"smashed|pelted|blocked roads with burning)",
    ),
    "Mob violence": (r"\bmob\b", r"lynch(?:ed|ing)", r"beat (?:\w+ ){0,3}to death"),
    "Peaceful protest": (
        r"protest(?:ed|ers|s)?",
        r"demonstrat(?:ed|ion|ions|ors)",
        r"rall(?:y|ies|ied)",
        r"sit-in",
    ),
    "Agreement": (
        r"(?:cease-?fires?|truces?|deals?|agreements?|accords?|memorand(?:um|a))"
        r"(?:\s+[\w'-]+){0,6}?\s+(?:was |were |has been |have been |had been )?"
        r"(?:reached|signed|agreed|brokered|struck|concluded|endorsed|announced|took effect|"
        r"came into (?:force|effect)|went into effect|entered into force)",
        r"agreed (?:that|to|upon)",
        r"under (?:a|an) (?:[\w-]+ ){0,2}(?:deal|agreement|arrangement)",
        r"(?:reached|signed|agreed|brokered|struck|concluded|endorsed?|announced|backed) "
        r"(?:an? |the )?(?:\w+ ){0,3}"
        r"(?:cease-?fires?|truces?|deals?|agreements?|accords?|memorand(?:um|a))",
        r"endorse[sd]? (?:\w+ ){0,3}(?:cease-?fire|truce|deal)",
        r"(?:conclusion|end|close|opening|start|round) of (?:\w+ ){0,3}"
        r"(?:talks|negotiations|meetings?)",
        r"talks (?:were |have been )?(?:held|opened|began|concluded|ended|resumed)",
        r"held (?:\w+ ){0,4}(?:meeting|talks|round|session|consultations)",
        r"(?:meeting|talks|round|session|conference)s? (?:[\w-]+ ){0,10}?(?:was|were) held",
        r"(?:delegations?|negotiators|representatives) (?:\w+ ){0,4}met",
        r"evacuation (?:deal|agreement)",
        r"prisoner (?:swap|exchange)",
        r"exchanged? (?:prisoners|detainees|bodies)",
        r"(?:local|reconciliation) (?:agreement|deal|settlement)",
        r"agreed to (?:a |the )?(?:cease-?fire|truce|evacuat\w+|withdraw\w*)",
    ),
    "Non-violent transfer of territory": (
        r"handed over (?:control|the town|positions)",
        r"withdrew",
        r"withdrawal",
        r"evacuated from",
        r"pulled out of",
        r"raised the (?:\w+ )?flag",
        r"bussed (?:out|to)",
        r"left (?:the area|the town|for)",
    ),
    "Looting/property destruction": (
        r"loot(?:ed|ing)",
        r"torched",
        r"burned (?:down )?(?:[\w-]+ ){0,2}(?:houses|homes|shops|crops|fields|properties)",
        r"burn(?:ed|t) down",
        r"demolish(?:ed|ing)",
        r"bulldoz(?:ed|ing)",
        r"ransack(?:ed|ing)",
        r"plunder(?:ed|ing)",
        r"confiscat(?:ed|ing) (?:[\w-]+ ){0,3}(?:houses|homes|properties|lands?|property)",
        r"seiz(?:ed|ing) (?:[\w-]+ ){0,3}(?:houses|homes|properties|lands?|property)",
    ),
    "Disrupted weapons use": (
        # A device defused or weapons seized: the act is stopping the weapon, so these wrap the
        # weapon's own trigger ("defused an IED") and win over it (see events._outermost).
        r"(?:defused|dismantled|disarmed|neutrali[sz]ed|cleared|removed|found|discovered|"
        r"detonated in a controlled)\s+(?:[\w-]+\s+){0,4}?"
        r"(?:ieds?|improvised explosive devices?|explosive devices?|bombs?|car bombs?|"
        r"landmines?|land mines?|mines?|explosives|booby[- ]traps?|explosive belts?|"
        r"suicide (?:vests?|belts?))",
        r"(?:seiz(?:ed|ing)|confiscat(?:ed|ing)|captured|found|discovered|uncovered)\s+"
        r"(?:(?!(?:towns?|villages?|city|hills?|areas?|positions?|and|along)\b)[\w-]+\s+){0,3}?"
        r"(?:weapons?|arms|ammunition|munitions|rockets|missiles|"
        r"explosives|depots?|caches?|stockpiles?)(?:\s+(?:depot|cache|shipment|store)s?)?",
        r"(?:shot|brought) down (?:[\w-]+\s+){0,3}?"
        r"(?:drones?|aircraft|helicopters?|warplanes?|jets?)",
        r"intercepted (?:[\w-]+\s+){0,3}?(?:drones?|missiles?|rockets?|projectiles?)",
        r"(?:air defen[cs]es?|anti-aircraft)\s+(?:[\w-]+\s+){0,3}?"
        r"(?:intercepted|downed|shot down|confronted)",
        r"(?:ieds?|bombs?|mines?|explosive devices?|car bombs?) (?:was |were )?"
        r"(?:defused|dismantled|found|discovered|removed)",
    ),
    "Headquarters or base established": (
        r"(?:established|set up|built|opened) (?:an? |the |their |its )?(?:new )?"
        r"(?:military )?(?:base|outpost|headquarters|observation post|checkpoint|point)s?",
    ),
    "Change to group/activity": (
        # Movements of forces a monitor logs: reinforcements, deployments, patrols, convoys.
        r"reinforce(?:d|ments?)",
        r"sent (?:[\w-]+ ){0,3}(?:reinforcements|troops|fighters|forces|convoys?)",
        r"(?:re)?deploy(?:ed|ment|ments|ing)",
        r"(?:military|joint|russian|turkish|american|us|coalition) patrols?",
        r"(?:conducted|carried out|ran) (?:a |an )?(?:\w+ )?patrols?",
        r"patroll(?:ed|ing)",
        r"military convoys?",
        r"mobili[sz](?:ed|ation)",
        r"recruit(?:ed|ment|ing)",
        r"moved (?:[\w-]+ ){0,3}(?:troops|forces|fighters|equipment|vehicles|tanks)",
        r"merged (?:into|with)",
        r"merger",
        r"announced the formation",
        r"formed a new (?:group|coalition|alliance)",
        r"(?:had |have )?joined (?:the ranks of )?(?=[A-Z])",
        r"defected to",
        r"dissolved (?:itself|themselves)",
        r"pledged allegiance",
    ),
}

TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (sub, re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w-])", re.IGNORECASE))
    for sub, patterns in _TRIGGERS.items()
)
