// Typed errors of the ruvec core. Library code never prints or exits: it throws ruvec::Error, and
// only the CLI's main maps the kind to an exit status and the message to one line on stderr.
#pragma once

#include <stdexcept>
#include <string>

namespace ruvec {

enum class ErrorKind {
    usage,    // bad option or parameter value given by the user
    input,    // malformed input data (a bad record, a file that is not FASTA/FASTQ)
    io,       // the operating system refused: missing file, permission, disk full
    format,   // a ruvec file of another format version or of mismatching parameters
    corrupt,  // a ruvec file whose bytes fail validation (checksum, bounds, truncation)
    resource, // a request beyond what can be allocated
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }

private:
    ErrorKind kind_;
};

} // namespace ruvec
