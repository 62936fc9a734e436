//! Hints to the processor, kept in one place: the only `unsafe` code of the crate besides
//! the engine's unchecked stores.

/// Asks the CPU to start loading the cache line at `p`, which the run will read soon
/// (the engine: the next people to join, whose friend lists are scattered over the edge
/// arrays; the edge-list loader: the id table entries of the next lines). On ER
/// n = 100,000, p = 0.2 the bare cascade of benches/ic_floor.rs takes 2.8–3.6 ms a
/// run with it and 4.0–4.2 ms without (scripts/bench-peers prints both).
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults and never reads memory into the
    // program's state, whatever the address; SSE is part of the x86_64 baseline.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
