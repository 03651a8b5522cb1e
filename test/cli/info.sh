#!/usr/bin/env bash
# ruvec info of an index of the bundled genomes (the JSON scripts read, and the text), of a
# damaged index, and of the format-3 shard kept in test-data/formats.
#   bash test/cli/info.sh path/to/ruvec SOURCE_DIR        (CTest cli-info)
. "$(dirname "$0")/lib.sh"

"$ruvec" index --content vectors -w 1000 --step 500 -o g.rvx "$data/genomes"/*.fa* 2>/dev/null
run "$ruvec" info --json g.rvx
check "info --json: exit 0" test $status -eq 0
check "info --json parses and holds the parameters" python3 -c '
import json, sys
d = json.load(open("out"))
assert d["format_version"] == 4 and d["embedding"]["k"] == 21 and d["embedding"]["dims"] == 2048
assert d["embedding"]["window"] == 1000 and d["embedding"]["step"] == 500
assert d["graph"]["metric"] == "cosine" and d["graph"]["M"] == 16
assert d["rows"] == d["live_rows"] > 1000 and d["deleted_rows"] == 0
assert sum(d["graph"]["nodes_per_level"]) == d["rows"]
assert [s["tag"] for s in d["sections"]] == ["PROV", "NAME", "ROWS", "VECT", "GRPH"]
assert [s["tag"] for s in d["sections"] if s["optional"]] == ["PROV"] and all(s["known"] for s in d["sections"])
assert d["provenance"][0].startswith("ruvec ") and "-w 1000" in d["provenance"][0]'
run "$ruvec" info g.rvx
check "info text names the metric" grep -q "^graph.HNSW, metric cosine, M 16" out
# A damaged index (cut in half) is refused.
size=$(stat -c %s g.rvx)
head -c $((size / 2)) g.rvx >truncated.rvx
run "$ruvec" info truncated.rvx
check "info on a damaged index: exit 1" test $status -eq 1
# The format-3 shard in test-data/formats (its hits are checked by search.sh).
check "test-data/formats/genomes-v3-shard.rvx is shard 2/2" grep -q "^shard	2/2: records 3-4 of 4 in the inputs$" <("$ruvec" info "$data/formats/genomes-v3-shard.rvx")
finish
