"""Checks a `quotex extract --format conllu` file: every block parses with the `conllu`
package (PyPI), ids are 1..n, exactly one root (HEAD 0, DEPREL root) per sentence, heads
are in range and form a tree, `# text` is the forms joined per SpaceAfter/SpacesAfter, and
sent_ids are unique. With `--udapi`, the file is also loaded by udapi (its reader checks
the trees). Usage: python scripts/check_conllu.py OUT.conllu [--udapi]
"""
import sys

import conllu


def check(path):
    errors = 0
    sentences = 0
    tokens = 0
    seen = set()
    docs = 0
    with open(path, encoding="utf-8") as f:
        for sent in conllu.parse_incr(f):
            sentences += 1
            meta = sent.metadata
            sid = meta.get("sent_id")
            if "newdoc id" in meta:
                docs += 1

            def bad(msg):
                nonlocal errors
                errors += 1
                if errors <= 20:
                    print(f"{sid}: {msg}", file=sys.stderr)

            if not sid or sid in seen:
                bad("missing or repeated sent_id")
            seen.add(sid)
            words = [t for t in sent if isinstance(t["id"], int)]
            tokens += len(words)
            if [t["id"] for t in words] != list(range(1, len(words) + 1)):
                bad("ids not 1..n")
            heads = [t["head"] for t in words]
            if all(h is None for h in heads):
                pass  # tokenized only (--no-syntax)
            else:
                roots = [t for t in words if t["head"] == 0]
                if len(roots) != 1 or roots[0]["deprel"] != "root":
                    bad(f"{len(roots)} roots")
                if any(h is None or not 0 <= h <= len(words) for h in heads):
                    bad("head out of range")
                else:
                    # Every token reaches the root without a cycle.
                    for t in words:
                        h, steps = t["id"], 0
                        while h != 0 and steps <= len(words):
                            h = heads[h - 1]
                            steps += 1
                        if h != 0:
                            bad(f"cycle at token {t['id']}")
                            break
                    if any(t["deprel"] == "root" and t["head"] != 0 for t in words):
                        bad("deprel root on a non-root")
            text = ""
            for i, t in enumerate(words):
                text += t["form"]
                misc = t["misc"] or {}
                if i + 1 < len(words) and misc.get("SpaceAfter") != "No":
                    text += " "
            if meta.get("text") != text:
                bad(f"# text differs from the forms: {meta.get('text')!r} vs {text!r}")
            for t in words:
                if "\t" in t["form"] or not t["form"]:
                    bad("bad form")
    print(f"{path}: {docs} documents, {sentences} sentences, {tokens} tokens, {errors} errors")
    return errors


if __name__ == "__main__":
    n = check(sys.argv[1])
    if "--udapi" in sys.argv:
        import udapi

        doc = udapi.Document(sys.argv[1])
        print(f"udapi: {len(doc.bundles)} sentences read")
    sys.exit(1 if n else 0)
