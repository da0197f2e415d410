#!/usr/bin/env python3
"""Writes each pathological kind at several sizes, for benches/scaling.sh.

Usage: python3 benches/scaling_inputs.py OUT_DIR SIZES_MB [BBC.jsonl] [KINDS]
  SIZES_MB  comma separated, e.g. 0.25,0.5,1,2
  KINDS     comma separated subset of the kinds below (default: all)

Files are OUT_DIR/KIND@SIZE.txt. The generators are those of benches/pathological_inputs.py
with the size as a parameter (the runs of `)` and `=` and the nested parentheses included,
as one giant "sentence" each); the same fixed seed, so a size's file is stable.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pathological_inputs as p  # noqa: E402

MB = 1 << 20


def kinds(bbc):
    def seeded(f):
        return lambda size: f(random.Random(8), size)

    out = {
        "quote_soup": seeded(p.quote_soup),
        # The same soup without its paragraph breaks: one line, the quote stage's worst case.
        "quote_soup_one_line": lambda size: p.quote_soup(random.Random(8), size).replace("\n\n", "  "),
        "punct_mix": lambda size: "".join(
            random.Random(8).choice(")]}.,;:!?=-*'\"") for _ in range(size)) + "\n",
        "word": lambda size: "".join(
            random.Random(8).choice("abcdefghijklmnopqrstuvwxyz") for _ in range(size)) + "\n",
        "base64": seeded(p.base64_blob),
        "dash_table": p.dash_table,
        # ~5.4 bytes a word in the generator's vocabulary.
        "comma_sentence": lambda size: p.comma_sentence(random.Random(8), max(1, size * 10 // 54)),
        "paren_close": lambda size: ")" * size + "\n",
        "equals": lambda size: "=" * size + "\n",
        "nested_parens_spaced": lambda size: "( " * (size // 4) + "word" + " )" * (size // 4) + "\n",
    }
    if bbc and os.path.exists(bbc):
        out["bbc_paragraphs"] = lambda size: p.bbc_paragraphs(bbc, size)
        out["bbc_one_line"] = lambda size: p.one_line(p.bbc_paragraphs(bbc, size))
    return out


def main():
    out_dir = sys.argv[1]
    sizes = [float(s) for s in sys.argv[2].split(",")]
    bbc = sys.argv[3] if len(sys.argv) > 3 else "../shared/data/corpus/bbc.jsonl"
    chosen = sys.argv[4].split(",") if len(sys.argv) > 4 and sys.argv[4] else None
    os.makedirs(out_dir, exist_ok=True)
    table = kinds(bbc)
    if chosen:
        unknown = [k for k in chosen if k not in table]
        if unknown:
            sys.exit(f"unknown kinds: {unknown}; known: {sorted(table)}")
        table = {k: table[k] for k in chosen}
    for name, make in table.items():
        for s in sizes:
            path = os.path.join(out_dir, f"{name}@{s:g}.txt")
            if not os.path.exists(path):
                with open(path, "w", encoding="utf-8") as f:
                    f.write(make(int(s * MB)))
    print(" ".join(table))


if __name__ == "__main__":
    main()
