#!/usr/bin/env bash
# ruvec bench: smoke runs of each suite (hnsw, distance, kmer, quantize) checking the JSON they
# write, the ANN-benchmarks CSV, scripts/plot-bench.py on that JSON, and scratch files (--tmpdir,
# a run stopped by SIGTERM). The figures themselves are not judged.
#   bash test/cli/bench.sh path/to/ruvec SOURCE_DIR       (CTest cli-bench)
. "$(dirname "$0")/lib.sh"

# ruvec bench hnsw: a smoke run measuring a real (tiny) index, and the JSON scripts read.
run "$ruvec" bench --rows 3000 --dim 16 --queries 100 -r 1 -@ 1 --keep bench.rvx --quantize sq8,binary --json --ann-benchmarks ann.csv hnsw
check "bench hnsw exits 0" test $status -eq 0
check "bench hnsw: JSON with hnsw_runs and recall targets" python3 -c '
import json, sys
d = json.load(open("out"))
run = d["hnsw_runs"][0]
assert run["rows"] == 3000 and run["dim"] == 16 and run["threads"] == 2, run
at = {t["recall_target"]: t for t in run["at_recall"]}
assert at[0.9]["ef"] is not None and at[0.9]["recall"] >= 0.9, at
assert 0 < at[0.9]["latency_p50_ms"] <= at[0.9]["latency_p99_ms"] and 0 < at[0.9]["recall_at_1"] <= 1, at
r1 = {r["ef"]: r["median"] for r in d["results"] if r["name"] == "recall@1"}
p50 = {r["ef"]: r["median"] for r in d["results"] if r["name"] == "hnsw p50"}
assert r1 and set(r1) == set(p50) and all(0 <= v <= 1 for v in r1.values()), (r1, p50)
recalls = [r["median"] for r in d["results"] if r["name"] == "recall@10"]
assert recalls and max(recalls) <= 1 and recalls == sorted(recalls), recalls
exact = [r for r in d["results"] if r["name"] == "exact"]
assert len(exact) == 2 and all(r["speedup_vs_exact"] == 1 and r["median"] > 0 for r in exact)
assert [r["median"] for r in d["results"] if r["name"] == "file_size"] == [run["file_bytes"]]
assert [q["quantization"] for q in run["quantized"]] == ["sq8", "binary"], run["quantized"]
assert run["quantized"][0]["code_bytes"] == 24 and run["quantized"][1]["code_bytes"] == 16
assert any(r["name"].startswith("sq8+rerank") and r["ef"] == 10 for r in d["results"])
# Each quantized variant is saved and loaded: the codes and links take less memory than floats.
for q in run["quantized"]:
    assert q["file_bytes"] > run["file_bytes"] and 0 < q["memory_bytes"] < run["memory_bytes"], q
'
check "bench hnsw --ann-benchmarks: data_export.py columns, one row per ef and way" python3 -c '
import csv, json
rows = list(csv.DictReader(open("ann.csv")))
assert list(rows[0]) == "algorithm parameters count k-nn qps p50 p99 build indexsize dataset".split(), list(rows[0])
d = json.load(open("out"))
swept = [r for r in d["results"] if r["name"].startswith("recall@10")]
assert len(rows) == len(swept), (len(rows), len(swept))
assert {r["algorithm"] for r in rows} == {"ruvec-hnsw", "ruvec-hnsw-sq8", "ruvec-hnsw-sq8-rerank256", "ruvec-hnsw-binary", "ruvec-hnsw-binary-rerank256"}
for r in rows:
    assert r["count"] == "10" and 0 <= float(r["k-nn"]) <= 1 and float(r["qps"]) > 0 and r["dataset"] == "gaussian-16-euclidean-3000", r
    assert r["parameters"].startswith(r["algorithm"] + "(M=16,efc=200,ef="), r'
