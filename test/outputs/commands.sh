#!/usr/bin/env bash
# Runs a fixed list of ruvec commands and records every output they make, for byte-for-byte
# comparison of two binaries or of one binary with test/outputs/expected.tsv.
#   test/outputs/commands.sh RUVEC SOURCE_DIR OUT_DIR
# OUT_DIR (new or empty) gets copies of small test-data inputs, every case's outputs,
# streams/CASE.stdout, .stderr and .status, and manifest.tsv: "case<TAB>file<TAB>sha256" per
# output file (file relative to OUT_DIR), sorted. Cases run with relative paths only, since
# .rvx and .rvec files record their command line: any other path would differ between runs.
set -euo pipefail
ruvec=$(realpath "$1")
src=$(realpath "$2")
out=$3
data=$src/test-data
mkdir -p "$out"
if [ -n "$(ls -A "$out")" ]; then
    echo "commands.sh: $out is not empty: a file left by another run would hide a missing output" >&2
    exit 1
fi
cd "$out"
# Messages that quote strerror() or sort names must not depend on the user's locale.
export LC_ALL=C

cp "$data"/genomes/* .
cp "$data"/formats/genomes-v1.rvx "$data"/formats/genomes-v2-sq8.rvx "$data"/formats/genomes-v3-shard.rvx \
    "$data"/formats/genomes-v1.rvec \
    "$data"/formats/queries.fa .
# The 2,000 BGZF reads for two cases; the others take their first 200, plain: enough to give
# hits on every index, few enough to search in milliseconds. (sed rather than head, which would
# end gzip with SIGPIPE under pipefail.)
cp "$data"/reads/honeybee_2k.fq.gz .
gzip -dc honeybee_2k.fq.gz | sed -n 1,800p >reads.fq
printf '%s\n' phage_phiX174.fa phage_lambda.fa.gz lambda_NEB3011.fa.gz virus_dwv.fa.gz virus_vdv1.fa.gz \
    virus_hiv1.fa.gz mt_human.fa.gz mt_finwhale.fa.gz plasmid_ssonnei_E.fa.gz influenza_pdH1N1_NA.fa.gz \
    >genomes.txt
printf '%s\n' reads.fq queries.fa >queries.txt
printf '%s\n' virus_dwv.1 GQ243758 phage_lambda.1 >remove.txt
printf '%s\n' shard2.hits.tsv shard3.hits.tsv >shard-hits.txt
mkdir streams

# The cases' commands call ruvec by this name, so the table reads as a user would type it.
ruvec() { "$ruvec" "$@"; }
# The quantize report's training time is the one figure that differs from run to run: it is
# replaced by T before the report is hashed (text "time<TAB>0.01 s ...", JSON
# "train_encode_seconds":0.0123).
untimed() {
    sed -E -e 's/^time\t[0-9.]+ s /time\tT s /' \
        -e 's/"train_encode_seconds":[0-9.eE+-]+/"train_encode_seconds":T/'
}

# One case a line: name, the files it makes (comma-separated, - for none: its stdout, stderr and
# exit status are always recorded), and the command. A case never rewrites a file that another
# case made (--add in place works on a copy), so every file is hashed as its own case left it.
# Dimensions are 64 or 256 except the "defaults" cases; each search gives --min-sim none where
# the noise floor (5/sqrt(dims)) would leave too few hits to compare.
cases() {
    cat <<'EOF'
# usage texts
help                   -                            ruvec --help
help-no-args           -                            ruvec
help-embed             -                            ruvec embed --help
help-index             -                            ruvec index --help
help-quantize          -                            ruvec quantize --help
help-search            -                            ruvec search --help
help-merge             -                            ruvec merge --help
help-info              -                            ruvec info --help
help-bench             -                            ruvec bench --help
help-cmd               -                            ruvec help search

# embed
embed-tsv              embed.tsv                    ruvec embed -@ 2 -d 64 phage_phiX174.fa virus_hiv1.fa.gz -o embed.tsv
embed-stdout           -                            ruvec embed -d 64 virus_dwv.fa.gz plasmid_ssonnei_E.fa.gz
embed-npy              embed.npy,embed.npy.names.tsv ruvec embed -@ 2 -d 64 phage_phiX174.fa influenza_pdH1N1_NA.fa.gz -o embed.npy
embed-rvec             embed.rvec                   ruvec embed -@ 2 -d 64 phage_phiX174.fa influenza_pdH1N1_NA.fa.gz -o embed.rvec
embed-windows          windows.tsv                  ruvec embed -@ 2 -d 64 -w 1000 --step 500 virus_dwv.fa.gz phage_phiX174.fa -o windows.tsv
embed-window-long      window-long.rvec             ruvec embed -@ 2 -d 256 --window 2000 -l genomes.txt -o window-long.rvec
embed-exact            exact.tsv                    ruvec embed -@ 2 -k 4 --exact phage_phiX174.fa mt_human.fa.gz -o exact.tsv
embed-exact-nocanon    exact-nocanon.tsv            ruvec embed -@ 2 -k 3 --exact --no-canonical virus_hiv1.fa.gz -o exact-nocanon.tsv
embed-weight-count     weight-count.tsv             ruvec embed -@ 2 -k 11 -d 64 --weight count phage_phiX174.fa -o weight-count.tsv
embed-weight-log       weight-log.tsv               ruvec embed -@ 2 -k 11 -d 64 --weight log phage_phiX174.fa -o weight-log.tsv
embed-weight-binary    weight-binary.tsv            ruvec embed -@ 2 -k 11 -d 64 --weight binary phage_phiX174.fa -o weight-binary.tsv
embed-no-canonical     no-canonical.tsv             ruvec embed -@ 2 -k 9 -d 64 --no-canonical phage_phiX174.fa -o no-canonical.tsv
embed-stdin            -                            ruvec embed -@ 2 -d 64 - <reads.fq
embed-stdin-rvec       -                            ruvec embed -@ 2 -d 256 --format rvec - <reads.fq
embed-bgzf             bgzf.rvec                    ruvec embed -@ 2 -d 64 honeybee_2k.fq.gz -o bgzf.rvec
embed-reads            reads.rvec                   ruvec embed -@ 2 -d 256 -w 1000 --step 500 reads.fq -o reads.rvec
embed-list             list.rvec                    ruvec embed -@ 2 -d 64 -l genomes.txt -o list.rvec
embed-skipped          skipped.tsv                  ruvec embed -@ 2 -k 31 -d 64 -w 40 --step 20 reads.fq -o skipped.tsv
embed-quiet            quiet.tsv                    ruvec embed -@ 2 -k 31 -d 64 --quiet reads.fq -o quiet.tsv
embed-defaults         defaults.rvec,defaults.tsv   ruvec embed -@ 2 virus_dwv.fa.gz -o defaults.rvec && ruvec embed -@ 2 phage_phiX174.fa -o defaults.tsv

# index: every metric and option, from sequences, .rvec and stdin; --add, --remove, shards
index-cosine           cosine.rvx                   ruvec index --content vectors -@ 2 -d 256 -o cosine.rvx -l genomes.txt
index-l2               l2.rvx                       ruvec index --content vectors -@ 2 -d 256 --metric l2 -o l2.rvx -l genomes.txt
index-ip               ip.rvx                       ruvec index --content vectors -@ 2 -d 256 --metric ip -o ip.rvx -l genomes.txt
index-records          records.rvx                  ruvec index --content vectors -@ 2 -d 256 -w 0 -o records.rvx -l genomes.txt
index-params           params.rvx                   ruvec index --content vectors -@ 2 -d 256 -M 6 --ef-construction 40 --seed 7 -o params.rvx -l genomes.txt
index-rvec             from-rvec.rvx                ruvec index -@ 2 -o from-rvec.rvx window-long.rvec
index-v1-rvec          from-v1-rvec.rvx             ruvec index -@ 2 -o from-v1-rvec.rvx genomes-v1.rvec
index-stdin            stdin.rvx                    ruvec index --content vectors -@ 2 -d 64 -o stdin.rvx - <phage_phiX174.fa
index-tetra            tetra.rvx                    ruvec index --content vectors -@ 2 -k 4 --exact -w 5000 --step 2500 --weight log -o tetra.rvx -l genomes.txt
index-defaults         defaults.rvx                 ruvec index --content vectors -@ 2 -o defaults.rvx virus_dwv.fa.gz virus_vdv1.fa.gz phage_phiX174.fa
index-base             base.rvx                     ruvec index --content vectors -@ 2 -d 256 -o base.rvx phage_phiX174.fa virus_dwv.fa.gz virus_vdv1.fa.gz
index-add              added.rvx                    ruvec index -@ 2 --add base.rvx -o added.rvx virus_hiv1.fa.gz mt_human.fa.gz
index-add-rvec         added-rvec.rvx               ruvec index -@ 2 --add from-v1-rvec.rvx -o added-rvec.rvx plasmid_ssonnei_E.fa.gz
index-remove           removed.rvx                  ruvec index --remove cosine.rvx remove.txt -o removed.rvx
index-remove-stdin     removed-stdin.rvx            ruvec index --remove cosine.rvx - -o removed-stdin.rvx <remove.txt
index-remove-again     removed-again.rvx            ruvec index --remove removed.rvx remove.txt -o removed-again.rvx
index-shard1           shard1.rvx                   ruvec index --content vectors -@ 2 -d 256 --shard 1/3 -o shard1.rvx -l genomes.txt
index-shard2           shard2.rvx                   ruvec index --content vectors -@ 2 -d 256 --shard 2/3 -o shard2.rvx -l genomes.txt
index-shard3           shard3.rvx                   ruvec index --content vectors -@ 2 -d 256 --shard 3/3 -o shard3.rvx -l genomes.txt
# the read search (the default content, --content kmers): built, added to, removed from, shards
index-kmers            kmers.rvx                    ruvec index -@ 2 -d 256 -o kmers.rvx -l genomes.txt
index-kmers-both       kmers-both.rvx               ruvec index -@ 2 -d 256 --content both -o kmers-both.rvx -l genomes.txt
index-kmers-base       kmers-base.rvx               ruvec index -@ 2 -d 256 -o kmers-base.rvx phage_phiX174.fa virus_dwv.fa.gz virus_vdv1.fa.gz
index-kmers-add        kmers-added.rvx              ruvec index -@ 2 --add kmers-base.rvx -o kmers-added.rvx virus_hiv1.fa.gz mt_human.fa.gz
index-kmers-remove     kmers-removed.rvx            ruvec index --remove kmers.rvx remove.txt -o kmers-removed.rvx
index-kmers-shard1     kmers-shard1.rvx             ruvec index -@ 2 -d 256 --shard 1/3 -o kmers-shard1.rvx -l genomes.txt
index-kmers-shard2     kmers-shard2.rvx             ruvec index -@ 2 -d 256 --shard 2/3 -o kmers-shard2.rvx -l genomes.txt
index-kmers-shard3     kmers-shard3.rvx             ruvec index -@ 2 -d 256 --shard 3/3 -o kmers-shard3.rvx -l genomes.txt
index-kmers-stdin      kmers-stdin.rvx              ruvec index -@ 2 -d 64 -o kmers-stdin.rvx - <phage_phiX174.fa

# quantize: every code and option, the report as text and JSON
quantize-sq8           sq8.rvx                      ruvec quantize -@ 2 -t sq8 -o sq8.rvx cosine.rvx | untimed
quantize-sq8-json      sq8-json.rvx                 ruvec quantize -@ 2 -t sq8 --json --eval 100 -o sq8-json.rvx cosine.rvx | untimed
quantize-sq8-base      base-sq8.rvx                 ruvec quantize -@ 2 -t sq8 -o base-sq8.rvx base.rvx | untimed
index-add-sq8          added-sq8.rvx                ruvec index -@ 2 --add base-sq8.rvx -o added-sq8.rvx virus_hiv1.fa.gz
quantize-sq8-l2        sq8-l2.rvx                   ruvec quantize -@ 2 -t sq8 --eval 100 -o sq8-l2.rvx l2.rvx | untimed
quantize-sq8-drop      sq8-drop.rvx                 ruvec quantize -@ 2 -t sq8 --drop-float --eval 100 -o sq8-drop.rvx cosine.rvx | untimed
quantize-pq            pq.rvx                       ruvec quantize -@ 2 -t pq -m 32 --eval 100 -o pq.rvx cosine.rvx | untimed
quantize-pq-default-m  pq-default-m.rvx             ruvec quantize -@ 2 -t pq --iterations 5 --json --eval 0 -o pq-default-m.rvx cosine.rvx | untimed
quantize-pq-options    pq-options.rvx               ruvec quantize -@ 2 -t pq -m 16 --train 500 --iterations 5 --seed 3 --eval 50 --ef 64 --rerank 16 -o pq-options.rvx cosine.rvx | untimed
quantize-pq-drop       pq-drop.rvx                  ruvec quantize -@ 2 -t pq -m 32 --iterations 5 --drop-float --eval 0 -o pq-drop.rvx cosine.rvx | untimed
quantize-binary        binary.rvx                   ruvec quantize -@ 2 -t binary --eval 100 -o binary.rvx cosine.rvx | untimed
quantize-binary-json   binary-json.rvx              ruvec quantize -@ 2 -t binary --json --eval 100 -o binary-json.rvx cosine.rvx | untimed
quantize-binary-nocent binary-nocentre.rvx          ruvec quantize -@ 2 -t binary --no-centre --eval 100 -o binary-nocentre.rvx cosine.rvx | untimed
quantize-binary-ip     binary-ip.rvx                ruvec quantize -@ 2 -t binary --eval 100 -o binary-ip.rvx ip.rvx | untimed
quantize-binary-drop   binary-drop.rvx              ruvec quantize -@ 2 -t binary --drop-float --eval 100 -o binary-drop.rvx cosine.rvx | untimed
quantize-rvec          q-from-rvec.rvx              ruvec quantize -@ 2 -t sq8 -o q-from-rvec.rvx genomes-v1.rvec | untimed

# search: float cosine, every option
search                 -                            ruvec search -@ 2 cosine.rvx reads.fq
search-jsonl           -                            ruvec search -@ 2 --format jsonl --min-sim none cosine.rvx reads.fq
search-exact           -                            ruvec search -@ 2 --exact --min-sim none cosine.rvx reads.fq
search-per-target      -                            ruvec search -@ 2 --per-target -n 1 --min-sim none cosine.rvx reads.fq
search-per-target-n3   -                            ruvec search -@ 2 --per-target -n 3 --exact cosine.rvx virus_hiv1.fa.gz queries.fa
search-min-sim-none    -                            ruvec search -@ 2 --min-sim none cosine.rvx reads.fq
search-min-sim-value   -                            ruvec search -@ 2 --min-sim 0.2 -n 10 cosine.rvx reads.fq
search-ef              -                            ruvec search -@ 2 --ef 8 --min-sim none cosine.rvx reads.fq
search-n10             -                            ruvec search -@ 2 -n 10 --min-sim none cosine.rvx reads.fq
search-full-precision  -                            ruvec search -@ 2 --no-header --full-precision --min-sim none cosine.rvx reads.fq
search-rvec            -                            ruvec search -@ 2 --min-sim none cosine.rvx reads.rvec
search-stdin           -                            ruvec search -@ 2 --min-sim none cosine.rvx - <reads.fq
search-bgzf            -                            ruvec search -@ 2 --min-sim none -n 1 cosine.rvx honeybee_2k.fq.gz
search-list            -                            ruvec search -@ 2 --min-sim none -l queries.txt cosine.rvx
search-windows         -                            ruvec search -@ 2 cosine.rvx virus_hiv1.fa.gz phage_phiX174.fa
search-agreeing-opts   -                            ruvec search -@ 2 -k 21 -d 256 -w 1000 --step 500 --weight count cosine.rvx queries.fa
search-output          hits.tsv                     ruvec search -@ 2 --min-sim none -o hits.tsv cosine.rvx reads.fq
search-rerank-float    -                            ruvec search -@ 2 --rerank 5 cosine.rvx queries.fa

# search: the other float indexes
search-l2              -                            ruvec search -@ 2 l2.rvx reads.fq
search-l2-n10          -                            ruvec search -@ 2 -n 10 l2.rvx reads.fq
search-l2-exact        -                            ruvec search -@ 2 --exact -n 10 l2.rvx reads.fq
search-l2-ef           -                            ruvec search -@ 2 --ef 8 l2.rvx reads.fq
search-ip              -                            ruvec search -@ 2 ip.rvx reads.fq
search-ip-exact        -                            ruvec search -@ 2 --exact -n 10 ip.rvx reads.fq
search-ip-ef           -                            ruvec search -@ 2 --ef 8 ip.rvx reads.fq
search-records         -                            ruvec search -@ 2 -n 3 records.rvx phage_phiX174.fa virus_hiv1.fa.gz lambda_NEB3011.fa.gz
search-records-reads   -                            ruvec search -@ 2 --min-sim none --per-target records.rvx reads.fq
search-params          -                            ruvec search -@ 2 --min-sim none -n 10 params.rvx reads.fq
search-params-ef       -                            ruvec search -@ 2 --min-sim none --ef 8 params.rvx reads.fq
search-from-rvec       -                            ruvec search -@ 2 --min-sim none from-rvec.rvx queries.fa reads.fq
search-stdin-index     -                            ruvec search -@ 2 --min-sim none stdin.rvx queries.fa
search-tetra           -                            ruvec search -@ 2 tetra.rvx virus_dwv.fa.gz queries.fa
search-defaults        -                            ruvec search -@ 2 defaults.rvx reads.fq
search-defaults-jsonl  -                            ruvec search -@ 2 --format jsonl defaults.rvx reads.fq
search-defaults-exact  -                            ruvec search -@ 2 --exact defaults.rvx reads.fq
search-defaults-target -                            ruvec search -@ 2 --per-target -n 1 defaults.rvx reads.fq
search-defaults-ef     -                            ruvec search -@ 2 --ef 16 -n 10 defaults.rvx reads.fq queries.fa

# search: added and removed rows
search-added           -                            ruvec search -@ 2 --min-sim none -n 10 added.rvx reads.fq queries.fa
search-added-exact     -                            ruvec search -@ 2 --exact --min-sim none added.rvx queries.fa
search-added-rvec      -                            ruvec search -@ 2 --min-sim none added-rvec.rvx queries.fa
search-removed         -                            ruvec search -@ 2 --min-sim none -n 10 removed.rvx reads.fq
search-removed-exact   -                            ruvec search -@ 2 --exact --min-sim none -n 10 removed.rvx reads.fq
search-removed-target  -                            ruvec search -@ 2 --per-target -n 3 --min-sim none removed.rvx reads.fq
search-removed-ef      -                            ruvec search -@ 2 --ef 8 --min-sim none removed.rvx reads.fq

# search: quantized indexes, by codes with and without re-ranking, floats dropped
search-sq8             -                            ruvec search -@ 2 sq8.rvx reads.fq
search-sq8-none        -                            ruvec search -@ 2 --min-sim none -n 10 sq8.rvx reads.fq
search-sq8-ef          -                            ruvec search -@ 2 --ef 16 --min-sim none -n 10 sq8.rvx reads.fq
search-sq8-rerank0     -                            ruvec search -@ 2 --ef 64 --rerank 0 --min-sim none sq8.rvx reads.fq
search-sq8-rerank16    -                            ruvec search -@ 2 --ef 64 --rerank 16 --min-sim none sq8.rvx reads.fq
search-sq8-exact       -                            ruvec search -@ 2 --exact --min-sim none sq8.rvx reads.fq
search-sq8-l2          -                            ruvec search -@ 2 --ef 64 --rerank 0 -n 10 sq8-l2.rvx reads.fq
search-sq8-drop        -                            ruvec search -@ 2 --min-sim none sq8-drop.rvx reads.fq
search-sq8-drop-ef     -                            ruvec search -@ 2 --ef 64 --min-sim none sq8-drop.rvx reads.fq
search-sq8-drop-exact  -                            ruvec search -@ 2 --exact --min-sim none sq8-drop.rvx reads.fq
search-added-sq8       -                            ruvec search -@ 2 --ef 64 --min-sim none added-sq8.rvx queries.fa reads.fq
search-pq              -                            ruvec search -@ 2 pq.rvx reads.fq
search-pq-none         -                            ruvec search -@ 2 --min-sim none -n 10 pq.rvx reads.fq
search-pq-rerank0      -                            ruvec search -@ 2 --ef 64 --rerank 0 --min-sim none pq.rvx reads.fq
search-pq-rerank16     -                            ruvec search -@ 2 --ef 64 --rerank 16 --min-sim none pq.rvx reads.fq
search-pq-exact        -                            ruvec search -@ 2 --exact --min-sim none pq.rvx reads.fq
search-pq-options      -                            ruvec search -@ 2 --ef 32 --min-sim none pq-options.rvx reads.fq
search-pq-drop         -                            ruvec search -@ 2 --ef 64 --min-sim none pq-drop.rvx reads.fq
search-pq-drop-exact   -                            ruvec search -@ 2 --exact --min-sim none pq-drop.rvx reads.fq
search-binary          -                            ruvec search -@ 2 binary.rvx reads.fq
search-binary-none     -                            ruvec search -@ 2 --min-sim none -n 10 binary.rvx reads.fq
search-binary-rerank0  -                            ruvec search -@ 2 --ef 64 --rerank 0 --min-sim none binary.rvx reads.fq
search-binary-rerank16 -                            ruvec search -@ 2 --ef 64 --rerank 16 --min-sim none binary.rvx reads.fq
search-binary-hamming  -                            ruvec search -@ 2 --ef 64 --hamming --rerank 0 --min-sim none binary.rvx reads.fq
search-binary-exact    -                            ruvec search -@ 2 --exact --min-sim none binary.rvx reads.fq
search-binary-nocentre -                            ruvec search -@ 2 --ef 64 --rerank 0 --min-sim none binary-nocentre.rvx reads.fq
search-binary-ip       -                            ruvec search -@ 2 --ef 64 --rerank 0 binary-ip.rvx reads.fq
search-binary-drop     -                            ruvec search -@ 2 --min-sim none binary-drop.rvx reads.fq
search-binary-drop-ef  -                            ruvec search -@ 2 --ef 64 --min-sim none --per-target binary-drop.rvx reads.fq
search-binary-drop-ham -                            ruvec search -@ 2 --ef 64 --hamming --min-sim none binary-drop.rvx reads.fq
search-binary-drop-ex  -                            ruvec search -@ 2 --exact --min-sim none binary-drop.rvx reads.fq
search-q-from-rvec     -                            ruvec search -@ 2 --min-sim none q-from-rvec.rvx queries.fa

# shards: each searched as merge needs it, then merged
search-shard1          shard1.hits.tsv              ruvec search -@ 2 --exact --full-precision --min-sim none -n 10 -o shard1.hits.tsv shard1.rvx reads.fq
search-shard2          shard2.hits.tsv              ruvec search -@ 2 --exact --full-precision --min-sim none -n 10 -o shard2.hits.tsv shard2.rvx reads.fq
search-shard3          shard3.hits.tsv              ruvec search -@ 2 --exact --full-precision --min-sim none -n 10 -o shard3.hits.tsv shard3.rvx reads.fq
search-shard2-default  -                            ruvec search -@ 2 shard2.rvx reads.fq queries.fa
search-shard2-graph    -                            ruvec search -@ 2 --ef 8 --min-sim none shard2.rvx reads.fq
search-kmers           -                            ruvec search -@ 2 kmers.rvx reads.fq
search-kmers-both      -                            ruvec search -@ 2 kmers-both.rvx reads.fq
search-kmers-jsonl     -                            ruvec search -@ 2 --format jsonl -n 3 kmers.rvx reads.fq
search-kmers-per-target -                           ruvec search -@ 2 --per-target -n 3 kmers.rvx reads.fq
search-kmers-whole     -                            ruvec search -@ 2 --per-target -n 3 kmers.rvx virus_hiv1.fa.gz queries.fa
search-kmers-min-sim   -                            ruvec search -@ 2 --min-sim 0.97 -n 10 kmers.rvx reads.fq
search-kmers-unmatched -                            ruvec search -@ 2 --unmatched --full-precision kmers.rvx reads.fq
search-kmers-added     -                            ruvec search -@ 2 kmers-added.rvx reads.fq
search-kmers-removed   -                            ruvec search -@ 2 kmers-removed.rvx reads.fq
search-kmers-rvec-both -                            ruvec search -@ 2 --min-sim none kmers-both.rvx reads.rvec
search-kmers-shard1    kmers-shard1.hits.tsv        ruvec search -@ 2 --full-precision --unmatched --min-sim none -n 10 -o kmers-shard1.hits.tsv kmers-shard1.rvx reads.fq
search-kmers-shard2    kmers-shard2.hits.tsv        ruvec search -@ 2 --full-precision --unmatched --min-sim none -n 10 -o kmers-shard2.hits.tsv kmers-shard2.rvx reads.fq
search-kmers-shard3    kmers-shard3.hits.tsv        ruvec search -@ 2 --full-precision --unmatched --min-sim none -n 10 -o kmers-shard3.hits.tsv kmers-shard3.rvx reads.fq
merge-kmers            -                            ruvec merge -n 10 --full-precision kmers-shard1.hits.tsv kmers-shard2.hits.tsv kmers-shard3.hits.tsv
merge-kmers-unmatched  -                            ruvec merge -n 10 --unmatched --min-sim 0.97 kmers-shard1.hits.tsv kmers-shard2.hits.tsv kmers-shard3.hits.tsv
merge                  -                            ruvec merge shard1.hits.tsv shard2.hits.tsv shard3.hits.tsv
merge-options          -                            ruvec merge -n 3 --min-sim 0.2 --per-target shard1.hits.tsv shard2.hits.tsv shard3.hits.tsv
merge-full-precision   merged.tsv                   ruvec merge --full-precision --no-header -o merged.tsv shard1.hits.tsv shard2.hits.tsv shard3.hits.tsv
merge-stdin-list       -                            ruvec merge -n 5 -l shard-hits.txt - <shard1.hits.tsv

# info, text and JSON, on every index kind
info-kmers             -                            ruvec info kmers.rvx
info-kmers-json        -                            ruvec info --json kmers.rvx
info-kmers-both        -                            ruvec info kmers-both.rvx
info-cosine            -                            ruvec info cosine.rvx
info-cosine-json       -                            ruvec info --json cosine.rvx
info-output            info.txt                     ruvec info -o info.txt l2.rvx
info-l2-json           -                            ruvec info --json l2.rvx
info-ip                -                            ruvec info ip.rvx
info-ip-json           -                            ruvec info --json ip.rvx
info-records           -                            ruvec info records.rvx
info-records-json      -                            ruvec info --json records.rvx
info-params            -                            ruvec info params.rvx
info-params-json       -                            ruvec info --json params.rvx
info-from-rvec         -                            ruvec info from-rvec.rvx
info-from-rvec-json    -                            ruvec info --json from-rvec.rvx
info-stdin             -                            ruvec info stdin.rvx
info-tetra             -                            ruvec info tetra.rvx
info-tetra-json        -                            ruvec info --json tetra.rvx
info-defaults          -                            ruvec info defaults.rvx
info-defaults-json     -                            ruvec info --json defaults.rvx
info-added             -                            ruvec info added.rvx
info-added-json        -                            ruvec info --json added.rvx
info-added-sq8         -                            ruvec info added-sq8.rvx
info-added-sq8-json    -                            ruvec info --json added-sq8.rvx
info-removed           -                            ruvec info removed.rvx
info-removed-json      -                            ruvec info --json removed.rvx
info-removed-stdin     -                            ruvec info removed-stdin.rvx
info-shard2            -                            ruvec info shard2.rvx
info-shard2-json       -                            ruvec info --json shard2.rvx
info-sq8               -                            ruvec info sq8.rvx
info-sq8-json          -                            ruvec info --json sq8.rvx
info-sq8-l2            -                            ruvec info sq8-l2.rvx
info-sq8-drop          -                            ruvec info sq8-drop.rvx
info-sq8-drop-json     -                            ruvec info --json sq8-drop.rvx
info-pq                -                            ruvec info pq.rvx
info-pq-json           -                            ruvec info --json pq.rvx
info-pq-drop           -                            ruvec info pq-drop.rvx
info-binary            -                            ruvec info binary.rvx
info-binary-json       -                            ruvec info --json binary.rvx
info-binary-nocentre   -                            ruvec info --json binary-nocentre.rvx
info-binary-ip         -                            ruvec info binary-ip.rvx
info-binary-drop       -                            ruvec info binary-drop.rvx
info-binary-drop-json  -                            ruvec info --json binary-drop.rvx
info-q-from-rvec       -                            ruvec info q-from-rvec.rvx

# files of older formats (test-data/formats)
v1-info                -                            ruvec info genomes-v1.rvx
v1-info-json           -                            ruvec info --json genomes-v1.rvx
v1-search              -                            ruvec search genomes-v1.rvx queries.fa
v1-search-none         -                            ruvec search --min-sim none -n 10 genomes-v1.rvx queries.fa reads.fq
v1-search-exact        -                            ruvec search --exact --min-sim none genomes-v1.rvx queries.fa
v1-search-rvec         -                            ruvec search genomes-v1.rvx genomes-v1.rvec
v1-add                 v1-added.rvx                 cp genomes-v1.rvx v1-added.rvx && ruvec index -@ 2 --add v1-added.rvx plasmid_ssonnei_E.fa.gz
v1-added-info          -                            ruvec info v1-added.rvx
v1-added-info-json     -                            ruvec info --json v1-added.rvx
v1-added-search        -                            ruvec search --min-sim none v1-added.rvx queries.fa
v1-from-rvec-search    -                            ruvec search --min-sim none from-v1-rvec.rvx queries.fa
v2-info                -                            ruvec info genomes-v2-sq8.rvx
v2-info-json           -                            ruvec info --json genomes-v2-sq8.rvx
v2-search              -                            ruvec search genomes-v2-sq8.rvx queries.fa
v2-search-none         -                            ruvec search --min-sim none -n 10 --ef 16 --rerank 0 genomes-v2-sq8.rvx queries.fa reads.fq
v2-search-exact        -                            ruvec search --exact --min-sim none genomes-v2-sq8.rvx queries.fa
v2-add                 v2-added.rvx                 cp genomes-v2-sq8.rvx v2-added.rvx && ruvec index -@ 2 --add v2-added.rvx plasmid_ssonnei_E.fa.gz
v2-added-search        -                            ruvec search --min-sim none v2-added.rvx queries.fa
v3-info                -                            ruvec info genomes-v3-shard.rvx
v3-info-json           -                            ruvec info --json genomes-v3-shard.rvx
v3-search              -                            ruvec search genomes-v3-shard.rvx queries.fa
v3-search-none         -                            ruvec search --exact --full-precision --min-sim none genomes-v3-shard.rvx queries.fa

# errors: exit status and message; none may leave an output file (files.txt would show it)
error-bad-option       -                            ruvec index --bogus -o bogus.rvx phage_phiX174.fa
error-bad-value        -                            ruvec embed -k 40 phage_phiX174.fa
error-unknown-command  -                            ruvec frobnicate
error-missing-file     -                            ruvec embed -d 64 -o missing.tsv missing.fa
error-missing-index    -                            ruvec search missing.rvx reads.fq
error-no-output        -                            ruvec index -d 64 phage_phiX174.fa
error-dims-rvec        -                            ruvec search cosine.rvx embed.rvec
error-dims-option      -                            ruvec search -d 64 cosine.rvx reads.fq
error-add-mismatch     -                            ruvec index --add base.rvx -k 15 -o mismatch.rvx virus_hiv1.fa.gz
error-add-rvec-dims    -                            ruvec index --add base.rvx -o mismatch.rvx embed.rvec
error-add-existing     -                            ruvec index --add base.rvx -o mismatch.rvx virus_dwv.fa.gz
error-add-dropped      -                            ruvec index --add sq8-drop.rvx -o mismatch.rvx virus_hiv1.fa.gz
error-remove-unknown   -                            ruvec index --remove base.rvx genomes.txt -o mismatch.rvx
error-shard-stdin      -                            ruvec index -d 64 --shard 1/2 -o mismatch.rvx - <phage_phiX174.fa
error-max-memory       -                            ruvec index --content vectors -d 256 --max-memory 100K -o mismatch.rvx -l genomes.txt
error-max-memory-kmers -                            ruvec index -d 256 --max-memory 100K -o mismatch.rvx -l genomes.txt
error-kmers-rvec-query -                            ruvec search kmers.rvx reads.rvec
error-kmers-quantize   -                            ruvec quantize -t sq8 -o mismatch.rvx kmers.rvx
error-kmers-add-vectors -                           ruvec index --add kmers.rvx --content vectors -o mismatch.rvx virus_hiv1.fa.gz
error-merge-kmers-mixed -                           ruvec merge -n 10 kmers-shard1.hits.tsv shard2.hits.tsv
error-merge-kmers-no-n -                            ruvec merge kmers-shard1.hits.tsv kmers-shard2.hits.tsv
error-quantize-m       -                            ruvec quantize -t pq -m 7 -o mismatch.rvx cosine.rvx
error-merge-not-hits   -                            ruvec merge shard1.hits.tsv remove.txt
error-not-an-index     -                            ruvec info genomes-v1.rvec
EOF
}

while read -r name outputs command; do
    case $name in '' | '#'*) continue ;; esac
    if [ -e "streams/$name.status" ]; then
        echo "commands.sh: case $name is in the table twice" >&2
        exit 1
    fi
    status=0
    eval "$command" </dev/null >"streams/$name.stdout" 2>"streams/$name.stderr" || status=$?
    echo "$status" >"streams/$name.status"
    files="streams/$name.stdout streams/$name.stderr streams/$name.status"
    [ "$outputs" = - ] || files+=" ${outputs//,/ }"
    for file in $files; do
        # A file the case did not make is recorded, not an error: the other run may make it.
        if [ -f "$file" ]; then
            printf '%s\t%s\t%s\n' "$name" "$file" "$(sha256sum <"$file" | cut -d' ' -f1)"
        else
            printf '%s\t%s\t%s\n' "$name" "$file" missing
        fi
    done
done < <(cases) >manifest.unsorted
# Every file in OUT_DIR by name, so that a file left behind (a temporary, an output of a failed
# command) or no longer written shows up too.
listing=$(find . -type f ! -name 'manifest.*' | sort)
echo "$listing" >files.txt
printf 'all\tfiles.txt\t%s\n' "$(sha256sum <files.txt | cut -d' ' -f1)" >>manifest.unsorted
sort manifest.unsorted >manifest.tsv
rm manifest.unsorted
