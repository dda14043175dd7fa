// Per-cell statistics of the final J over seeds (SPEC 1.4), one workgroup per grid cell, so only
// a few numbers per cell cross back to the host. Twin: src/engine/stats.ts.
// - mean: 64 strided lanes, then a pairwise tree, the order the twin sums in;
// - quantiles: nearest-rank order statistics, found exactly by bisection on the f32 bit pattern
//   (non-negative floats order like their bits), one counting pass per bit;
// - counts: finite, diverged, collapsed (final J < threshold, or diverged).

const LANES: u32 = 64u;
const STATS: u32 = 9u; // mean, q10, q25, q50, q75, q90, finite, diverged, collapsed

struct CellRange {
  first: u32,      // first run of the cell in the chunk
  count: u32,      // seeds
  threshold: f32,  // collapseFraction · J0
  _pad: u32,
};

struct RunState { // sequence.wgsl's, field for field: its size is the stride of `state`
  minJ: f32,
  finalJ: f32,
  diverged: u32,
  lastUpdateNorm: f32,
  lastClippedShare: f32,
};

@group(0) @binding(0) var<storage, read> state: array<RunState>;
@group(0) @binding(1) var<storage, read> cells: array<CellRange>;
@group(0) @binding(2) var<storage, read_write> stats: array<f32>;

var<workgroup> lanes: array<f32, LANES>;
var<workgroup> finiteCount: atomic<u32>;
var<workgroup> divergedCount: atomic<u32>;
var<workgroup> collapsedCount: atomic<u32>;
var<workgroup> below: atomic<u32>;
var<workgroup> wShared: u32;

// Nearest rank ceil(q·n) of per-mille quantile qm, in integers so host and GPU agree.
fn rankOf(qm: u32, n: u32) -> u32 {
  return max(1u, (qm * n + 999u) / 1000u);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let cell = cells[wid.x];
  if (tid == 0u) {
    atomicStore(&finiteCount, 0u);
    atomicStore(&divergedCount, 0u);
    atomicStore(&collapsedCount, 0u);
  }
  workgroupBarrier();
  var lane = 0.0;
  for (var i = tid; i < cell.count; i = i + LANES) {
    let s = state[cell.first + i];
    if (s.diverged != 0u) {
      atomicAdd(&divergedCount, 1u);
      atomicAdd(&collapsedCount, 1u);
    } else {
      lane = lane + s.finalJ;
      atomicAdd(&finiteCount, 1u);
      if (s.finalJ < cell.threshold) { atomicAdd(&collapsedCount, 1u); }
    }
  }
  lanes[tid] = lane;
  workgroupBarrier();
  for (var width = LANES / 2u; width >= 1u; width = width / 2u) {
    if (tid < width) { lanes[tid] = lanes[tid] + lanes[tid + width]; }
    workgroupBarrier();
  }
  if (tid == 0u) { wShared = atomicLoad(&finiteCount); }
  let n = workgroupUniformLoad(&wShared);
  let out = wid.x * STATS;
  if (tid == 0u) {
    stats[out] = lanes[0] / f32(max(n, 1u)); // the host reads a cell with no finite run as NaN
    stats[out + 6u] = f32(n);
    stats[out + 7u] = f32(atomicLoad(&divergedCount));
    stats[out + 8u] = f32(atomicLoad(&collapsedCount));
  }
  let perMille = array<u32, 5>(100u, 250u, 500u, 750u, 900u);
  for (var q = 0u; q < 5u; q = q + 1u) {
    if (n == 0u) { continue; } // no finite run: the host reports NaN quantiles
    let rank = rankOf(perMille[q], n);
    // Smallest bit pattern t with #{x ≤ t} ≥ rank; J ≥ 0, so [0, largest finite] brackets it.
    var lo = 0u;
    var hi = 0x7f7fffffu;
    while (lo < hi) {
      let mid = lo + (hi - lo) / 2u;
      if (tid == 0u) { atomicStore(&below, 0u); }
      workgroupBarrier();
      var c = 0u;
      for (var i = tid; i < cell.count; i = i + LANES) {
        let s = state[cell.first + i];
        if (s.diverged == 0u && bitcast<u32>(s.finalJ) <= mid) { c = c + 1u; }
      }
      atomicAdd(&below, c);
      workgroupBarrier();
      if (tid == 0u) { wShared = atomicLoad(&below); }
      if (workgroupUniformLoad(&wShared) >= rank) { hi = mid; } else { lo = mid + 1u; }
    }
    if (tid == 0u) { stats[out + 1u + q] = bitcast<f32>(lo); }
  }
}