cp out bench-hnsw.json
run /usr/bin/python3 "$src/scripts/plot-bench.py" bench-hnsw.json plots
check "plot-bench.py: recall against queries/s of the hnsw run" test "$(head -c 4 plots-recall-qps.png | od -An -tx1 | tr -d ' ')" = 89504e47
run "$ruvec" info --json bench.rvx
check "bench hnsw --keep: the kept index is valid and says what it holds" grep -q '"rows":3000,' out
check "bench hnsw --keep: provenance says random vectors" grep -q "not k-mer embeddings" out
# --data dna: k-mer vectors of random DNA families, so recall is about relatives.
run "$ruvec" bench --rows 1000 --dim 128 --queries 50 -r 1 --data dna --json hnsw
check "bench hnsw --data dna: exits 0" test $status -eq 0
check "bench hnsw --data dna: the true neighbours are mostly planted relatives" python3 -c '
import json
run = json.load(open("out"))["hnsw_runs"][0]
assert run["data"] == "dna" and "random DNA" in run["data_description"], run
assert 0.5 <= run["relatives_in_true_top10"] <= 1, run["relatives_in_true_top10"]'
# --input: the hnsw suite on real windows, some held out as queries; the kept index is a
# real one, searched with sequences.
"$ruvec" embed -d 256 -w 1000 --step 500 -o windows.tsv "$data/genomes/phage_lambda.fa.gz" "$data/genomes/virus_dwv.fa.gz"
windows=$(grep -vc '^#\|^name' windows.tsv)
run "$ruvec" bench -d 256 -w 1000 --step 500 --queries 20 -r 1 --keep input.rvx --json \
    --input "$data/genomes/phage_lambda.fa.gz" --input "$data/genomes/virus_dwv.fa.gz" hnsw
check "bench hnsw --input: exits 0" test $status -eq 0
check "bench hnsw --input: every window indexed or held out, about --queries held out" python3 -c '
import json
run = json.load(open("out"))["hnsw_runs"][0]
assert run["data"] == "input" and "phage_lambda.fa.gz" in run["data_description"], run
assert run["rows"] + run["queries"] == '"$windows"' and 15 <= run["queries"] <= 20 and run["dim"] == 256, (run["rows"], run["queries"])'
run "$ruvec" search -n 1 --no-header input.rvx "$data/genomes/virus_dwv.fa.gz"
check "bench hnsw --input --keep: an index of the input, searched by sequence" grep -q "	virus_dwv.1	.*	1	1.000000	" out
zcat "$data/genomes/phage_lambda.fa.gz" >lambda.fa
run "$ruvec" bench --input lambda.fa --data dna hnsw
check "bench hnsw --input with --data: refused" grep -q "^ruvec bench: --input gives the hnsw suite its rows and queries: leave out --index, --data and --rows$" err
run "$ruvec" bench --data nonsense hnsw
check "bench hnsw --data nonsense: refused" grep -q "unknown --data .nonsense. (gaussian or dna)" err
run "$ruvec" bench --dim 4 index
check "bench index (the hnsw suite by its other name) --dim 4: refused" grep -q "^ruvec bench: --dim of the hnsw suite must be" err

# ruvec bench distance and kmer: smoke runs; every ISA here, against scalar or parsing.
run "$ruvec" bench --dim 64 --n 200 -r 1 --json distance
check "bench distance: every kernel per ISA, GB/s, batches per pair" python3 -c '
import json
d = json.load(open("out"))
r = [f for f in d["results"] if f["suite"] == "distance"]
isas = {f["isa"] for f in r}
assert "scalar" in isas and d["best_isa"] in isas, isas
for isa in isas:
    names = {f["name"] for f in r if f["isa"] == isa}
    for k in ["dot", "l2sq", "cosine", "dot_batch", "l2sq_batch", "dot_tile", "l2sq_tile", "hamming", "dot_i8", "hash_kmers"]:
        assert k in names and k + " bandwidth" in names, (isa, k, names)
    for k in ["dot_batch", "l2sq_batch", "dot_tile", "l2sq_tile"]:
        assert k + " per pair" in names, names
