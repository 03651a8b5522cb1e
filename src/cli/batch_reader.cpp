#include "batch_reader.hpp"

#include "hts_source.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace ruvec::cli {

namespace {
constexpr size_t queue_depth = 2; // batches read ahead
} // namespace

struct BatchReader::Shared {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<SeqBatch> ready;  // filled batches, in order
    std::vector<SeqBatch> spare; // emptied batches to reuse
    std::vector<uint64_t> records_per_input;
    std::exception_ptr error; // what stopped the reader, if anything went wrong
    bool done = false;        // the reader has queued its last batch (or failed)
    bool stop = false;        // the consumer gives up; the reader should return
    std::thread thread;
};

BatchReader::BatchReader(std::vector<std::string> inputs, uint64_t batch_bases,
                         size_t batch_records, int decompress_threads)
    : inputs_(std::move(inputs)), shared_(std::make_shared<Shared>()) {
    shared_->records_per_input.assign(inputs_.size(), 0);
    std::shared_ptr<Shared> shared = shared_;
    std::vector<std::string> inputs_copy = inputs_;
    shared_->thread =
        std::thread([shared, inputs_copy, batch_bases, batch_records, decompress_threads] {
            auto take_spare = [&] {
                std::lock_guard<std::mutex> lock(shared->mutex);
                SeqBatch batch;
                if (!shared->spare.empty()) {
                    batch = std::move(shared->spare.back());
                    shared->spare.pop_back();
                }
                batch.size = 0;
                batch.bases = 0;
                batch.input_of.clear();
                return batch;
            };
            // Returns false when the consumer asked to stop.
            auto publish = [&](SeqBatch&& batch) {
                std::unique_lock<std::mutex> lock(shared->mutex);
                shared->changed.wait(
                    lock, [&] { return shared->stop || shared->ready.size() < queue_depth; });
                if (shared->stop) return false;
                shared->ready.push_back(std::move(batch));
                shared->changed.notify_all();
                return true;
            };
            try {
                SeqBatch batch = take_spare();
                for (uint32_t index = 0; index < inputs_copy.size(); ++index) {
                    HtsSource source(inputs_copy[index], decompress_threads);
                    SeqReader reader(source, inputs_copy[index]);
                    for (;;) {
                        if (batch.size == batch.records.size()) batch.records.emplace_back();
                        if (!reader.next(batch.records[batch.size])) break;
                        batch.bases += batch.records[batch.size].seq.size();
                        batch.input_of.push_back(index);
                        ++batch.size;
                        if (batch.bases >= batch_bases || batch.size >= batch_records) {
                            if (!publish(std::move(batch))) return;
                            batch = take_spare();
                        }
                    }
                    std::lock_guard<std::mutex> lock(shared->mutex);
                    shared->records_per_input[index] = reader.records_read();
                }
                if (batch.size > 0 && !publish(std::move(batch))) return;
            } catch (...) {
                std::lock_guard<std::mutex> lock(shared->mutex);
                shared->error = std::current_exception();
            }
            std::lock_guard<std::mutex> lock(shared->mutex);
            shared->done = true;
            shared->changed.notify_all();
        });
}

BatchReader::~BatchReader() {
    std::unique_lock<std::mutex> lock(shared_->mutex);
    const bool finished = shared_->done;
    shared_->stop = true;
    shared_->changed.notify_all();
    lock.unlock();
    // A reader stopped early may be blocked reading a pipe that never ends; let it go rather than
    // hang (it holds its own reference to the shared state and ends with the process).
    if (finished)
        shared_->thread.join();
    else
        shared_->thread.detach();
}

bool BatchReader::next(SeqBatch& batch) {
    std::unique_lock<std::mutex> lock(shared_->mutex);
    shared_->changed.wait(lock, [&] { return !shared_->ready.empty() || shared_->done; });
    if (shared_->ready.empty()) {
        if (shared_->error) std::rethrow_exception(shared_->error);
        return false;
    }
    if (!batch.records.empty()) shared_->spare.push_back(std::move(batch));
    batch = std::move(shared_->ready.front());
    shared_->ready.pop_front();
    shared_->changed.notify_all();
    return true;
}

std::vector<uint64_t> BatchReader::records_per_input() const {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    return shared_->records_per_input;
}

} // namespace ruvec::cli
