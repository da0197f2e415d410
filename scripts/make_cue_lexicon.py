#!/usr/bin/env python3
"""Build data/cue_verbs.tsv: speech and thought cue verbs grouped by lemma, with tense.

Sources: the JournalismAI quote verb list (Apache-2.0; a superset of the GenderGapTracker
list, MIT, Maite Taboada) — see data/README.md — plus verbs added for quotex (marked
`quotex` in the source column). Usage: python3 scripts/make_cue_lexicon.py LIST.txt > data/cue_verbs.tsv
"""
import sys

IRREGULAR = {
    "say": ["says", "said", "saying"], "tell": ["tells", "told", "telling"],
    "speak": ["speaks", "spoke", "spoken", "speaking"], "swear": ["swears", "swore", "sworn", "swearing"],
    "write": ["writes", "wrote", "written", "writing"], "think": ["thinks", "thought", "thinking"],
    "feel": ["feels", "felt", "feeling"], "know": ["knows", "knew", "known", "knowing"],
    "hear": ["hears", "heard", "hearing"], "predict": ["predicts", "predicted", "predicting"],
    "tweet": ["tweets", "tweeted", "tweeting"], "post": ["posts", "posted", "posting"],
    "testify": ["testifies", "testified", "testifying"], "reply": ["replies", "replied", "replying"],
    "believe": ["believes", "believed", "believing"], "hope": ["hopes", "hoped", "hoping"],
    "expect": ["expects", "expected", "expecting"], "recall": ["recalls", "recalled", "recalling"],
    "write_": [],
    "sing": ["sings", "sang", "sung", "singing"], "read": ["reads", "read", "reading"],
    "quote": ["quotes", "quoted", "quoting"], "cite": ["cites", "cited", "citing"],
    "describe": ["describes", "described", "describing"], "call": ["calls", "called", "calling"],
}
ADDED = ["say", "tell", "speak", "write", "think", "believe", "feel", "hope", "expect", "predict",
         "recall", "testify", "tweet", "post", "reply", "respond", "estimate", "contend", "maintain",
         "suggest", "state", "report", "assert", "concede", "caution", "vow", "pledge", "declare",
         "insist", "warn", "note", "explain", "add", "argue", "claim", "acknowledge", "admit",
         "announce", "charge", "complain", "confirm", "deny", "emphasize", "emphasise", "observe",
         "point", "remark", "reveal", "stress", "tout", "wonder", "ask", "continue", "agree",
         "allege", "boast", "joke", "quip", "muse", "recount", "reiterate", "retort", "write",
         "demand", "sing", "chant", "read", "scream", "exclaim", "snap", "plead", "whisper",
         "mutter", "interject", "interrupt", "concur", "offer", "opine", "lament", "fume",
         "gush", "rave", "marvel", "scoff", "mock", "taunt", "tease", "assure", "reassure",
         "inform", "remind", "quote", "cite", "recount", "describe", "call"]


def inflect(base):
    if base in IRREGULAR:
        return IRREGULAR[base]
    if base.endswith("e"):
        stem = base[:-1]
        return [base + "s", base + "d", stem + "ing"]
    if base.endswith("y") and base[-2] not in "aeiou":
        return [base[:-1] + "ies", base[:-1] + "ied", base + "ing"]
    forms = [base + ("es" if base.endswith(("s", "sh", "ch", "x", "z")) else "s"), base + "ed", base + "ing"]
    # consonant doubling (admit -> admitted, regret -> regretted)
    if len(base) >= 3 and base[-1] in "bdgklmnprt" and base[-2] in "aeiou" and base[-3] not in "aeiou":
        forms += [base + base[-1] + "ed", base + base[-1] + "ing"]
    return forms


def tense(base, form):
    if form == base:
        return "present"
    if form.endswith("ing"):
        return "gerund"
    if form.endswith("s") and form not in ("was",):
        return "present"
    return "past"


def main():
    listed = set(open(sys.argv[1]).read().split())
    bases = set()
    for w in listed:
        if not any(w in inflect(b) for b in listed if b != w and len(b) < len(w)) and not w.endswith("ing"):
            bases.add(w)
    rows = {}
    covered = set()
    for b in sorted(bases | set(ADDED)):
        if b.endswith("_"):
            continue
        forms = [b] + [f for f in inflect(b) if f in listed or b in ADDED or b in IRREGULAR]
        source = "list" if b in listed else "quotex"
        for f in dict.fromkeys(forms):
            if f in covered:
                continue
            covered.add(f)
            rows[f] = (b, tense(b, f), source)
    missing = listed - covered
    for f in sorted(missing):
        rows[f] = (f, "unknown", "list")
    print("# form\tlemma\ttense\tsource (list = JournalismAI/GGT lists, quotex = added)")
    for f in sorted(rows):
        print(f"{f}\t" + "\t".join(rows[f]))


main()
