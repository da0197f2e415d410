#!/usr/bin/env python3
"""Run quotex over a JSONL dump with Apache Spark: each partition of the dump's lines is
piped through `quotex extract - --format jsonl -q` (RDD.pipe), so Spark does the
splitting, scheduling and retries and quotex stays a plain command.

    pip install pyspark            # Java 17 on the machine
    python3 scripts/spark_pipe.py DUMP.jsonl OUT_DIR --master local[2] \
        --quotex target/release/quotex [--compare PLAIN.jsonl]

OUT_DIR gets Spark's part files (JSONL, one record per input line, in the order of the
partitions). --compare checks the records against a plain `quotex extract DUMP.jsonl`
run, as sets of records keyed by id. On a cluster the quotex binary must be on every
executor (e.g. shipped with --files, or installed on the image); its path is --quotex.

Records keep the ids of the dump; records without an id field get `stdin:LINE` (the
line within the partition), and error records name `stdin:LINE` as their source, since
each quotex process reads one partition from its stdin. Exit code 2 of quotex means some
records became error records (they are in the output), so only a fatal error (1) fails
the Spark task.
"""

import argparse
import json
import shlex
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", help="input JSONL (one article per line)")
    parser.add_argument("out", help="output directory (must not exist)")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--quotex", default="quotex", help="path of the quotex binary")
    parser.add_argument(
        "--partitions", type=int, default=0, help="input partitions (default: Spark's choice)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="quotex worker threads per partition (default 1: Spark runs one task per core)",
    )
    parser.add_argument("--extra", default="", help="more quotex flags, e.g. '--ner-layers model'")
    parser.add_argument("--compare", help="a plain quotex JSONL output to check the result against")
    args = parser.parse_args()

    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setMaster(args.master).setAppName("quotex-spark-pipe")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    quotex = " ".join(
        [shlex.quote(args.quotex), "extract", "-", "--format", "jsonl", "-q"]
        + ["--threads", str(args.threads)]
        + shlex.split(args.extra)
    )
    # Exit 2 = some error records, written in the output like the others: not a failure.
    # (RDD.pipe takes one string and splits it like a shell: quote the script.)
    command = "sh -c " + shlex.quote(f'{quotex}; s=$?; [ "$s" -eq 0 ] || [ "$s" -eq 2 ]')
    started = time.time()
    lines = (
        sc.textFile(args.dump, args.partitions) if args.partitions else sc.textFile(args.dump)
    )
    partitions = lines.getNumPartitions()
    records = lines.pipe(command, checkCode=True)
    records.saveAsTextFile(args.out)
    elapsed = time.time() - started
    written = sc.textFile(args.out).count()
    print(
        f"spark_pipe: {written} records from {args.dump} in {elapsed:.1f}s "
        f"({partitions} partitions, master {args.master})",
        file=sys.stderr,
    )

    status = 0
    if args.compare:
        ours = sc.textFile(args.out).map(json.loads).collect()
        with open(args.compare, encoding="utf-8") as f:
            plain = [json.loads(line) for line in f if line.strip()]
        key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
        same = sorted(map(key, ours)) == sorted(map(key, plain))
        ids_unique = len({r.get("id") for r in plain}) == len(plain)
        print(
            f"spark_pipe: compared with {args.compare}: {len(ours)} vs {len(plain)} records, "
            f"{'identical as sets of records' if same else 'DIFFERENT'}"
            f"{'' if ids_unique else ' (ids are not unique in the plain run)'}",
            file=sys.stderr,
        )
        status = 0 if same else 1
    sc.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
