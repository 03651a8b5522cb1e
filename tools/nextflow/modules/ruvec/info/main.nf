// ruvec info: validates an index (every checksum and link) and describes it as JSON.
process RUVEC_INFO {
    tag "$meta.id"
    label 'process_single'

    input:
    tuple val(meta), path(index)

    output:
    tuple val(meta), path("*.info.json"), emit: json
    path "versions.yml"                 , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    ruvec info \\
        --json \\
        $args \\
        -o ${prefix}.info.json \\
        $index

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.info.json

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """
}
