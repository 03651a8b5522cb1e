#!/usr/bin/env python3
"""Query windows that fall between the windows of an index, as FASTQ on standard output.

An index built with `-w W --step S` holds windows starting at 0, S, 2S, ...; these queries
start at S/2 + n*every*S (n = 0, 1, ...), so each overlaps two indexed windows by about half and
none is a copy of an indexed one: nearest neighbours that mean something, as held-out windows
would. Names are record:start-end, qualities 'I'. Windows with a base other than ACGT are
skipped. Reads FASTA, plain or gzip.

Usage: scripts/offset-windows.py [-w W] [--step S] [--every N] FASTA...
"""
import argparse
import gzip
import sys


def records(path):
    opener = gzip.open if path.endswith('.gz') else open
    name, parts = None, []
    with opener(path, 'rt') as f:
        for line in f:
            line = line.strip()
            if line.startswith('>'):
                if name is not None:
                    yield name, ''.join(parts)
                name, parts = line[1:].split()[0], []
            elif line:
                parts.append(line.upper())
    if name is not None:
        yield name, ''.join(parts)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('-w', type=int, default=1000, help='window length of the index [1000]')
    p.add_argument('--step', type=int, default=500, help='step of the index windows [500]')
    p.add_argument('--every', type=int, default=1, help='one query per N steps [1]')
    p.add_argument('fasta', nargs='+')
    a = p.parse_args()
    out = sys.stdout
    for path in a.fasta:
        for name, seq in records(path):
            start = a.step // 2
            while start + a.w <= len(seq):
                window = seq[start:start + a.w]
                if set(window) <= set('ACGT'):
                    out.write(f'@{name}:{start}-{start + a.w}\n{window}\n+\n{"I" * a.w}\n')
                start += a.step * a.every


if __name__ == '__main__':
    main()
