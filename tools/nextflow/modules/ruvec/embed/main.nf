// ruvec embed: FASTA/FASTQ records, or windows of them, to vectors (.rvec).
process RUVEC_EMBED {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), path(sequences)

    output:
    tuple val(meta), path("*.rvec"), emit: rvec
    path "versions.yml"            , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    ruvec embed \\
        -@ ${task.cpus - 1} \\
        $args \\
        -o ${prefix}.rvec \\
        $sequences

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.rvec

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        ruvec: \$(ruvec --version | sed -n '1s/^ruvec //p')
    END_VERSIONS
    """
}
