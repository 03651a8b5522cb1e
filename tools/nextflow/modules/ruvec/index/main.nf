// ruvec index: an HNSW index (.rvx) of sequences or .rvec embeddings; one shard of them when
// meta.shard and meta.shards are set (ruvec index --shard i/n).
process RUVEC_INDEX {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), path(sequences)

    output:
    tuple val(meta), path("*.rvx"), emit: index
    path "versions.yml"           , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def shard  = meta.shard ? "--shard ${meta.shard}/${meta.shards}" : ''
    """
    ruvec index \\
        -@ ${task.cpus - 1} \\
        $shard \\
        $args \\
        -o ${prefix}.rvx \\
        $sequences

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.rvx
    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """
}
