// The GRPH and VECT section codec over hnswlib's memory (hnsw_sections.hpp).
#include "hnsw_sections.hpp"

#include "ruvec/error.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .rvx graph and vector sections copy hnswlib's memory, which needs a little-endian host"
#endif

namespace ruvec {

namespace {

char* record(const RowMemory& m, uint64_t row) {
    return m.level0 + row * m.record_bytes;
}

char* list0(const RowMemory& m, uint64_t row) {
    return record(m, row) + m.list0_offset;
}

// Collects small pieces into large writes.
class Chunker {
public:
    explicit Chunker(const std::function<void(const char*, size_t)>& emit) : emit_(emit) {
        buffer_.reserve(capacity);
    }
    void add(const char* data, size_t size) {
        if (buffer_.size() + size > capacity) flush();
        if (size >= capacity) {
            emit_(data, size);
            return;
        }
        buffer_.insert(buffer_.end(), data, data + size);
    }
    void flush() {
        if (!buffer_.empty()) emit_(buffer_.data(), buffer_.size());
        buffer_.clear();
    }

private:
    static constexpr size_t capacity = size_t{4} << 20;
    const std::function<void(const char*, size_t)>& emit_;
    std::vector<char> buffer_;
};

// Reads `rows` records of `row_bytes` through `read` in pieces of about 16 MB (large sequential
// reads, bounded memory), handing each record to `take(row, bytes)`.
template <class Take>
void read_rows(uint64_t rows, size_t row_bytes,
               const std::function<void(uint64_t, char*, size_t)>& read, Take take) {
    const uint64_t rows_per_read = std::max<uint64_t>(1, (size_t{16} << 20) / row_bytes);
    std::vector<char> buffer;
    for (uint64_t first = 0; first < rows; first += rows_per_read) {
        const uint64_t n = std::min(rows_per_read, rows - first);
        buffer.resize(n * row_bytes);
        read(first * row_bytes, buffer.data(), buffer.size());
        for (uint64_t i = 0; i < n; ++i) take(first + i, buffer.data() + i * row_bytes);
    }
}

[[noreturn]] void corrupt(const std::string& message) {
    throw Error(ErrorKind::corrupt, message);
}

} // namespace

void init_row(const RowMemory& m, uint32_t row, const void* vector) {
    std::memset(record(m, row), 0, m.record_bytes);
    const size_t label = row;
    std::memcpy(record(m, row) + m.label_offset, &label, sizeof label);
    if (vector) std::memcpy(record(m, row) + m.vector_offset, vector, m.vector_bytes);
    m.upper[row] = nullptr;
    m.levels[row] = 0;
}

char* new_upper_lists(const RowMemory& m, int levels) {
    char* lists = static_cast<char*>(
        std::calloc(m.upper_bytes * static_cast<size_t>(levels) + sizeof(uint32_t), 1));
    if (lists == nullptr) throw std::bad_alloc();
    return lists;
}

uint64_t graph_section_bytes(const RowMemory& m) {
    uint64_t upper = 0;
    for (uint64_t row = 0; row < m.rows; ++row)
        upper += static_cast<uint64_t>(m.levels[row]) * m.upper_bytes;
    return m.rows * (m.list0_bytes + 1) + upper;
}

void write_graph_section(const RowMemory& m, const std::function<void(const char*, size_t)>& emit) {
    Chunker out(emit);
    std::vector<char> list(m.list0_bytes);
    for (uint64_t row = 0; row < m.rows; ++row) {
        std::memcpy(list.data(), list0(m, row), list.size());
        list[2] = 0; // hnswlib's delete mark: deletions are recorded in ROWS
        out.add(list.data(), list.size());
    }
    for (uint64_t row = 0; row < m.rows; ++row) {
        const char level = static_cast<char>(m.levels[row]);
        out.add(&level, 1);
    }
    for (uint64_t row = 0; row < m.rows; ++row)
        if (m.levels[row] > 0)
            out.add(m.upper[row], m.upper_bytes * static_cast<size_t>(m.levels[row]));
    out.flush();
}

void write_vectors_section(const RowMemory& m,
                           const std::function<void(const char*, size_t)>& emit) {
    if (m.vector_bytes == 0) return;
    Chunker out(emit);
    for (uint64_t row = 0; row < m.rows; ++row)
        out.add(record(m, row) + m.vector_offset, m.vector_bytes);
    out.flush();
}

void read_vectors_section(const RowMemory& m, uint64_t rows,
                          const std::function<void(uint64_t, char*, size_t)>& read) {
    if (m.vector_bytes == 0) {
        for (uint64_t row = 0; row < rows; ++row) init_row(m, static_cast<uint32_t>(row), nullptr);
        return;
    }
    read_rows(rows, m.vector_bytes, read, [&](uint64_t row, const char* vector) {
        init_row(m, static_cast<uint32_t>(row), vector);
    });
}

void read_graph_section(const RowMemory& m, uint64_t section_length, uint32_t max_level,
                        uint32_t entry_point,
                        const std::function<void(uint64_t, char*, size_t)>& read) {
    const uint64_t rows = m.rows;
    const uint64_t list0_bytes = m.list0_bytes, list_upper = m.upper_bytes;
    if (section_length < rows * (list0_bytes + 1))
        corrupt("graph section of " + std::to_string(section_length) + " bytes is too short for " +
                std::to_string(rows) + " rows");
    if (entry_point >= rows)
        corrupt("graph entry point " + std::to_string(entry_point) + " is not a row");

    std::vector<unsigned char> levels(rows);
    read(rows * list0_bytes, reinterpret_cast<char*>(levels.data()), levels.size());
    uint64_t upper_bytes = 0;
    for (uint64_t row = 0; row < rows; ++row) {
        if (levels[row] > max_level)
            corrupt("row " + std::to_string(row) + " has level " + std::to_string(levels[row]) +
                    " above the graph's top level " + std::to_string(max_level));
        upper_bytes += levels[row] * list_upper;
    }
    if (levels[entry_point] != max_level) corrupt("graph entry point is not on the top level");
    if (section_length != rows * (list0_bytes + 1) + upper_bytes)
        corrupt("graph section has " + std::to_string(section_length) + " bytes, its levels say " +
                std::to_string(rows * (list0_bytes + 1) + upper_bytes));

    auto check_list = [&](const char* list, uint64_t row, uint32_t level, size_t capacity) {
        unsigned short count;
        std::memcpy(&count, list, 2);
        if (list[2] != 0 || list[3] != 0 || count > capacity)
            corrupt("row " + std::to_string(row) + " has a bad link list header at level " +
                    std::to_string(level));
        for (size_t i = 0; i < count; ++i) {
            uint32_t target;
            std::memcpy(&target, list + 4 + i * sizeof target, sizeof target);
            if (target >= rows || target == row || levels[target] < level)
                corrupt("row " + std::to_string(row) + " links to " + std::to_string(target) +
                        " at level " + std::to_string(level) + ", which is not a row there");
        }
    };

    read_rows(rows, list0_bytes, read, [&](uint64_t row, const char* list) {
        check_list(list, row, 0, m.max_links0);
        std::memcpy(list0(m, row), list, list0_bytes);
    });
    uint64_t offset = rows * (list0_bytes + 1);
    for (uint64_t row = 0; row < rows; ++row) {
        if (levels[row] == 0) continue;
        const size_t bytes = list_upper * levels[row];
        char* lists = new_upper_lists(m, levels[row]);
        m.upper[row] = lists;
        m.levels[row] = levels[row];
        read(offset, lists, bytes);
        offset += bytes;
        for (uint32_t level = 1; level <= levels[row]; ++level)
            check_list(lists + (level - 1) * list_upper, row, level, m.max_links);
    }
}

} // namespace ruvec
