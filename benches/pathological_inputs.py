#!/usr/bin/env python3
"""Writes the pathological inputs of benches/pathological.sh: one article per .txt file.

Usage: python3 benches/pathological_inputs.py OUT_DIR [BBC.jsonl]

The inputs are junk that real dumps contain (punctuation runs, a megabyte without spaces,
deep nesting, base64, tables of dashes, quote-mark soup, giant sentences, articles on one
line) next to normal news as the reference. The BBC-based ones are built from the shared
corpus at run time and never committed. Deterministic: a fixed seed.
"""
import json
import os
import random
import re
import sys

MB = 1 << 20


def bbc_texts(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield json.loads(line)["text"]


def bbc_paragraphs(path, size):
    """Whole BBC articles, paragraphs kept, until `size` bytes."""
    out, n = [], 0
    for text in bbc_texts(path):
        out.append(text.strip())
        n += len(text.encode()) + 2
        if n >= size:
            break
    return "\n\n".join(out) + "\n"


def one_line(text):
    return re.sub(r"\s*\n\s*", " ", text).strip() + "\n"


def quote_soup(rng, size):
    marks = ['"', "“", "”", "‘", "’", "'", "''", "``", "«", "»", "‹", "›", "「", "」",
             "『", "』", "„", "‚", "‟", "‛", "〝", "〞", "＂", "`", "´"]
    words = ["said", "she said,", "he told", "Ann Lee", "Mr. Reyes", "according to", ":",
             ",", ".", "—", "–", "-", "(", ")", "[", "]", "…", "It", "works", "we", "can",
             "win", "this", "they're", "O'Neill", "rock 'n' roll", "the '90s", "?", "!"]
    out, n = [], 0
    while n < size:
        r = rng.random()
        if r < 0.45:
            piece = rng.choice(marks)
        elif r < 0.995:
            piece = rng.choice(words)
        else:
            piece = "\n\n"
        # Marks glued to words as often as spaced.
        sep = "" if rng.random() < 0.5 else " "
        out.append(piece + sep)
        n += len(piece.encode()) + len(sep)
    return "".join(out) + "\n"


def comma_sentence(rng, n_words):
    """One sentence of `n_words` words, a comma every few words and speech cues inside."""
    vocab = ["the", "minister", "board", "plan", "would", "cost", "jobs", "in", "north",
             "and", "of", "Ann", "Lee", "says", "said", "told", "reporters", "that", "market"]
    out = ["Officials"]
    for i in range(1, n_words):
        w = rng.choice(vocab)
        out.append(w + ("," if rng.random() < 0.25 else ""))
    return " ".join(out) + ".\n"


def dash_table(size):
    rows = []
    n = 0
    i = 0
    while n < size:
        if i % 2 == 0:
            row = "+" + "+".join(["-" * 18] * 6) + "+"
        else:
            row = "| " + " | ".join(f"{(i * 7 + k) % 1000:>16}" for k in range(6)) + " |"
        rows.append(row)
        n += len(row) + 1
        i += 1
    return "\n".join(rows) + "\n"


def base64_blob(rng, size):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "".join(rng.choice(alphabet) for _ in range(size)) + "==\n"


def main():
    out_dir = sys.argv[1]
    bbc = sys.argv[2] if len(sys.argv) > 2 else "../shared/data/corpus/bbc.jsonl"
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(8)
    letters = "abcdefghijklmnopqrstuvwxyz"
    inputs = {
        "paren_close_10k": ")" * 10_000 + "\n",
        "paren_close_20k": ")" * 20_000 + "\n",
        "equals_4k": "=" * 4_000 + "\n",
        "equals_8k": "=" * 8_000 + "\n",
        "punct_mix_1mb": "".join(rng.choice(")]}.,;:!?=-*'\"") for _ in range(MB)) + "\n",
        "word_1mb": "".join(rng.choice(letters) for _ in range(MB)) + "\n",
        "nested_parens_5k": "(" * 5_000 + "word" + ")" * 5_000 + "\n",
        "nested_parens_spaced_5k": "( " * 5_000 + "word" + " )" * 5_000 + "\n",
        "base64_1mb": base64_blob(rng, MB),
        "dash_table_1mb": dash_table(MB),
        "quote_soup_1mb": quote_soup(rng, MB),
        "comma_sentence_40k": comma_sentence(rng, 40_000),
    }
    if os.path.exists(bbc):
        first = next(bbc_texts(bbc))
        inputs["news_article"] = first.strip() + "\n"
        para_330k = bbc_paragraphs(bbc, 330_000)
        para_1mb = bbc_paragraphs(bbc, MB)
        inputs["bbc_paragraphs_330k"] = para_330k
        inputs["bbc_one_line_330k"] = one_line(para_330k)
        inputs["bbc_paragraphs_1mb"] = para_1mb
        inputs["bbc_one_line_1mb"] = one_line(para_1mb)
    else:
        print(f"warning: {bbc} not found; the BBC-based inputs are left out", file=sys.stderr)
    for name, text in inputs.items():
        with open(os.path.join(out_dir, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)
    print(" ".join(sorted(inputs)))


if __name__ == "__main__":
    main()
