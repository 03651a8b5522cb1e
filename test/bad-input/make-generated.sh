#!/usr/bin/env bash
# Makes the bad (and unusual but valid) inputs that are better generated than committed: binary
# files, broken compression, and a 100 MB single-line chromosome.
#   make-generated.sh TEST_DATA_DIR OUT_DIR RUVEC
set -eu
data=$1
out=$2
mkdir -p "$out"
cd "$out"
# An ELF-like binary file, and random bytes that begin with '>'.
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000' >binary.bin
head -c 4096 /dev/zero | tr '\0' '\377' >>binary.bin
{ printf '>x\n'; printf '\001\002\003\377\376' ; } >binary-after-header.fa
# gzip and BGZF cut short, and a BGZF block with a flipped byte.
head -c 8000 "$data/genomes/phage_lambda.fa.gz" >truncated.fa.gz
head -c 60000 "$data/reads/honeybee_2k.fq.gz" >truncated.fq.gz
cp "$data/reads/honeybee_2k.fq.gz" bad-block.fq.gz
printf '\125' | dd of=bad-block.fq.gz bs=1 seek=30000 conv=notrunc status=none
# gzip of something that is not FASTA.
gzip -c binary.bin >binary.bin.gz
# Two gzip members back to back are one valid stream (as `cat a.gz b.gz` makes).
zcat "$data/genomes/phage_lambda.fa.gz" >lambda.fa
head -c 30000 lambda.fa | gzip -c >concatenated.fa.gz
tail -c +30001 lambda.fa | gzip -c >>concatenated.fa.gz
mkdir -p a-directory
# FASTQ with Windows line endings.
zcat "$data/reads/honeybee_2k.fq.gz" | head -400 | sed 's/$/\r/' >crlf.fq
# A 100 MB chromosome on one line (2062 copies of lambda without newlines).
python3 - lambda.fa >huge-line.fa <<'PY'
import sys
seq = "".join(l.strip() for l in open(sys.argv[1]) if not l.startswith(">"))
sys.stdout.write(">chrHuge\n" + seq * 2062 + "\n")
PY

# Indexes: a small product-quantized index with a k-mer index has every kind of section. Cut short inside each part
# and with one flipped byte in each part; a header that claims 2^60 vectors and one from a future
# format version, both re-signed so that their checksums are right (only the values are wrong);
# one with a critical section this ruvec does not know, and one with an optional such section.
# Also vectors of other dims than the index's.
ruvec=$3
zcat "$data/genomes/phage_lambda.fa.gz" "$data/genomes/virus_dwv.fa.gz" >two.fa
"$ruvec" index -d 16 -k 9 -M 4 -w 1000 --content both -o plain.rvx two.fa
"$ruvec" quantize -t pq -m 2 --eval 0 -o index.rvx plain.rvx >/dev/null
"$ruvec" embed -d 32 -k 9 "$data/genomes/phage_phiX174.fa" -o dims32.rvec
"$ruvec" index -d 16 -k 9 -M 4 -w 1000 --content vectors -o vectors.rvx two.fa # no k-mer index
"$ruvec" index -d 16 -k 9 -w 1000 --content kmers -o kmers.rvx two.fa # no vectors
"$ruvec" info --json index.rvx >index.json
"$ruvec" info --json kmers.rvx >kmers.json
# python3-xxhash is a Debian package: Debian's python3 sees it, another python3 on PATH may not.
/usr/bin/python3 - index.rvx index.json kmers.rvx kmers.json <<'PY'
import json, struct, sys, xxhash
data = open(sys.argv[1], "rb").read()
sections = json.load(open(sys.argv[2]))["sections"]
def write(name, b):
    open(name, "wb").write(b)
def flip(b, at):
    return b[:at] + bytes([b[at] ^ 0x55]) + b[at + 1:]
def resign(b):  # the header's XXH64 over its first 248 bytes, stored at 248
    return b[:248] + struct.pack("<Q", xxhash.xxh64(b[:248]).intdigest()) + b[256:]
