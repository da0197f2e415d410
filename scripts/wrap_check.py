#!/usr/bin/env python3
"""Hard-wrap check: are quotes the same whether a text is hard-wrapped or not?

  python3 scripts/wrap_check.py wrap GOLD.jsonl WIDTH > WRAPPED.jsonl
      Every record's "text" with spaces turned into newlines so that no line passes WIDTH
      columns (the break goes at the last space of a run that fits). One character for one
      character, so offsets and any gold annotations stay valid as they are.
  python3 scripts/wrap_check.py compare A.jsonl B.jsonl
      Two `quotex extract` outputs of the same records: counts the quote records (span, kind,
      speaker name) found in only one of them.
"""
import json
import sys


def wrap(text, width):
    chars = list(text)
    line_start = 0
    last_space = None
    i = 0
    while i < len(chars):
        c = chars[i]
        if c == "\n":
            line_start, last_space = i + 1, None
        elif c == " ":
            last_space = i
        if i - line_start >= width and last_space is not None and last_space > line_start:
            chars[last_space] = "\n"
            line_start, last_space = last_space + 1, None
        i += 1
    return "".join(chars)


def quote_keys(path):
    keys = set()
    for line in open(path, encoding="utf-8"):
        record = json.loads(line)
        for q in record.get("quotes", []):
            speaker = (q.get("speaker") or {}).get("name")
            keys.add((record["id"], q["start"], q["end"], q["kind"], speaker))
    return keys


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "wrap":
        width = int(sys.argv[3])
        for line in open(sys.argv[2], encoding="utf-8"):
            record = json.loads(line)
            record["text"] = wrap(record["text"], width)
            print(json.dumps(record, ensure_ascii=False))
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        a, b = quote_keys(sys.argv[2]), quote_keys(sys.argv[3])
        print(f"quote records: {len(a)} / {len(b)}; in only one of them: {len(a ^ b)}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
