// ruvec bench: measures embedding throughput and the SIMD kernels on the node that runs it
// (ext.args names suites and options, e.g. "kmer distance"), as JSON.
process RUVEC_BENCH {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), path(sequences)

    output:
    tuple val(meta), path("*.bench.json"), emit: json
    path "versions.yml"                  , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    ruvec bench \\
        -@ ${task.cpus - 1} \\
        --json \\
        --input $sequences \\
        $args \\
        -o ${prefix}.bench.json

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.bench.json

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """
}
