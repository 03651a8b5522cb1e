// The subcommands: one file each (cmd_<name>.cpp), listed in main.cpp's table.
#pragma once

#include <cstdio>

namespace ruvec::cli {

// Each takes argv with argv[0] the subcommand's name; returns the exit status or throws
// (ruvec::Error, UsageError), which main turns into one line on stderr and a status.
int embed_main(int argc, char** argv);
void embed_usage(std::FILE* out);
int index_main(int argc, char** argv);
void index_usage(std::FILE* out);
int quantize_main(int argc, char** argv);
void quantize_usage(std::FILE* out);
int search_main(int argc, char** argv);
void search_usage(std::FILE* out);
int merge_main(int argc, char** argv);
void merge_usage(std::FILE* out);
int info_main(int argc, char** argv);
void info_usage(std::FILE* out);
int bench_main(int argc, char** argv);
void bench_usage(std::FILE* out);

// `ruvec --version`: versions of ruvec and its libraries, and the SIMD ISA in use.
void print_version(std::FILE* out);

} // namespace ruvec::cli
