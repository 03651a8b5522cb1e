// ruvec search: nearest neighbours of query sequences in an index, as TSV. For shards that
// RUVEC_MERGE joins, give ext.args = "--full-precision --min-sim none --unmatched -n N" (and,
// for shards of vectors, --exact for one index's answer).
process RUVEC_SEARCH {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), path(queries)
    tuple val(meta2), path(index)

    output:
    tuple val(meta), path("*.tsv"), emit: tsv
    path "versions.yml"           , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    ruvec search \\
        -@ ${task.cpus - 1} \\
        $args \\
        -o ${prefix}.tsv \\
        $index \\
        $queries

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
