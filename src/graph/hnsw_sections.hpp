// The GRPH and VECT sections of an index: hnswlib's link lists and vectors as bytes, written from
// its memory and read back into it, every link checked before the graph is searched. This codec
// sees hnswlib's memory through RowMemory only, so that hnsw_graph.cpp stays the one translation
// unit that includes hnswlib (see hnsw_graph.hpp).
//
// A link list is a u32 header, the link count (u16), hnswlib's delete mark (u8: always 0 in
// GRPH, deletions are recorded in the index's ROWS) and 0 (u8), then `max_links` u32 rows.
// GRPH is every row's level-0 list, then every row's level (u8), then the upper lists, level 1
// first, of each row above level 0 in row order. VECT is every row's vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace ruvec {

// Where hnswlib's HierarchicalNSW keeps its rows: its members of the names given.
struct RowMemory {
    uint64_t rows;        // cur_element_count: rows in use
    char* level0;         // data_level0_memory_: one record per row
    size_t record_bytes;  // size_data_per_element_
    size_t list0_offset;  // offsetLevel0_: where a record's level-0 list starts
    size_t list0_bytes;   // size_links_level0_: a level-0 list
    size_t vector_offset; // offsetData_: where a record's vector starts
    size_t vector_bytes;  // data_size_: 0 in a graph without vectors
    size_t label_offset;  // label_offset_: where a record's label (size_t, its row) starts
    size_t upper_bytes;   // size_links_per_element_: one upper level's list
    size_t max_links0;    // maxM0_: links a level-0 list has room for
    size_t max_links;     // maxM_: links an upper list has room for
    char** upper;         // linkLists_: a row's upper lists (malloc'd, freed by hnswlib)
    int* levels;          // element_levels_
};

// An empty row: no links, level 0, its label its number, and `vector` (vector_bytes) unless null.
void init_row(const RowMemory& m, uint32_t row, const void* vector);
// Zeroed room for a row's upper lists, for m.upper[row]. One slot more than the lists: hnswlib's
// search prefetches the slot after a full list's last (its own +1 byte is too short; hnswlib
// issues #107, #578).
char* new_upper_lists(const RowMemory& m, int levels);

uint64_t graph_section_bytes(const RowMemory& m);
void write_graph_section(const RowMemory& m, const std::function<void(const char*, size_t)>& emit);
void write_vectors_section(const RowMemory& m,
                           const std::function<void(const char*, size_t)>& emit);

// Initialises `rows` rows (the memory must have room), their vectors read from VECT through
// `read(offset, buffer, size)` when the graph holds vectors.
void read_vectors_section(const RowMemory& m, uint64_t rows,
                          const std::function<void(uint64_t, char*, size_t)>& read);
// Reads the links of m.rows initialised rows from GRPH, throwing Error(corrupt) at the first
// row out of range, level above `max_level` or bad count; the upper lists read so far stay
// attached (the graph's destructor frees them).
void read_graph_section(const RowMemory& m, uint64_t section_length, uint32_t max_level,
                        uint32_t entry_point,
                        const std::function<void(uint64_t, char*, size_t)>& read);

} // namespace ruvec
