// ruvec quantize: an index whose searches walk the graph by int8, pq or binary codes.
// The code type is an argument: ext.args = "-t sq8" (or pq, binary).
process RUVEC_QUANTIZE {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), path(index)

    output:
    tuple val(meta), path("*.quantized.rvx"), emit: index
    path "versions.yml"                      , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    ruvec quantize \\
        -@ ${task.cpus - 1} \\
        $args \\
        -o ${prefix}.quantized.rvx \\
        $index

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.quantized.rvx

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """
}
