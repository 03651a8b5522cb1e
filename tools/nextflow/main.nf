#!/usr/bin/env nextflow
// ruvec on a collection split into shards, as a Nextflow DSL2 pipeline of the modules in
// modules/ruvec: index every shard, search every query file against every shard, merge each
// query file's shard hits (in shard order) into the hits of one index of all shards, and
// validate each shard with ruvec info.
//
//   nextflow run main.nf                                   # test-data, 2 shards
//   nextflow run main.nf --references 'genomes/*.fa.gz' --queries 'reads/*.fq.gz' --shards 8
//   nextflow run main.nf -profile slurm                    # see nextflow.config

nextflow.enable.dsl = 2

include { RUVEC_INDEX  } from './modules/ruvec/index/main'
include { RUVEC_INFO   } from './modules/ruvec/info/main'
include { RUVEC_SEARCH } from './modules/ruvec/search/main'
include { RUVEC_MERGE  } from './modules/ruvec/merge/main'

workflow {
    if (params.shards < 1) error "--shards must be at least 1"

    // Every shard job gets the same references in the same (sorted) order: the order fixes
    // which records each shard holds.
    ch_references = Channel
        .fromPath(params.references, checkIfExists: true)
        .collect(sort: true)

    ch_index_input = Channel
        .of(1..params.shards)
        .combine(ch_references.map { files -> [files] })
        .map { i, files -> [[id: "shard${i}", shard: i, shards: params.shards], files] }
    RUVEC_INDEX(ch_index_input)
    RUVEC_INFO(RUVEC_INDEX.out.index)

    ch_queries = Channel
        .fromPath(params.queries, checkIfExists: true)
        .map { file -> [[id: file.simpleName], file] }

    ch_search_input = ch_queries
        .combine(RUVEC_INDEX.out.index)
        .multiMap { query_meta, query, shard_meta, rvx ->
            queries: [query_meta + [id: "${query_meta.id}.${shard_meta.id}", query: query_meta.id, shard: shard_meta.shard], query]
            index:   [shard_meta, rvx]
        }
    RUVEC_SEARCH(ch_search_input.queries, ch_search_input.index)

    // All shards of a query file, in shard order: merge gives ties to the earlier shard.
    ch_merge_input = RUVEC_SEARCH.out.tsv
        .map { meta, tsv -> [meta.query, meta.shard, tsv] }
        .groupTuple(size: params.shards)
        .map { query, shards, files -> [[id: query], [shards, files].transpose().sort { it[0] }.collect { it[1] }] }
    RUVEC_MERGE(ch_merge_input)
}
