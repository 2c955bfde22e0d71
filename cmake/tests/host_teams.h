// Host stand-ins for a CUDA thread block, the Team of native-cuda/src/main/cuda/small_set.cuh:
//   SequentialTeam: one thread that is every warp and lane (the plain arithmetic, in order);
//   ThreadedTeam:   warps × lanes real CPU threads meeting at barriers where the kernel calls __syncthreads
//                   and exchanging partial results where it shuffles, so that a row split among lanes, rows
//                   split among warps, and a missing barrier (a race between phases) show up on the CPU.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "bpa_math.cuh"

namespace host {

struct SequentialTeam {
    int thread() const { return 0; }
    int threads() const { return 1; }
    int warp() const { return 0; }
    int warps() const { return 1; }
    int lane() const { return 0; }
    int lanes() const { return 1; }
    void sync() const {}
    bpa::Lse warp_lse(bpa::Lse a) const { return a; }
    float warp_sum(float x) const { return x; }
    float block_max(float x) const { return x; }
    float block_sum(float x) const { return x; }
};

// A reusable barrier for a fixed number of threads (C++17 has none).
class Barrier {
public:
    explicit Barrier(int count) : count_(count) {}

    void wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        long generation = generation_;
        if (++arrived_ == count_) {
            arrived_ = 0;
            generation_++;
            cv_.notify_all();
        } else {
            cv_.wait(lock, [&] { return generation_ != generation; });
        }
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    int count_;
    int arrived_ = 0;
    long generation_ = 0;
};

// What the threads of one simulated block share: the barriers and the slots of the reductions.
struct TeamState {
    int warps;
    int lanes;
    Barrier block;
    std::vector<Barrier*> warpBarriers;
    std::vector<bpa::Lse> lseSlots;
    std::vector<float> floatSlots;

    TeamState(int w, int l) : warps(w), lanes(l), block(w * l), lseSlots(w * l), floatSlots(w * l) {
        for (int k = 0; k < w; k++) warpBarriers.push_back(new Barrier(l));
    }
    ~TeamState() {
        for (Barrier* b : warpBarriers) delete b;
    }
    TeamState(const TeamState&) = delete;
};

struct ThreadedTeam {
    TeamState* state;
    int id;

    int thread() const { return id; }
    int threads() const { return state->warps * state->lanes; }
    int warp() const { return id / state->lanes; }
    int warps() const { return state->warps; }
    int lane() const { return id % state->lanes; }
    int lanes() const { return state->lanes; }
    void sync() const { state->block.wait(); }

    // Lanes publish their partials, then each combines them in lane order (as every lane of a warp ends up
    // with the same total on the GPU); the second barrier keeps the slots until everyone has read them.
    bpa::Lse warp_lse(bpa::Lse a) const {
        int first = warp() * lanes();
        state->lseSlots[id] = a;
        state->warpBarriers[warp()]->wait();
        bpa::Lse total = bpa::lse_empty();
        for (int l = 0; l < lanes(); l++) total = bpa::lse_merge(total, state->lseSlots[first + l]);
        state->warpBarriers[warp()]->wait();
        return total;
    }

    float warp_sum(float x) const {
        int first = warp() * lanes();
        state->floatSlots[id] = x;
        state->warpBarriers[warp()]->wait();
        float total = 0.0f;
        for (int l = 0; l < lanes(); l++) total += state->floatSlots[first + l];
        state->warpBarriers[warp()]->wait();
        return total;
    }

    float block_max(float x) const {
        return block_reduce(x, [](float a, float b) { return fmaxf(a, b); }, -INFINITY);
    }

    float block_sum(float x) const {
        return block_reduce(x, [](float a, float b) { return a + b; }, 0.0f);
    }

private:
    template <class Op>
    float block_reduce(float x, Op op, float identity) const {
        sync();  // the slots may still be read by a warp reduction of another warp
        state->floatSlots[id] = x;
        sync();
        float total = identity;
        for (int k = 0; k < threads(); k++) total = op(total, state->floatSlots[k]);
        sync();
        return total;
    }
};

// Runs body(team) on `warps` × `lanes` threads, as one block.
template <class Body>
void run_threaded(int warps, int lanes, Body body) {
    TeamState state(warps, lanes);
    std::vector<std::thread> threads;
    for (int id = 0; id < warps * lanes; id++) {
        threads.emplace_back([&state, id, &body] {
            ThreadedTeam team{&state, id};
            body(team);
        });
    }
    for (auto& t : threads) t.join();
}

template <class Body>
void run_sequential(Body body) {
    SequentialTeam team;
    body(team);
}

}  // namespace host
