// ruvec merge: the searches of the shards of an index (in shard order) merged into the hits
// of one search over one index of all the shards.
process RUVEC_MERGE {
    tag "$meta.id"
    label 'process_single'

    input:
    tuple val(meta), path(hits, stageAs: "shard_hits/*")

    output:
    tuple val(meta), path("*.tsv"), emit: tsv  // the inputs are staged in shard_hits/
    path "versions.yml"           , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    ruvec merge \\
        $args \\
        -o ${prefix}.tsv \\
        $hits

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.tsv

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """
}