assert all(f["median"] > 0 and f["speedup_vs_scalar"] > 0 for f in r)
assert all(f["speedup_vs_scalar"] == 1 for f in r if f["isa"] == "scalar")'
run "$ruvec" bench -r 1 --input "$data/genomes/phage_lambda.fa.gz" --json kmer
check "bench kmer: the parse floor and embedding per ISA" python3 -c '
import json
r = [f for f in json.load(open("out"))["results"] if f["suite"] == "kmer"]
parse = [f for f in r if f["name"] == "parse"]
embed = [f for f in r if f["name"] == "embed"]
assert len(parse) == 1 and parse[0]["unit"] == "Mbp/s" and parse[0]["median"] > 0, parse
assert {f["isa"] for f in embed} >= {"scalar"} and all(f["time_vs_parse"] > 0 for f in embed), embed'
# Without --input the kmer suite makes its own DNA, in a temporary file it removes.
mkdir -p bench-tmp
TMPDIR=$PWD/bench-tmp run "$ruvec" bench -r 1 --n 300 --seed 7 --json kmer
check "bench kmer without --input: exits 0" test $status -eq 0
check "bench kmer without --input: says what it read, and measured it" python3 -c '
import json
d = json.load(open("out"))
assert d["kmer_input"].startswith("300 random sequences in families of 10") and "seed 7" in d["kmer_input"], d
r = [f for f in d["results"] if f["suite"] == "kmer"]
assert len([f for f in r if f["name"] == "parse"]) == 1 and all(f["median"] > 0 for f in r), r
# 300 records of 1 kbp: 1000 records per Mbp, in the records/s figures of parsing and embedding.
for name in ("parse", "embed"):
    for mbp in (f for f in r if f["name"] == name):
        rec = [f for f in r if f["name"] == name + " records" and f["isa"] == mbp["isa"] and f["threads"] == mbp["threads"]]
        assert len(rec) == 1 and rec[0]["unit"] == "records/s", rec
        assert abs(rec[0]["median"] / mbp["median"] - 1000) < 1e-3, (rec, mbp)'
check "bench kmer without --input: its temporary FASTA is gone" test -z "$(ls -A bench-tmp)"
# ... also when the run is stopped by a signal: no directory, no FASTA left behind.
TMPDIR=$PWD/bench-tmp "$ruvec" bench -r 1000 --n 20000 kmer >/dev/null 2>&1 &
bench_pid=$! waited=0
while [ -z "$(find bench-tmp -name synthetic.fa 2>/dev/null)" ] && [ $waited -lt 300 ]; do
    sleep 0.1
    waited=$((waited + 1))
done
kill -TERM $bench_pid
wait $bench_pid
check "bench kmer stopped by SIGTERM: exit status 143" test $? -eq 143
check "bench kmer stopped by SIGTERM: its temporary directory is gone" test -z "$(ls -A bench-tmp)"

# ruvec bench quantize: a smoke run; every code is trained, encoded, prepared and scanned.
run "$ruvec" bench --dim 64 --rows 600 -r 1 --json quantize
check "bench quantize exits 0" test $status -eq 0
check "bench quantize: every figure of every code, scans against the float scan" python3 -c '
import json
d = json.load(open("out"))
r = {f["name"]: f for f in d["results"] if f["suite"] == "quantize" and f["dim"] == 64}
for code in ["sq8", "pq", "binary"]:
    for part in ["train", "encode", "prepare", "scan"]:
        assert code + " " + part in r, (code, part, sorted(r))
for name in ["sq8 scan", "pq scan", "binary scan", "binary-hamming scan", "float scan"]:
    f = r[name]
    assert f["unit"] == "ns/code" and 0 < f["min"] <= f["median"] <= f["max"], f
    assert abs(f["speedup_vs_float"] * f["median"] - r["float scan"]["median"]) < 1e-3 * r["float scan"]["median"], f
assert r["pq encode"]["unit"] == "vectors/s" and r["pq encode"]["median"] > 0'
# scripts/plot-bench.py turns that JSON into a PNG of the scans.
cp out bench-quantize.json
run /usr/bin/python3 "$src/scripts/plot-bench.py" bench-quantize.json plots
check "plot-bench.py: writes the quantize plot" test "$(cat out)" = plots-quantize.png
check "plot-bench.py: a PNG" test "$(head -c 8 plots-quantize.png | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a

# --tmpdir: scratch files go there, and are gone afterwards; a missing one is an I/O error.
mkdir scratch
run "$ruvec" bench --tmpdir scratch -r 1 --rows 200 kmer
check "bench --tmpdir exits 0" test $status -eq 0
check "bench --tmpdir leaves nothing behind" test -z "$(ls -A scratch)"
run "$ruvec" bench --tmpdir scratch -r 1 --rows 500 --dim 16 --queries 20 --quantize sq8 hnsw
check "bench hnsw --tmpdir exits 0 and leaves nothing behind" test $status -eq 0 -a -z "$(ls -A scratch)"
run "$ruvec" bench --tmpdir missing-dir -r 1 --rows 200 kmer
check "bench --tmpdir missing-dir exits 2" test $status -eq 2
check "bench --tmpdir missing-dir names it" grep -q "^ruvec bench: scratch directory missing-dir: No such file or directory$" err
finish