table_end = sections[0]["offset"]
write("index-cut-in-header.rvx", data[:100])
write("index-cut-in-table.rvx", data[:256 + 40])
write("index-flipped-header.rvx", flip(data, 40))
write("index-flipped-table.rvx", flip(data, 256 + 8))
for s in sections:
    middle = s["offset"] + s["length"] // 2
    write("index-cut-in-%s.rvx" % s["tag"], data[:middle])
    write("index-flipped-%s.rvx" % s["tag"], flip(data, middle))
write("index-2e60-rows.rvx", resign(data[:56] + struct.pack("<Q", 1 << 60) + data[64:]))
write("index-future-version.rvx", resign(data[:8] + struct.pack("<I", 99) + data[12:]))
# The index with one more section, as a newer ruvec might write: laid out again (64-byte
# alignment, table and header re-signed). A critical one this ruvec does not know is refused.
def parts_of(data, sections):  # (tag, flags, bytes) of each section
    return [(s["tag"].encode(), 1 if s.get("optional") else 0,
             data[s["offset"]:s["offset"] + s["length"]]) for s in sections]
def with_section(tag, flags, payload, replace=None):
    parts = parts_of(data, sections)
    if replace:  # (tag, payload): that section's bytes replaced, no section added
        parts = [(t, f, replace[1] if t == replace[0] else p) for t, f, p in parts]
    else:
        parts.append((tag, flags, payload))
    return laid_out(data, parts)
def laid_out(data, parts):  # the parts after data's header, laid out again and re-signed
    head_end = 256 + 32 * len(parts) + 8
    body, entries, at = b"", b"", head_end
    for t, f, p in parts:
        pad = (-at) % 64
        body += b"\0" * pad
        at += pad
        entries += t + struct.pack("<IQQQ", f, at, len(p), xxhash.xxh64(p).intdigest())
        body += p
        at += len(p)
    header = data[:104] + struct.pack("<I", len(parts)) + data[108:256]
    return resign(header) + entries + struct.pack("<Q", xxhash.xxh64(entries).intdigest()) + body
write("index-unknown-critical.rvx", with_section(b"KMER", 0, b"k" * 100))
write("index-unknown-optional.rvx", with_section(b"NOTE", 1, b"a note from a newer ruvec\n"))
# The read search's sections with right checksums and wrong values: RECS naming row 1 as the
# first sequence's start; SEQS claiming one more sequence than its table holds.
recs = next(s for s in sections if s["tag"] == "RECS")
recs_bytes = data[recs["offset"]:recs["offset"] + recs["length"]]
write("index-bad-RECS.rvx", with_section(None, 0, None, (b"RECS", struct.pack("<Q", 1) + recs_bytes[8:])))
seqs = next(s for s in sections if s["tag"] == "SEQS")
seqs_bytes = data[seqs["offset"]:seqs["offset"] + seqs["length"]]
count = struct.unpack_from("<Q", seqs_bytes)[0]
write("index-bad-SEQS.rvx", with_section(None, 0, None, (b"SEQS", struct.pack("<Q", count + 1) + seqs_bytes[8:])))
# An index of the read search alone (no VECT, no GRPH): with a graph entry point in its header;
# without its read-search sections, so holding nothing to search.
kmers = open(sys.argv[3], "rb").read()
kmers_parts = parts_of(kmers, json.load(open(sys.argv[4]))["sections"])
write("kmers-entry-point.rvx", resign(kmers[:100] + struct.pack("<I", 1) + kmers[104:]))
write("kmers-no-sequences.rvx", laid_out(kmers, [p for p in kmers_parts if p[0] in (b"PROV", b"NAME", b"ROWS")]))
PY
# .rvec cut short and with a flipped byte in its block.
"$ruvec" embed --quiet -d 16 -k 9 -w 500 two.fa -o windows.rvec
size=$(stat -c %s windows.rvec)
head -c $((size - 60)) windows.rvec >cut.rvec
cp windows.rvec flipped.rvec
printf '\125' | dd of=flipped.rvec bs=1 seek=$((size / 2)) conv=notrunc status=none
# An empty file, and a record without a newline at its end.
: >empty.fa
printf '>x\nACGTTGCAAGGCTTAACCGGTA' >no-final-newline.fa
# Unreadable (the permission case runs as nobody when the tests run as root).
printf '>x\nACGTACGTACGTACGTACGTACGTACGTACGT\n' >unreadable.fa
chmod 000 unreadable.fa
